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

/// Calls `visit(char32_t)` with each code point of `utf8`, as to_u32 gives them, without
/// building the string.
template <class Visit>
void each_code_point(std::string_view utf8, Visit visit) {
  for (std::size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
    char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
    bool ok = n >= 0;
    for (int k = 1; k <= n && ok; ++k) {
      if (i + static_cast<std::size_t>(k) >= utf8.size()) {
        ok = false;
        break;
      }
      auto cc = static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (!ok) {  // the lead byte alone, replaced
      visit(char32_t{0xFFFD});
      ++i;
      continue;
    }
    visit(cp);
    i += static_cast<std::size_t>(n) + 1;
  }
}

}  // namespace hopnhat::base
