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

hopnhat::sdk::Status RowReader::next(Row& row, bool& got) {
  const std::string_view text = text_;
  const std::size_t n = text.size();
  std::size_t i = at_;
  got = false;
  if (i >= n) return hopnhat::sdk::Status::ok();
  row.line = line_;
  std::size_t used = 0;  // cells of `row` filled so far (the cells it had are reused, then trimmed)
  auto cell = [&]() -> std::string& {
    if (used == row.cells.size()) row.cells.emplace_back();
    std::string& c = row.cells[used++];
    c.clear();
    return c;
  };
  auto plain_run = [&](std::string& out) {  // up to the delimiter or the end of the line
    std::size_t b = i;
    while (i < n && text[i] != delim_ && text[i] != '\n' && text[i] != '\r') ++i;
    out.append(text.substr(b, i - b));
  };
  for (;;) {
    std::string& c = cell();
    if (i < n && text[i] == '"') {
      std::size_t start_line = line_;
      ++i;
      bool closed = false;
      while (i < n) {
        std::size_t b = i;
        while (i < n && text[i] != '"' && text[i] != '\n') ++i;
        c.append(text.substr(b, i - b));
        if (i >= n) break;
        if (text[i] == '\n') { ++line_; c.push_back('\n'); ++i; continue; }
        if (i + 1 < n && text[i + 1] == '"') { c.push_back('"'); i += 2; continue; }
        ++i;
        closed = true;
        break;
      }
      if (!closed)
        return hopnhat::sdk::Status::invalid_input("line " + std::to_string(start_line) +
                                                   ": a quoted cell is never closed (a \" is missing)");
      plain_run(c);  // text after the closing quote up to the delimiter is kept, as spreadsheets do
    } else {
      plain_run(c);
    }
    if (i >= n) break;
    if (text[i] == delim_) { ++i; continue; }
    if (text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') ++i;
    ++line_;
    break;
  }
  row.cells.resize(used);
  at_ = i;
  got = true;
  return hopnhat::sdk::Status::ok();
}

hopnhat::sdk::Status parse_csv(std::string_view text, char delim, std::vector<Row>& rows) {
  RowReader reader(text, delim);
  for (;;) {
    Row row;
    bool got = false;
    auto st = reader.next(row, got);
    if (!st) return st;
    if (!got) return hopnhat::sdk::Status::ok();
    rows.push_back(std::move(row));
  }
}

void append_cell(std::string& out, std::string_view v, char delim) {
  const bool formula = !v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos;
  const char special[] = {'"', '\r', '\n', delim, '\0'};
  const bool quoted = v.find_first_of(std::string_view(special, 4)) != std::string_view::npos;
  if (quoted) out += '"';
  if (formula) out += '\'';
  if (!quoted) {
    out.append(v);
    return;
  }
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string format_cell(std::string_view value, char delim) {
  std::string out;
  append_cell(out, value, delim);
  return out;
}

}  // namespace hopnhat_csv
