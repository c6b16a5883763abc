#include "text/domain_tables.hpp"

#include <sstream>
#include <stdexcept>

namespace hopnhat::text {
namespace embedded {
std::string_view core_data(std::string_view file_name);
}

std::string_view core_data_file(std::string_view file_name) { return embedded::core_data(file_name); }

std::vector<std::vector<std::string>> core_data_rows(std::string_view file) {
  std::string_view data = core_data_file(file);
  if (data.empty()) throw std::logic_error("embedded data file missing: " + std::string(file));
  std::vector<std::vector<std::string>> rows;
  std::istringstream in{std::string(data)};
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (header) { header = false; continue; }
    std::vector<std::string> cells;
    std::string cell;
    std::istringstream ls(line);
    while (std::getline(ls, cell, ',')) cells.push_back(cell);
    rows.push_back(std::move(cells));
  }
  return rows;
}


namespace {

std::vector<std::string> read_lines(std::string_view file) {
  std::vector<std::string> out;
  std::istringstream in{std::string(core_data_file(file))};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // The name list types some Đ as U+00D0 (eth); store the Vietnamese letter.
    for (std::size_t at; (at = line.find("\xC3\x90")) != std::string::npos;) line.replace(at, 2, "\xC4\x90");
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

}  // namespace

const DomainTables& domain_tables() {
  static const DomainTables kTables = [] {
    DomainTables t;
    for (auto& row : core_data_rows("provinces_63_pre2025_gso_cccd.csv"))
      if (row.size() >= 4) t.provinces_by_cccd_code.emplace(row[1], row[3]);
    for (auto& row : core_data_rows("cccd_gender_century_digit.csv"))
      if (row.size() >= 3 && row[0].size() == 1) t.cccd_gender_digits.emplace(row[0][0], GenderCentury{row[1], std::stoi(row[2])});
    for (auto& row : core_data_rows("surname_frequency_waiwiki.csv"))
      if (row.size() >= 3) t.surnames.push_back({row[0], std::stod(row[2])});
    for (auto& row : core_data_rows("he_so_luong_groups.csv")) {
      if (row.size() < 4) continue;
      SalaryGroup g{row[0], {}};
      std::istringstream cs(row[3]);
      std::string c;
      while (std::getline(cs, c, ';')) g.coefficients.push_back(std::stod(c));
      t.salary_groups.push_back(std::move(g));
    }
    t.male_given_names = read_lines("boy.txt");
    t.female_given_names = read_lines("girl.txt");
    t.male_single_names = read_lines("boy_one_word.txt");
    t.female_single_names = read_lines("girl_one_word.txt");
    return t;
  }();
  return kTables;
}

}  // namespace hopnhat::text
