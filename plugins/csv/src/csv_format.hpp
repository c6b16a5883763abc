// RFC 4180 reading and writing shared by the CSV importer and exporter.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "hopnhat/sdk/status.hpp"

namespace hopnhat_csv {

struct Row {
  std::size_t line = 0;  // physical line where the row starts (1-based)
  std::vector<std::string> cells;
};

/// The delimiter among , ; tab | that occurs most often outside quotes in the first row.
char detect_delimiter(std::string_view text);

/// Reads decoded text a row at a time, so that records flow to the host while the rest of a
/// large file is still unread. Quoted cells may hold delimiters, quotes ("") and newlines.
/// Borrows `text`, which must outlive it; one thread at a time.
class RowReader {
 public:
  RowReader(std::string_view text, char delimiter) : text_(text), delim_(delimiter) {}
  /// The next row into `row` (its cells buffers are reused); false at the end of the text.
  /// Fails naming the line where an unclosed quoted cell starts.
  hopnhat::sdk::Status next(Row& row, bool& got);

 private:
  std::string_view text_;
  char delim_;
  std::size_t at_ = 0;
  std::size_t line_ = 1;
};

/// Splits decoded text into rows. Quoted cells may hold delimiters, quotes ("") and newlines.
/// Fails naming the line where an unclosed quoted cell starts.
hopnhat::sdk::Status parse_csv(std::string_view text, char delimiter, std::vector<Row>& rows);

/// A cell for writing: quoted when needed, and prefixed with ' when a spreadsheet would take it
/// for a formula (= + - @ tab CR at the start).
std::string format_cell(std::string_view value, char delimiter);
/// The same appended to `out` (a row written without a string per cell).
void append_cell(std::string& out, std::string_view value, char delimiter);

}  // namespace hopnhat_csv
