// A small CSV reader for the organisation's data files (units, crosswalk, aliases): UTF-8,
// comma-separated, RFC 4180 quoting, a header row naming the columns. A column the caller does
// not know, a required column that is missing, a row with more cells than the header, a quote
// left open, or bytes that are not UTF-8 are errors naming the file, line and column. Files are
// small (thousands of rows): read whole. Stateless; thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace hopnhat::org {

struct CsvRow {
  int line = 0;  // of the row's first character, 1 = the header
  std::map<std::string, std::string> cells;
  std::string get(const std::string& column) const {
    auto it = cells.find(column);
    return it == cells.end() ? std::string() : it->second;
  }
};

struct CsvTable {
  std::vector<std::string> columns;
  std::vector<CsvRow> rows;
  /// Throws OrgError (units.hpp).
  static CsvTable read(const std::filesystem::path& file, const std::vector<std::string>& required,
                       const std::vector<std::string>& optional);
};

}  // namespace hopnhat::org
