// Text quoted in a message, cut to a bound: a message names what is wrong, it does not carry
// it. A 10 MB line quoted whole would go twice into the log, the run report and the runs table.
// Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace hopnhat::base {

/// `text` when it has at most `max_bytes` bytes; else its first bytes (never half a UTF-8
/// character) and "… (N more bytes)".
inline std::string bounded(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;  // a character's start
  return std::string(text.substr(0, end)) + "… (" + std::to_string(text.size() - end) + " more bytes)";
}

}  // namespace hopnhat::base
