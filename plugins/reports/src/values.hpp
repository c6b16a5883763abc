// The value of a form's cell for one person: a golden field, a raw column, or a computed value
// (age and years in the Party as of the report's date, …), and whether a person passes a filter.
// An Evaluator is immutable after construction; it may be shared by threads.
#pragma once

#include <cstdint>
#include <string>

#include "form.hpp"
#include "placement.hpp"
#include "hopnhat/sdk/record.hpp"
#include "sheet.hpp"

namespace hopnhat_reports {

struct Date {
  int year = 0, month = 0, day = 0;  // month/day 0 when the precision is coarser
  static Date parse(const std::string& iso);  // "1965", "1965-09", "1965-09-12"; year 0 when not a date
  std::string shown() const;                  // "12/09/1965", "09/1965", "1965"
  std::string iso() const;
};

/// Whole years from `from` to `to` (a coarse date counts as its first day), or -1.
int years_between(const Date& from, const Date& to);

class Evaluator {
 public:
  /// `placer` (may be null; must outlive the evaluator) places persons for the computed values
  /// unit and unit_code (level is the day's posting's own, in any structure).
  explicit Evaluator(Date as_of, const Placer* placer = nullptr) : as_of_(as_of), placer_(placer) {}
  const Date& as_of() const { return as_of_; }

  /// The value as text, unformatted (dates in ISO); "" when there is none.
  std::string raw(const ValueSpec& v, const hopnhat::sdk::PersonRecord& p) const;
  /// The value as a cell of the table: dates as dates, numbers as numbers.
  Cell cell(const ValueSpec& v, const hopnhat::sdk::PersonRecord& p) const;
  bool holds(const Condition& c, const hopnhat::sdk::PersonRecord& p) const;
  bool holds_all(const std::vector<Condition>& cs, const hopnhat::sdk::PersonRecord& p) const;

 private:
  Date as_of_;
  const Placer* placer_;
};

/// "I", "II", … for section rows.
std::string roman(int n);
/// A number as a form shows it: "12", "2.34".
std::string number_text(double v);

}  // namespace hopnhat_reports
