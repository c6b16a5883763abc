// String similarity on Unicode code points (callers pass folded or tone-keyed text).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::match {

/// Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters).
double jaro_winkler(std::u32string_view a, std::u32string_view b);

/// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions),
/// stopping early: returns `limit + 1` as soon as the distance is known to exceed `limit`.
int damerau_levenshtein(std::u32string_view a, std::u32string_view b, int limit = 1000);

/// UTF-8 to code points (invalid bytes become U+FFFD).
std::u32string to_u32(std::string_view utf8);

}  // namespace hopnhat::match
