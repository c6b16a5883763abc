#include "text/citizen_id.hpp"

#include <cstdlib>

#include "text/domain_tables.hpp"

namespace hopnhat::text {
namespace {

bool twelve_digits(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// Digits 4-6 (indices 3-5): century + gender, then the year.
constexpr std::size_t kEmbeddedFirst = 3;

}  // namespace

CitizenIdRelation relate_citizen_ids(std::string_view a, std::string_view b, bool a_suspect, bool b_suspect) {
  if (a == b) return CitizenIdRelation::kEqual;
  if (!twelve_digits(a) || !twelve_digits(b)) return CitizenIdRelation::kContradicting;
  const bool embedded_differ = a.substr(kEmbeddedFirst, 3) != b.substr(kEmbeddedFirst, 3);
  if (embedded_differ && !a_suspect && !b_suspect) return CitizenIdRelation::kContradicting;
  std::size_t first = 12, differing = 0;
  for (std::size_t i = 0; i < 12; ++i)
    if (a[i] != b[i]) {
      if (first == 12) first = i;
      ++differing;
    }
  if (differing == 1) return CitizenIdRelation::kOneKeystroke;
  // Two adjacent digits swapped (inside digits 4-6 only when one of the two is suspect).
  if (differing == 2 && first + 1 < 12 && a[first] == b[first + 1] && a[first + 1] == b[first])
    return CitizenIdRelation::kOneKeystroke;
  return CitizenIdRelation::kContradicting;
}

int citizen_id_birth_year(std::string_view cccd) {
  if (!twelve_digits(cccd)) return 0;
  const auto& digits = domain_tables().cccd_gender_digits;
  auto g = digits.find(cccd[3]);
  if (g == digits.end()) return 0;
  return g->second.century_base + (cccd[4] - '0') * 10 + (cccd[5] - '0');
}

std::string citizen_id_gender(std::string_view cccd) {
  if (!twelve_digits(cccd)) return {};
  const auto& digits = domain_tables().cccd_gender_digits;
  auto g = digits.find(cccd[3]);
  return g == digits.end() ? std::string() : g->second.gender;
}

CitizenIdCheck check_citizen_id(std::string_view cccd, std::string_view birth_date, std::string_view gender) {
  CitizenIdCheck check;
  const int year = citizen_id_birth_year(cccd);
  if (!year) return check;
  if (birth_date.size() >= 4) {
    int record_year = std::atoi(std::string(birth_date.substr(0, 4)).c_str());
    if (record_year > 0) {
      check.year_checked = true;
      if (record_year != year) {
        check.suspect = true;
        check.reason = "its digits say born " + std::to_string(year) + ", the record says " + std::to_string(record_year);
      }
    }
  }
  std::string embedded_gender = citizen_id_gender(cccd);
  if (!gender.empty() && !embedded_gender.empty()) {
    check.gender_checked = true;
    if (gender != embedded_gender) {
      if (!check.reason.empty()) check.reason += "; ";
      check.suspect = true;
      check.reason += "its digits say " + embedded_gender + ", the record says " + std::string(gender);
    }
  }
  return check;
}

}  // namespace hopnhat::text
