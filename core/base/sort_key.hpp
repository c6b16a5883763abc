#pragma once
// A string's first eight bytes as one number, for sorting many strings that live far apart in
// memory: most comparisons end on the number, held beside the item, and only ties read the
// strings.

#include <cstdint>
#include <string_view>

namespace hopnhat::base {

/// The first eight bytes of `s`, the first one highest, shorter strings padded with zero bytes.
/// If leading_bytes_key(a) < leading_bytes_key(b) then a < b byte-wise (as std::string
/// compares); equal keys say nothing, and the strings must be compared.
inline std::uint64_t leading_bytes_key(std::string_view s) {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < 8; ++i) key = (key << 8) | (i < s.size() ? static_cast<unsigned char>(s[i]) : 0u);
  return key;
}

}  // namespace hopnhat::base
