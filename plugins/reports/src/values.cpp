#include "values.hpp"

#include <cstdio>
#include <cstdlib>
#include <set>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"
#include "hopnhat/sdk/units.hpp"

namespace hopnhat_reports {

namespace sdk = hopnhat::sdk;

Date Date::parse(const std::string& s) {
  Date d;
  auto digits = [&](std::size_t at, std::size_t n) {
    if (s.size() < at + n) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = digits(0, 4);
  if (y <= 0 || (s.size() != 4 && s.size() != 7 && s.size() != 10)) return d;
  d.year = y;
  if (s.size() >= 7 && s[4] == '-') d.month = std::max(0, digits(5, 2));
  if (s.size() == 10 && s[7] == '-') d.day = std::max(0, digits(8, 2));
  if (d.month > 12 || d.day > 31) return Date{};
  return d;
}

std::string Date::shown() const {
  char buf[16];
  if (day) std::snprintf(buf, sizeof buf, "%02d/%02d/%04d", day, month, year);
  else if (month) std::snprintf(buf, sizeof buf, "%02d/%04d", month, year);
  else std::snprintf(buf, sizeof buf, "%04d", year);
  return buf;
}

std::string Date::iso() const {
  char buf[16];
  if (day) std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  else if (month) std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  else std::snprintf(buf, sizeof buf, "%04d", year);
  return buf;
}

int years_between(const Date& from, const Date& to) {
  if (!from.year || !to.year) return -1;
  int years = to.year - from.year;
  int fm = from.month ? from.month : 1, fd = from.day ? from.day : 1;
  int tm = to.month ? to.month : 12, td = to.day ? to.day : 31;
  if (tm < fm || (tm == fm && td < fd)) --years;
  return years < 0 ? -1 : years;
}

std::string roman(int n) {
  static const std::pair<int, const char*> kNumerals[] = {{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
                                                          {90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
                                                          {5, "V"},    {4, "IV"},   {1, "I"}};
  std::string out;
  for (const auto& [v, s] : kNumerals)
    while (n >= v) {
      out += s;
      n -= v;
    }
  return out;
}

std::string number_text(double v) {
  char buf[32];
  if (v == static_cast<double>(static_cast<long long>(v))) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  else std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

namespace {

bool is_party_member(const sdk::PersonRecord& p, const Date& as_of) {
  const std::string& joined = p.value("party_join_date");
  if (!joined.empty()) {
    Date d = Date::parse(joined);
    return d.year && d.iso().substr(0, 10) <= as_of.iso();
  }
  return !p.value("party_card_no").empty();
}

}  // namespace

std::string Evaluator::raw(const ValueSpec& v, const sdk::PersonRecord& p) const {
  switch (v.kind) {
    case ValueSpec::Kind::kField: return p.value(v.name);
    case ValueSpec::Kind::kAttribute: {
      const std::string* a = p.attribute(v.name);
      return a ? *a : "";
    }
    case ValueSpec::Kind::kAggregate: return "";
    case ValueSpec::Kind::kComputed: break;
  }
  if (v.name == "person_id") return p.person_id;
  if (v.name == "age" || v.name == "party_years") {
    if (v.name == "party_years" && !is_party_member(p, as_of_)) return "";
    int y = years_between(Date::parse(p.value(v.name == "age" ? "birth_date" : "party_join_date")), as_of_);
    return y < 0 ? "" : std::to_string(y);
  }
  if (v.name == "party_member") return is_party_member(p, as_of_) ? "x" : "";
  if (v.name == "level") {  // the posting of the day's level, whatever structure it is counted in
    const sdk::PersonPeriod* post = sdk::posting_on(p.timeline, as_of_.iso());
    return post ? post->level : "";
  }
  if (v.name == "unit" || v.name == "unit_code") {
    // Without a placer (no timeline given), the golden value as the record states it.
    if (!placer_) return v.name == "unit" ? p.value("org_unit") : "";
    const Placement at = placer_->place(p);
    return v.name == "unit" ? placer_->label(at) : at.code;
  }
  if (v.name == "sources") {
    std::set<std::string> names;
    for (const auto& r : p.records) names.insert(r.source);
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
  }
  if (v.name == "review") {
    for (const auto& r : p.records)
      if (r.status == "review") return "x";
    return "";
  }
  return "";  // stt: numbered when the rows are laid out
}

Cell Evaluator::cell(const ValueSpec& v, const sdk::PersonRecord& p) const {
  Cell c;
  c.role = Role::kText;
  c.text = raw(v, p);
  if (c.text.empty()) return c;
  const sdk::FieldInfo* f = v.kind == ValueSpec::Kind::kField ? sdk::find_field(v.name) : nullptr;
  if (f && f->type == sdk::FieldType::kDate) {
    Date d = Date::parse(c.text);
    if (!d.year) return c;
    c.text = d.shown();
    if (d.day) {
      c.role = Role::kDate;
      c.year = d.year;
      c.month = d.month;
      c.day = d.day;
    }
    return c;
  }
  bool numeric = (f && (f->type == sdk::FieldType::kDecimal || f->type == sdk::FieldType::kInteger)) ||
                 (v.kind == ValueSpec::Kind::kComputed && (v.name == "age" || v.name == "party_years"));
  if (numeric) {
    char* end = nullptr;
    double x = std::strtod(c.text.c_str(), &end);
    if (end && *end == '\0') {
      c.number = x;
      c.role = Role::kNumber;
    }
  }
  return c;
}

bool Evaluator::holds(const Condition& c, const sdk::PersonRecord& p) const {
  const std::string value = raw(c.subject, p);
  bool result = false;
  auto date_operand = [&](const std::string& o) { return o == "{as_of}" ? as_of_.iso() : o; };
  switch (c.op) {
    case Condition::Op::kPresent: result = !value.empty(); break;
    case Condition::Op::kAbsent: result = value.empty(); break;
    case Condition::Op::kEquals:
    case Condition::Op::kIn: {
      std::string folded = sdk::fold(value);
      for (const auto& o : c.operands) result = result || folded == o;
      break;
    }
    case Condition::Op::kStartsWith: {
      std::string folded = sdk::fold(value);
      for (const auto& o : c.operands) result = result || folded.rfind(o, 0) == 0;
      break;
    }
    case Condition::Op::kContains: {
      std::string folded = sdk::fold(value);
      for (const auto& o : c.operands) result = result || folded.find(o) != std::string::npos;
      break;
    }
    case Condition::Op::kBefore:
    case Condition::Op::kAfter: {
      Date d = Date::parse(value);
      if (!d.year) break;  // no date: neither before nor after
      std::string mine = d.iso(), other = date_operand(c.operands.front());
      std::size_t n = std::min(mine.size(), other.size());
      int cmp = mine.compare(0, n, other, 0, n);
      result = c.op == Condition::Op::kBefore ? cmp <= 0 : cmp >= 0;
      break;
    }
  }
  return c.negate ? !result : result;
}

bool Evaluator::holds_all(const std::vector<Condition>& cs, const sdk::PersonRecord& p) const {
  for (const auto& c : cs)
    if (!holds(c, p)) return false;
  return true;
}

}  // namespace hopnhat_reports
