// Names of agencies and units as comparison keys: "VP Huyện uỷ", "Văn phòng Huyện ủy" and the
// party cell "Chi bộ Văn phòng Huyện ủy" give one key. Pure functions over immutable tables
// (core/data/unit_abbreviations.csv); thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::text {

/// The folded words of a unit's name (lower case, no diacritics, đ as d), with abbreviations that
/// have one reading expanded ("vp" → "van phong", "LĐTB&XH" → "lao dong thuong binh xa hoi"),
/// "và" and punctuation dropped, and a party-organisation prefix ("chi bo", "dang bo", "to dang")
/// removed from the front. Empty for a name with no words left.
std::string unit_key(std::string_view name);

/// Whether the words of one key appear in order within the other's ("van phong" within
/// "van phong huyen uy"): a shortened name of the same unit, or a unit inside another.
bool unit_key_within(std::string_view a, std::string_view b);

}  // namespace hopnhat::text
