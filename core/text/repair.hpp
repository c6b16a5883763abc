// Repairing legacy Vietnamese text that reached us inside UTF-8: TCVN3 or VNI bytes that some
// program read as Windows-1252 and saved again ("NguyÔn V¨n Hïng" for "Nguyễn Văn Hùng").
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hopnhat::text {

/// The repaired text when `utf8` reads as TCVN3 or VNI mojibake and the repair looks more like
/// Vietnamese than the original; nothing otherwise (including for text already fine).
std::optional<std::string> repair_mojibake(std::string_view utf8);

}  // namespace hopnhat::text
