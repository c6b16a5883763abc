// Partial dates as Vietnamese personnel records hold them: "12/09/1965", "09/1965", "1965",
// "00/00/1965", "1965-09-12", Excel serial numbers. Values are plain data; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hopnhat::text {

enum class DatePrecision { kYear, kMonth, kDay };

struct PartialDate {
  int year = 0;
  int month = 0;  // 0 when unknown
  int day = 0;    // 0 when unknown
  DatePrecision precision() const {
    return day ? DatePrecision::kDay : month ? DatePrecision::kMonth : DatePrecision::kYear;
  }
  /// "1965", "1965-09" or "1965-09-12".
  std::string iso() const;
  bool operator==(const PartialDate&) const = default;
};

/// Parses the forms above (two-digit years: 00–29 → 20xx, else 19xx; numbers 20000–80000 are
/// Excel serials). Returns nothing for text that is not a date, or a date that does not exist.
std::optional<PartialDate> parse_date(std::string_view text);

/// Serial day number of Excel's 1900 date system (with its phantom 29 Feb 1900) to a date.
std::optional<PartialDate> from_excel_serial(long serial);

}  // namespace hopnhat::text
