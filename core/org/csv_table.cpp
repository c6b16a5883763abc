#include "org/csv_table.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "org/units.hpp"

namespace hopnhat::org {

namespace {

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string trim(std::string s) {
  s.erase(0, s.find_first_not_of(" \t"));
  s.erase(s.find_last_not_of(" \t") + 1);
  return s;
}

}  // namespace

CsvTable CsvTable::read(const std::filesystem::path& file, const std::vector<std::string>& required,
                        const std::vector<std::string>& optional) {
  const std::string name = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) throw OrgError(name + ": cannot read the file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) text.erase(0, 3);  // a byte-order mark from a spreadsheet

  // Records of cells, with the line each record starts on.
  std::vector<std::pair<int, std::vector<std::string>>> records;
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false, any = false;
  int line = 1, record_line = 1, quote_line = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && trim(cell).empty()) {
      quoted = true;
      quote_line = line;
      cell.clear();
      any = true;
    } else if (c == ',') {
      cells.push_back(cell);
      cell.clear();
      any = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        cells.push_back(cell);
        records.emplace_back(record_line, std::move(cells));
      }
      cells.clear();
      cell.clear();
      any = false;
      record_line = ++line;
    } else {
      cell += c;
      any = true;
    }
  }
  if (quoted) throw OrgError(name + ": line " + std::to_string(quote_line) + ": a quote opened here is never closed");
  if (any || !cell.empty()) {
    cells.push_back(cell);
    records.emplace_back(record_line, std::move(cells));
  }
  if (records.empty()) throw OrgError(name + ": empty; the first line names the columns");

  CsvTable out;
  for (const std::string& h : records.front().second) out.columns.push_back(trim(h));
  for (std::size_t k = 0; k < out.columns.size(); ++k) {
    const std::string& h = out.columns[k];
    bool known = std::find(required.begin(), required.end(), h) != required.end() ||
                 std::find(optional.begin(), optional.end(), h) != optional.end();
    if (!known) {
      std::string all;
      for (const auto& list : {required, optional})
        for (const auto& c : list) all += (all.empty() ? "" : ",") + c;
      throw OrgError(name + ": line 1, column " + std::to_string(k + 1) + ": unknown column \"" + h.substr(0, 40) + "\" (the columns are " + all + ")");
    }
    if (std::count(out.columns.begin(), out.columns.end(), h) > 1)
      throw OrgError(name + ": line 1, column " + std::to_string(k + 1) + ": the column " + h + " is named twice");
  }
  for (const std::string& r : required)
    if (std::find(out.columns.begin(), out.columns.end(), r) == out.columns.end())
      throw OrgError(name + ": line 1: the column " + r + " is missing");
  for (std::size_t i = 1; i < records.size(); ++i) {
    auto& [at_line, values] = records[i];
    if (values.size() > out.columns.size())
      throw OrgError(name + ": line " + std::to_string(at_line) + ": " + std::to_string(values.size()) + " cells, but the header names " +
                     std::to_string(out.columns.size()) + " columns");
    CsvRow row;
    row.line = at_line;
    for (std::size_t k = 0; k < values.size(); ++k) {
      std::string v = trim(values[k]);
      if (!valid_utf8(v))
        throw OrgError(name + ": line " + std::to_string(at_line) + ", column " + out.columns[k] + ": not UTF-8 (save the file as CSV UTF-8)");
      row.cells[out.columns[k]] = std::move(v);
    }
    out.rows.push_back(std::move(row));
  }
  return out;
}

}  // namespace hopnhat::org
