#include "text/date.hpp"

#include <cctype>
#include <cstdio>
#include <vector>

namespace hopnhat::text {
namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::optional<PartialDate> make(int y, int m, int d) {
  if (y < 1800 || y > 2200) return std::nullopt;
  if (m < 0 || m > 12 || d < 0) return std::nullopt;
  if (m == 0 && d != 0) return std::nullopt;
  if (d != 0 && d > days_in_month(y, m)) return std::nullopt;
  return PartialDate{y, m, d};
}

int expand_year(int y, std::size_t digits) {
  if (digits > 2) return y;
  return y < 30 ? 2000 + y : 1900 + y;
}

}  // namespace

std::string PartialDate::iso() const {
  // Written by hand: once per date of every stored record, where snprintf showed in profiles.
  auto digits = [](std::string& out, int v, int width) {
    for (int p = width == 4 ? 1000 : 10; p > 0; p /= 10) out.push_back(static_cast<char>('0' + v / p % 10));
  };
  if (year < 0 || year > 9999 || month < 0 || month > 99 || day < 0 || day > 99) {
    char buf[40];
    if (day) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    else if (month) std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    else std::snprintf(buf, sizeof buf, "%04d", year);
    return buf;
  }
  std::string out;
  out.reserve(10);
  digits(out, year, 4);
  if (month || day) {
    out.push_back('-');
    digits(out, month, 2);
    if (day) {
      out.push_back('-');
      digits(out, day, 2);
    }
  }
  return out;
}

std::optional<PartialDate> from_excel_serial(long serial) {
  if (serial < 1 || serial > 2958465) return std::nullopt;
  if (serial == 60) return std::nullopt;  // 29/02/1900 exists only in Excel
  // Serial 25569 is 1970-01-01; below 60 there is no phantom leap day to step over.
  long z = serial - (serial > 60 ? 25569 : 25568);
  // civil_from_days (H. Hinnant): days since 1970-01-01 to a Gregorian date.
  z += 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400;
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153;
  long d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  return make(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d));
}

std::optional<PartialDate> parse_date(std::string_view text) {
  // Split into runs of digits; remember the separators seen.
  std::vector<std::string> parts;
  std::string cur;
  bool dash = false, other = false;
  for (char c : text) {
    if (std::isdigit(static_cast<unsigned char>(c))) { cur.push_back(c); continue; }
    if (!cur.empty()) { parts.push_back(cur); cur.clear(); }
    if (c == '-') dash = true;
    else if (c == '/' || c == '.' || c == ' ' || c == '\t') {}
    else other = true;
  }
  if (!cur.empty()) parts.push_back(cur);
  if (other || parts.empty() || parts.size() > 3) return std::nullopt;
  for (auto& p : parts) if (p.size() > 8) return std::nullopt;
  auto num = [](const std::string& s) { return std::stoi(s); };

  if (parts.size() == 1) {
    const std::string& p = parts[0];
    if (p.size() == 4) return make(num(p), 0, 0);
    if (p.size() == 8) {  // yyyymmdd or ddmmyyyy
      int a = num(p.substr(0, 4));
      if (a >= 1800 && a <= 2200) return make(a, num(p.substr(4, 2)), num(p.substr(6, 2)));
      return make(num(p.substr(4, 4)), num(p.substr(2, 2)), num(p.substr(0, 2)));
    }
    if (p.size() == 5) return from_excel_serial(std::stol(p));
    return std::nullopt;
  }
  if (parts.size() == 2) {  // mm/yyyy or yyyy-mm
    if (parts[1].size() == 4) return make(num(parts[1]), num(parts[0]), 0);
    if (parts[0].size() == 4) return make(num(parts[0]), num(parts[1]), 0);
    return std::nullopt;
  }
  // Three parts: yyyy-mm-dd, or dd/mm/yyyy (Vietnamese order; also with '-').
  if (parts[0].size() == 4) return make(num(parts[0]), num(parts[1]), num(parts[2]));
  if (parts[2].size() == 4 || parts[2].size() <= 2) {
    if (dash && parts[2].size() <= 2) return std::nullopt;  // "65-09-12" is ambiguous
    int y = expand_year(num(parts[2]), parts[2].size());
    int m = num(parts[1]), d = num(parts[0]);
    if (m == 0) d = 0;  // "00/00/1965", "12/00/1965" → year only
    return make(y, m, d);
  }
  return std::nullopt;
}

}  // namespace hopnhat::text
