// A record's value under the transforms of blocking rules ("fold", "year_month", "given"...),
// and the forms of it those transforms share, made once per record.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "text/date.hpp"
#include "text/names.hpp"

namespace hopnhat::match {

/// The transforms a blocking part may name (match settings, docs/matching.md).
enum class Transform {
  kValue,            // the value as normalised
  kFold,             // folded: no diacritics, lower case
  kPrefix3,          // the first three code points, folded
  kGiven,            // a name's last word, folded
  kFamily,           // a name's first word, folded
  kFamilyMiddle,     // a name's words but the last, folded
  kYear,             // a date's year
  kYearMonth,        // "1969-7"; nothing for a date without a month
  kYearDay,          // "1969--14"; nothing for a date without a day
  kDayMonth,         // "1969-7-14" with day and month in either order; nothing without a day
  kDayMonthNoYear,   // "7-14", the same without the year
  kNone,             // a name this program does not know: no key
};

/// The transform called `name`; kNone for a name that is none of them (settings check names).
Transform transform_named(std::string_view name);
/// Every transform's name, comma-separated (for messages).
std::string transform_names();

/// One value and what transforms of it need: folded, split into name parts, parsed as a date —
/// each made when first asked for. A record's full name is keyed on by four rules and compared
/// as a name, its birth date by six rules and compared as a date: folded, split and parsed once
/// here instead of once each. Not thread-safe (it caches); it views `value`, which must outlive
/// its use until the next reset.
class ValueForms {
 public:
  void reset(std::string_view value) {
    value_ = value;
    folded_done_ = parts_done_ = date_done_ = false;
  }
  std::string_view value() const { return value_; }
  const std::string& folded();
  const text::NameParts& name_parts();  // of the folded value
  const std::optional<text::PartialDate>& date();

 private:
  std::string_view value_;
  std::string folded_;
  text::NameParts parts_;
  std::optional<text::PartialDate> date_;
  bool folded_done_ = false, parts_done_ = false, date_done_ = false;
};

/// The value under transform `t` ("" when it does not apply: no day for kYearDay, an empty value).
std::string transformed(ValueForms& value, Transform t);

}  // namespace hopnhat::match
