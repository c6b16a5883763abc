// The stored text of a golden record. The documented shape — field → {value, source,
// record_id, run, rule}, what `persons --format json`, the admin API and exporters show — is
// stored compactly, each provenance written once and the fields pointing at it:
//
//   {"p":[["civil","CB100518",1,"agreement"],["party","10003626",1,"only_value"]],
//    "f":{"birth_date":["1993-11-10",0],"party_card_no":["10003626",1]}}
//
// (a third of the bytes: a million golden records are written, and read by every export).
// Fields come in key order and provenances in order of first use, so equal records have equal
// texts. Stores written before this layout hold the documented shape itself; every reader takes
// both, and a record is written in the new layout when it is next rebuilt.
// Free functions and a value type; not synchronised.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopnhat::merge {

/// Builds the stored text from values given in field (key) order. The views must stay valid
/// until finish().
class GoldenTextWriter {
 public:
  void add(std::string_view field, std::string_view value, std::string_view source, std::string_view record_id,
           std::int64_t run, std::string_view rule);
  std::string finish() const;

 private:
  struct Origin {
    std::string_view source, record_id, rule;
    std::int64_t run;
  };
  std::vector<Origin> origins_;
  std::string fields_;
};

/// The stored text of a golden record in the documented shape (as GoldenRecord::to_json gives).
std::string encode_golden(const nlohmann::json& golden);
/// The documented shape of a stored text, of either layout. Throws std::runtime_error saying
/// what is wrong when the text is not a golden record.
nlohmann::json decode_golden(std::string_view text);
/// Whether the text is in the compact layout (else the documented shape of older stores).
bool is_compact_golden(std::string_view text);
/// Whether a stored text holds a value an administrator decided (rule "decision").
bool golden_has_decision(std::string_view text);

}  // namespace hopnhat::merge
