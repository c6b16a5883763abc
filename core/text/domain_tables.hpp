// Vietnamese reference tables compiled into the core (core/data/, sources in SOURCES.md there).
// Built on first use and immutable afterwards: safe to read from any thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace hopnhat::text {

struct GenderCentury {
  std::string gender;  // "Nam" or "Nữ"
  int century_base;    // 1900, 2000, …
};

struct Surname {
  std::string name;  // "Nguyễn"; a regional pair is listed as "Huỳnh/Hoàng"
  double percent;
};

struct SalaryGroup {
  std::string group;                  // "A1", "B", …
  std::vector<double> coefficients;   // by step, from step 1
};

struct DomainTables {
  std::map<std::string, std::string> provinces_by_cccd_code;  // "001" → "Hà Nội"
  std::map<char, GenderCentury> cccd_gender_digits;           // '0' → {Nam, 1900}
  std::vector<Surname> surnames;
  std::vector<std::string> male_given_names;    // two syllables: middle + given ("Văn Hùng" style)
  std::vector<std::string> female_given_names;
  std::vector<std::string> male_single_names;   // one syllable
  std::vector<std::string> female_single_names;
  std::vector<SalaryGroup> salary_groups;
};

const DomainTables& domain_tables();

/// Bytes of an embedded core data file (a base name from core/data/), or empty.
std::string_view core_data_file(std::string_view file_name);
/// The rows of an embedded CSV file (cells split on commas; the heading, empty lines and lines
/// starting with '#' skipped). Throws std::logic_error when the file is not embedded.
std::vector<std::vector<std::string>> core_data_rows(std::string_view file_name);

}  // namespace hopnhat::text
