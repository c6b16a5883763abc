// JSON Schema validation (valijson) with messages that name the JSON path and the expectation,
// e.g. `sources[0].optionz: unknown key (did you mean "options"?)`.
// A SchemaCheck is immutable after construction and may be shared between threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopnhat::config {

class SchemaCheck {
 public:
  /// Throws std::invalid_argument with the reason when `schema` is not a usable JSON Schema.
  explicit SchemaCheck(nlohmann::json schema);
  ~SchemaCheck();
  SchemaCheck(SchemaCheck&&) noexcept;

  /// Problems of `document`, each "path: what was expected"; empty when it is valid.
  /// `root_path` prefixes every path ("sources[1].options").
  std::vector<std::string> problems(const nlohmann::json& document, const std::string& root_path = "") const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// "a.b[2].c" style path from valijson's context ("<root>", "[a]", "[2]").
std::string json_path(const std::vector<std::string>& context, const std::string& root_path);

}  // namespace hopnhat::config
