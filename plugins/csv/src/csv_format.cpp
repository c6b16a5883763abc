#include "csv_format.hpp"

namespace hopnhat_csv {

char detect_delimiter(std::string_view text) {
  const char candidates[] = {',', ';', '\t', '|'};
  std::size_t counts[4] = {0, 0, 0, 0};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    for (int i = 0; i < 4; ++i)
      if (c == candidates[i]) ++counts[i];
  }
  int best = 0;
  for (int i = 1; i < 4; ++i)
    if (counts[i] > counts[best]) best = i;
  return candidates[best];
}

hopnhat::sdk::Status parse_csv(std::string_view text, char delim, std::vector<Row>& rows) {
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    Row row;
    row.line = line;
    std::string cell;
    bool row_done = false;
    while (!row_done) {
      cell.clear();
      if (i < n && text[i] == '"') {
        std::size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') { cell.push_back('"'); i += 2; continue; }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          cell.push_back(c);
          ++i;
        }
        if (!closed)
          return hopnhat::sdk::Status::invalid_input("line " + std::to_string(start_line) +
                                                     ": a quoted cell is never closed (a \" is missing)");
        // Text after the closing quote up to the delimiter is kept, as spreadsheets do.
        while (i < n && text[i] != delim && text[i] != '\n' && text[i] != '\r') cell.push_back(text[i++]);
      } else {
        while (i < n && text[i] != delim && text[i] != '\n' && text[i] != '\r') cell.push_back(text[i++]);
      }
      row.cells.push_back(cell);
      if (i >= n) { row_done = true; break; }
      if (text[i] == delim) { ++i; continue; }
      if (text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      row_done = true;
    }
    rows.push_back(std::move(row));
  }
  return hopnhat::sdk::Status::ok();
}

std::string format_cell(std::string_view value, char delim) {
  std::string v(value);
  if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos) v.insert(v.begin(), '\'');
  if (v.find_first_of(std::string("\"\r\n") + delim) == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string column_letter(std::size_t index) {
  std::string s;
  ++index;
  while (index > 0) {
    s.insert(s.begin(), static_cast<char>('A' + (index - 1) % 26));
    index = (index - 1) / 26;
  }
  return s;
}

}  // namespace hopnhat_csv
