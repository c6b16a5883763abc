#include "legacy_tables.hpp"

#include <sstream>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "embedded_data.hpp"

namespace hopnhat::sdk::legacy {
namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, '\t')) cells.push_back(cell);
  return cells;
}

char32_t parse_code_point(const std::string& text) {  // "U+1EA0" or "-"
  if (text.size() < 3 || text[0] != 'U') return 0;
  return static_cast<char32_t>(std::stoul(text.substr(2), nullptr, 16));
}

// Files of the form "0xAB<TAB>U+XXXX<TAB>…", as written by the glibc iconv dump.
void load_byte_table(std::string_view file, std::array<char32_t, 256>& table) {
  std::string data(sdk_data::embedded_file(file));
  if (data.empty()) throw std::logic_error("embedded table missing: " + std::string(file));
  for (int b = 0; b < 0x80; ++b) table[b] = static_cast<char32_t>(b);
  std::istringstream in(data);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_tabs(line);
    if (cells.size() < 2) continue;
    int byte = std::stoi(cells[0], nullptr, 16);
    if (byte >= 0 && byte < 256) table[byte] = parse_code_point(cells[1]);
  }
}

void load_vni(std::map<std::string, char32_t>& vni) {
  std::istringstream in{std::string(sdk_data::embedded_file("vni_letters.tsv"))};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto cells = split_tabs(line);
    if (cells.size() < 3) continue;
    std::string bytes;
    std::istringstream hex(cells[2]);
    std::string h;
    while (hex >> h) bytes.push_back(static_cast<char>(std::stoi(h, nullptr, 16)));
    char32_t cp = parse_code_point(cells[1]);
    if (!bytes.empty() && cp != 0) vni.emplace(bytes, cp);
  }
}

}  // namespace

const Tables& tables() {
  static const Tables kTables = [] {
    Tables t;
    load_byte_table("tcvn5712-1_glibc.tsv", t.tcvn3);
    load_byte_table("cp1258_glibc.tsv", t.cp1258);
    load_vni(t.vni);
    return t;
  }();
  return kTables;
}

}  // namespace hopnhat::sdk::legacy
