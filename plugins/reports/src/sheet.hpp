// A laid-out sheet: cells with their role, merged ranges and column widths; written to XLSX
// (libxlsxwriter) or to CSV. Laying out and writing are separate so that every form is laid out
// once, whatever the output. Plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace hopnhat_reports {

enum class Role { kEmpty, kTopLine, kTitle, kSubtitle, kHeader, kText, kNumber, kDate, kGroup, kGroupNumber, kTotal,
                  kTotalNumber, kLabel, kSignature, kNote,
                  kPlain };

struct Cell {
  std::string text;               // what is shown (for kDate: dd/mm/yyyy)
  std::optional<double> number;   // kNumber, kGroupNumber, kTotalNumber
  int year = 0, month = 0, day = 0;  // kDate
  Role role = Role::kEmpty;
};

struct Merge {
  int first_row, first_col, last_row, last_col;
};

struct Sheet {
  std::string name;
  std::vector<std::vector<Cell>> rows;
  std::vector<Merge> merges;
  std::vector<double> widths;
  int freeze_rows = 0;  // rows kept in view when scrolling (title and headers)
  bool landscape = false;
  // The table part, for CSV: one heading row, then body rows.
  std::vector<std::string> csv_heading;
  int body_first = 0, body_end = 0;

  Cell& at(int row, int col);  // grows the sheet as needed
};

/// Writes the sheets to `path` as one workbook. Throws std::runtime_error naming the file.
void write_xlsx(const std::vector<Sheet>& sheets, const std::string& path);
/// Writes the table part of one sheet as UTF-8 CSV (with a BOM, so that Excel reads the accents).
void write_csv(const Sheet& sheet, const std::string& path);

}  // namespace hopnhat_reports
