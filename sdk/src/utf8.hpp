// Small UTF-8 helpers for the fast paths of text.cpp (internal to the SDK library).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hopnhat::sdk::utf8 {

/// Decodes the code point at `i` and advances `i`; returns 0xFFFFFFFF on an ill-formed sequence.
inline char32_t next(std::string_view s, std::size_t& i) {
  auto c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { ++i; return c; }
  int n = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
  if (n < 0 || i + static_cast<std::size_t>(n) >= s.size()) { ++i; return 0xFFFFFFFF; }
  char32_t cp = n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k <= n; ++k) {
    auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
    if ((cc & 0xC0) != 0x80) { ++i; return 0xFFFFFFFF; }
    cp = (cp << 6) | (cc & 0x3F);
  }
  i += static_cast<std::size_t>(n) + 1;
  return cp;
}

inline void append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Latin letters a Vietnamese text is made of: below the combining marks, or Latin Extended
/// Additional. Such text is NFC as it stands and folds letter by letter.
inline bool latin_range(char32_t cp) { return cp < 0x300 || (cp >= 0x1E00 && cp < 0x1F00); }

}  // namespace hopnhat::sdk::utf8
