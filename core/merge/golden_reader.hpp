// Reading stored golden records (merge/golden_text.hpp, either layout) fast enough for a million
// persons per run: simdjson's on-demand parser over a reused buffer, no JSON tree. One reader
// per thread; it owns its buffer and parser. simdjson stays inside the .cpp: its types' layout
// depends on compile definitions only the core library is built with.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::merge {

class GoldenReader {
 public:
  GoldenReader();
  ~GoldenReader();
  GoldenReader(GoldenReader&&) noexcept;
  GoldenReader& operator=(GoldenReader&&) noexcept;

  /// The golden values of `text`, replacing `out`'s content. Throws std::runtime_error naming
  /// the person and what is wrong when the text is not a golden record.
  void read(const std::string& person_id, std::string_view text, std::map<std::string, sdk::PersonValue>& out);
  /// Adds the fields `text` has a golden value for to `fields`.
  void add_fields(const std::string& person_id, std::string_view text, std::set<std::string, std::less<>>& fields);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace hopnhat::merge
