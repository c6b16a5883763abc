// Vietnamese personal names: parts, comparison keys that ignore old/new tone placement, and
// regional spellings of one family name. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::text {

struct NameParts {
  std::string family;  // first word: "Nguyễn"
  std::string middle;  // the words between, may be empty: "Thị Thu"
  std::string given;   // last word: "Hà"
};

/// Splits a cleaned full name (words separated by single spaces). One word: the given name.
NameParts split_name(std::string_view full_name);

/// A key equal for spellings that differ only in case, white space or where the tone mark sits
/// ("Hoà"/"Hòa", "Thuý"/"Thúy"), but different for different diacritics ("Hà"/"Hạ").
std::string tone_key(std::string_view text);

/// True when two family names are regional spellings of one name (Huỳnh/Hoàng, Vũ/Võ), from the
/// surname table. Compared on folded text.
bool family_name_variants(std::string_view a, std::string_view b);

/// Whether every word of a name (NFC) could be a Vietnamese syllable: an onset, a vowel nucleus
/// and a final the language allows (compared without diacritics, so "Nguyen" passes as well as
/// "Nguyễn"), and at most one tone mark. A typing error mostly breaks that ("Thhanh", "Vọg",
/// "Tùùng"), so between two spellings of one person's name the possible one is the better guess.
/// Names of other languages mostly fail too: use it only to choose between candidates.
bool plausible_vietnamese_name(std::string_view name);

}  // namespace hopnhat::text
