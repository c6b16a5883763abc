// Field normalisation: one canonical spelling per value, by the field's type, so that records
// from different systems can be compared and golden values look the same whatever their source.
// Stored and displayed text is NFC; comparison keys (hopnhat::sdk::fold) are never stored.
// All functions are pure and thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "hopnhat/sdk/fields.hpp"

namespace hopnhat::text {

struct NormalizedValue {
  std::string value;    // canonical text; empty when the input was empty
  bool valid = true;    // false: kept as given (trimmed, NFC) but not understood
  std::string problem;  // why it is not valid, for reports
};

/// Normalises `raw` as a value of `field`.
NormalizedValue normalize_value(const sdk::FieldInfo& field, std::string_view raw);

/// A record's canonical values after normalisation. Computed once when a record is new or
/// changed and kept in the store beside the raw values, so that later runs reuse it.
struct NormalizedFields {
  std::map<std::string, std::string> values;  // canonical field → normalised text (non-empty)
  std::set<std::string> invalid;              // fields whose value could not be understood
  bool valid(const std::string& field) const { return !invalid.count(field); }
};

/// Normalises every canonical field of a record; a full name given only in parts is joined.
NormalizedFields normalize_record(const std::map<std::string, std::string>& fields);
std::string to_json_text(const NormalizedFields& n);
/// Throws std::exception on text that is not what to_json_text writes.
NormalizedFields normalized_from_json(const std::string& text);

struct CitizenIdInfo {
  std::string digits;     // 12 digits (a leading zero lost by a spreadsheet restored)
  std::string province;   // province name for the first three digits
  std::string gender;     // "Nam" / "Nữ" from the fourth digit
  int birth_year_low = 0; // century base + the 5th and 6th digits: the birth year
};

/// Checks a CCCD (12 digits: province code, gender+century digit, two year digits, six digits).
/// Returns nothing when the text cannot be a CCCD.
std::optional<CitizenIdInfo> parse_citizen_id(std::string_view raw);

/// "Nam" or "Nữ" from Nam/Nữ, nam/nu, M/F, male/female, 1/0; nothing otherwise.
std::optional<std::string> parse_gender(std::string_view raw);

/// A person's name in NFC with single spaces and each word capitalised ("nguyễn  văn AN" →
/// "Nguyễn Văn An").
std::string normalize_name(std::string_view raw);

/// Text in NFC, trimmed, runs of white space as one space.
std::string clean_text(std::string_view raw);

/// An identifier safe for logs at info level: "0010********" keeps the first four characters.
std::string mask_id(std::string_view id);

}  // namespace hopnhat::text
