// The data tables compiled into the SDK library (see sdk/data/SOURCES.md).
#pragma once
#include <string_view>

namespace hopnhat::sdk_data {
/// Bytes of the embedded file `file_name` (a base name from sdk/data/), or empty.
std::string_view embedded_file(std::string_view file_name);
}  // namespace hopnhat::sdk_data
