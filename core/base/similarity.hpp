// String similarity on Unicode code points (callers pass folded or tone-keyed text).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::base {

/// Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, up to 4 characters).
double jaro_winkler(std::u32string_view a, std::u32string_view b);
/// The same over bytes: equal to the above for ASCII text, which folded values mostly are.
double jaro_winkler(std::string_view a, std::string_view b);

/// Whether the optimal-string-alignment distance is at most 1 (one substitution, insertion,
/// deletion or swap of neighbours): damerau_levenshtein(a, b, 1) <= 1 without its table.
bool within_one_edit(std::u32string_view a, std::u32string_view b);
bool within_one_edit(std::string_view a, std::string_view b);

/// Whether `s` is all ASCII (its bytes are its code points).
bool is_ascii(std::string_view s);

/// Optimal-string-alignment distance (Damerau–Levenshtein with adjacent transpositions),
/// stopping early: returns `limit + 1` as soon as the distance is known to exceed `limit`.
int damerau_levenshtein(std::u32string_view a, std::u32string_view b, int limit = 1000);

/// UTF-8 to code points (invalid bytes become U+FFFD).
std::u32string to_u32(std::string_view utf8);

}  // namespace hopnhat::base
