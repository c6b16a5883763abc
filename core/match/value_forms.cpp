#include "match/value_forms.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "hopnhat/sdk/text.hpp"

namespace hopnhat::match {

namespace {

constexpr std::array<std::pair<std::string_view, Transform>, 11> kNames{{
    {"value", Transform::kValue},
    {"fold", Transform::kFold},
    {"prefix3", Transform::kPrefix3},
    {"given", Transform::kGiven},
    {"family", Transform::kFamily},
    {"family_middle", Transform::kFamilyMiddle},
    {"year", Transform::kYear},
    {"year_month", Transform::kYearMonth},
    {"year_day", Transform::kYearDay},
    {"day_month", Transform::kDayMonth},
    {"day_month_no_year", Transform::kDayMonthNoYear},
}};

}  // namespace

Transform transform_named(std::string_view name) {
  for (const auto& [n, t] : kNames)
    if (n == name) return t;
  return Transform::kNone;
}

std::string transform_names() {
  std::string out;
  for (const auto& [n, t] : kNames) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

const std::string& ValueForms::folded() {
  if (!folded_done_) {
    folded_ = sdk::fold(value_);
    folded_done_ = true;
  }
  return folded_;
}

const text::NameParts& ValueForms::name_parts() {
  if (!parts_done_) {
    parts_ = text::split_name(folded());
    parts_done_ = true;
  }
  return parts_;
}

const std::optional<text::PartialDate>& ValueForms::date() {
  if (!date_done_) {
    date_ = text::parse_date(value_);
    date_done_ = true;
  }
  return date_;
}

std::string transformed(ValueForms& value, Transform t) {
  if (value.value().empty()) return {};
  switch (t) {
    case Transform::kValue: return std::string(value.value());
    case Transform::kFold: return value.folded();
    case Transform::kPrefix3: {
      const std::string& f = value.folded();
      std::size_t end = 0;
      for (int chars = 0; end < f.size() && chars < 3; ++chars) {  // three code points, not bytes
        ++end;
        while (end < f.size() && (static_cast<unsigned char>(f[end]) & 0xC0) == 0x80) ++end;
      }
      return f.substr(0, end);
    }
    case Transform::kGiven: return value.name_parts().given;
    case Transform::kFamily: return value.name_parts().family;
    case Transform::kFamilyMiddle: {
      const text::NameParts& parts = value.name_parts();
      return parts.middle.empty() ? parts.family : parts.family + " " + parts.middle;
    }
    case Transform::kNone: return {};
    default: break;
  }
  const auto& d = value.date();
  if (!d) return {};
  switch (t) {
    case Transform::kYear: return std::to_string(d->year);
    case Transform::kYearMonth: return d->month ? std::to_string(d->year) + "-" + std::to_string(d->month) : std::string();
    case Transform::kYearDay: return d->day ? std::to_string(d->year) + "--" + std::to_string(d->day) : std::string();
    case Transform::kDayMonth:
    case Transform::kDayMonthNoYear: {
      if (!d->day) return {};
      int lo = std::min(d->day, d->month), hi = std::max(d->day, d->month);
      return (t == Transform::kDayMonth ? std::to_string(d->year) + "-" : std::string()) + std::to_string(lo) + "-" +
             std::to_string(hi);
    }
    default: return {};
  }
}

}  // namespace hopnhat::match
