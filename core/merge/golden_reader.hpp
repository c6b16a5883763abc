// Reading stored golden records (the JSON text build_golden writes: field → {value, source,
// record_id, run, rule}) fast enough for a million persons per run: simdjson's on-demand parser
// over a reused buffer, no JSON tree. One reader per thread; it owns its buffer and parser.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "hopnhat/sdk/record.hpp"

namespace hopnhat::merge {

class GoldenReader {
 public:
  /// The golden values of `text`, replacing `out`'s content. Throws std::runtime_error naming
  /// the person and what is wrong when the text is not a golden record.
  void read(const std::string& person_id, std::string_view text, std::map<std::string, sdk::PersonValue>& out);
  /// Adds the fields `text` has a golden value for to `fields`.
  void add_fields(const std::string& person_id, std::string_view text, std::set<std::string>& fields);

 private:
  simdjson::ondemand::document& parse(const std::string& person_id, std::string_view text);

  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document document_;
  std::string buffer_;  // the text with simdjson's padding after it
};

}  // namespace hopnhat::merge
