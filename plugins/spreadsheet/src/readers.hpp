// The three readers. Each delivers the chosen sheet row by row (1-based row numbers, dense
// cells as text: dates as dd/mm/yyyy, whole numbers without exponent so that ID numbers keep
// every digit), and fails with a SheetError naming the file, sheet, row or part.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zip_archive.hpp"

namespace hopnhat_sheet {

struct ReadLimits {
  std::size_t max_rows = 500000;
  std::uint64_t max_uncompressed = 512ull << 20;
};

/// Which sheet: by name, or by 1-based number (0 = the first).
struct SheetChoice {
  std::string name;
  int number = 0;
};

using RowSink = std::function<bool(std::size_t row, std::vector<std::string>&& cells)>;  // false: stop

/// Returns the sheet's name.
std::string read_xlsx(const std::string& path, const SheetChoice& sheet, const ReadLimits& limits, const RowSink& sink);
std::string read_ods(const std::string& path, const SheetChoice& sheet, const ReadLimits& limits, const RowSink& sink);
std::string read_xls(const std::string& path, const SheetChoice& sheet, const ReadLimits& limits, const RowSink& sink);

/// Text of a number as a person would type it: whole numbers with all digits, others shortest.
std::string number_text(double v);
/// dd/mm/yyyy of an Excel serial day, or the number when it is no date.
std::string serial_date_text(double serial);

}  // namespace hopnhat_sheet
