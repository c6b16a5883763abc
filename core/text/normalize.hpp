// Field normalisation: one canonical spelling per value, by the field's type, so that records
// from different systems can be compared and golden values look the same whatever their source.
// Stored and displayed text is NFC; comparison keys (hopnhat::sdk::fold) are never stored.
// All functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
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
/// Packed — one buffer, an offset per field of sdk::kCanonicalFields — because a run holds two
/// million of them: a third of the memory of a map, and a field is found by its index.
/// A value type; not synchronised (const use from several threads is safe).
class NormalizedFields {
 public:
  static constexpr std::size_t kFields = sdk::kCanonicalFields.size();

  NormalizedFields() = default;
  /// `values[i]` is the value of sdk::kCanonicalFields[i] ("" when absent); bit i of
  /// `invalid_mask` marks a value that could not be understood.
  NormalizedFields(const std::array<std::string, kFields>& values, std::uint32_t invalid_mask);

  /// The value of field `index` of sdk::kCanonicalFields, "" when the record has none.
  std::string_view at(std::size_t index) const {
    return {data_.data() + start_[index], static_cast<std::size_t>(start_[index + 1] - start_[index])};
  }
  bool valid(std::size_t index) const { return !(invalid_ >> index & 1u); }
  /// The same by name; valid for a name that is not a canonical field.
  bool valid(std::string_view field) const;
  bool empty() const { return data_.empty(); }

  /// Field name → value for the fields present, and the names of the invalid ones.
  std::map<std::string, std::string> values() const;
  std::set<std::string> invalid() const;

 private:
  std::string data_;
  std::array<std::uint32_t, kFields + 1> start_{};
  std::uint32_t invalid_ = 0;
};
static_assert(NormalizedFields::kFields <= 32, "the invalid mask has 32 bits");

/// The index of `field` in sdk::kCanonicalFields, or nothing.
std::optional<std::size_t> field_index(std::string_view field);

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

}  // namespace hopnhat::text
