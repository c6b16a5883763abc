#include "text/normalize.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <vector>

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "base/json_text.hpp"
#include "hopnhat/sdk/text.hpp"
#include "text/date.hpp"
#include "text/domain_tables.hpp"
#include "text/repair.hpp"

namespace hopnhat::text {
namespace {

std::string digits_only(std::string_view raw, bool& had_letters) {
  std::string d;
  had_letters = false;
  for (char c : raw) {
    if (std::isdigit(static_cast<unsigned char>(c))) d.push_back(c);
    else if (std::isalpha(static_cast<unsigned char>(c))) had_letters = true;
  }
  return d;
}

// "2.2088E+10" as a spreadsheet shows a long number: the digits, if the notation is exact.
std::optional<std::string> expand_scientific(std::string_view raw) {
  auto e = raw.find_first_of("eE");
  if (e == std::string_view::npos) return std::nullopt;
  std::string mant(raw.substr(0, e));
  int exp = 0;
  try { exp = std::stoi(std::string(raw.substr(e + 1))); } catch (...) { return std::nullopt; }
  auto dot = mant.find('.');
  std::string digits = mant;
  int frac = 0;
  if (dot != std::string::npos) { digits = mant.substr(0, dot) + mant.substr(dot + 1); frac = static_cast<int>(mant.size() - dot - 1); }
  for (char c : digits) if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  if (exp < frac || exp > 20) return std::nullopt;
  return digits + std::string(static_cast<std::size_t>(exp - frac), '0');
}

std::string normalize_decimal(std::string_view raw, bool& ok) {
  std::string s = clean_text(raw);
  for (char& c : s) if (c == ',') c = '.';
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  ok = !s.empty() && end && *end == '\0';
  if (!ok) return s;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string clean_text(std::string_view raw) {
  std::string nfc = sdk::to_nfc(raw);
  std::string out;
  out.reserve(nfc.size());
  bool space = false;
  for (std::size_t i = 0; i < nfc.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(nfc[i]);
    bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
    // U+00A0 no-break space, common in copied spreadsheet cells
    if (c == 0xC2 && i + 1 < nfc.size() && static_cast<unsigned char>(nfc[i + 1]) == 0xA0) { ws = true; ++i; }
    // U+00D0/U+00F0 (Icelandic eth) typed for Đ/đ: the glyphs look the same in most fonts.
    if (c == 0xC3 && i + 1 < nfc.size() && (static_cast<unsigned char>(nfc[i + 1]) == 0x90 || static_cast<unsigned char>(nfc[i + 1]) == 0xB0)) {
      if (space) { out.push_back(' '); space = false; }
      out += static_cast<unsigned char>(nfc[i + 1]) == 0x90 ? "\xC4\x90" : "\xC4\x91";
      ++i;
      continue;
    }
    if (ws) { space = !out.empty(); continue; }
    if (space) { out.push_back(' '); space = false; }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string normalize_name(std::string_view raw) {
  // Simple case mapping per code point (u_tolower / u_totitle) is exact for Vietnamese letters
  // and avoids building ICU strings for every name of a large run.
  std::string cleaned = clean_text(raw);
  icu::UnicodeString out;
  bool start = true;
  std::string result;
  result.reserve(cleaned.size());
  for (int32_t i = 0; i < static_cast<int32_t>(cleaned.size());) {
    UChar32 c;
    U8_NEXT(cleaned.data(), i, static_cast<int32_t>(cleaned.size()), c);
    if (c < 0) c = 0xFFFD;
    UChar32 mapped = u_tolower(c);
    if (start && u_isalpha(c)) { mapped = u_totitle(c); start = false; }
    if (c == ' ' || c == '-') start = true;
    char buf[4];
    int32_t n = 0;
    UBool error = false;
    U8_APPEND(buf, n, 4, mapped, error);
    (void)error;  // four bytes always fit a code point
    result.append(buf, static_cast<std::size_t>(n));
  }
  return result;
}

std::optional<CitizenIdInfo> parse_citizen_id(std::string_view raw) {
  std::string text = clean_text(raw);
  std::string digits;
  if (auto sci = expand_scientific(text)) digits = *sci;
  else {
    bool letters = false;
    digits = digits_only(text, letters);
    if (letters) return std::nullopt;
  }
  // A spreadsheet that took the CCCD for a number dropped its leading zeros: every province code
  // starts with 0, so 11 digits lost one and 10 digits lost two (provinces 001–008).
  if (digits.size() == 11) digits.insert(digits.begin(), '0');
  else if (digits.size() == 10) digits.insert(0, "00");
  if (digits.size() != 12) return std::nullopt;
  const auto& t = domain_tables();
  auto p = t.provinces_by_cccd_code.find(digits.substr(0, 3));
  if (p == t.provinces_by_cccd_code.end()) return std::nullopt;
  auto g = t.cccd_gender_digits.find(digits[3]);
  if (g == t.cccd_gender_digits.end()) return std::nullopt;
  CitizenIdInfo info;
  info.digits = digits;
  info.province = p->second;
  info.gender = g->second.gender;
  info.birth_year_low = g->second.century_base + std::stoi(digits.substr(4, 2));
  return info;
}

std::optional<std::string> parse_gender(std::string_view raw) {
  std::string f = sdk::fold(raw);
  if (f == "nam" || f == "m" || f == "male" || f == "1" || f == "trai") return std::string("Nam");
  if (f == "nu" || f == "f" || f == "female" || f == "0" || f == "2" || f == "gai") return std::string("Nữ");
  return std::nullopt;
}

NormalizedValue normalize_value(const sdk::FieldInfo& field, std::string_view raw) {
  NormalizedValue out;
  std::string cleaned = clean_text(raw);
  if (cleaned.empty()) return out;
  if (field.type == sdk::FieldType::kName || field.type == sdk::FieldType::kText) {
    if (auto repaired = repair_mojibake(cleaned)) cleaned = clean_text(*repaired);  // TCVN3/VNI read as Windows-1252
  }
  auto invalid = [&](std::string problem) {
    out.value = cleaned;
    out.valid = false;
    out.problem = std::move(problem);
    return out;
  };
  switch (field.type) {
    case sdk::FieldType::kName: out.value = normalize_name(cleaned); return out;
    case sdk::FieldType::kGender: {
      auto g = parse_gender(cleaned);
      if (!g) return invalid("not a gender (expected Nam or Nữ)");
      out.value = *g;
      return out;
    }
    case sdk::FieldType::kDate: {
      auto d = parse_date(cleaned);
      if (!d) return invalid("not a date (expected dd/mm/yyyy, mm/yyyy or yyyy)");
      out.value = d->iso();
      return out;
    }
    case sdk::FieldType::kCitizenId: {
      auto id = parse_citizen_id(cleaned);
      if (!id) {
        // An invalid number is kept for an administrator to see, but as its digits when it is
        // only digits and separators: "123 456 789" and "123456789" are one old ID card
        // number, not two values in conflict.
        auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
        if (std::any_of(cleaned.begin(), cleaned.end(), digit) &&
            std::all_of(cleaned.begin(), cleaned.end(), [&](char c) { return digit(c) || c == ' ' || c == '.' || c == '-'; })) {
          std::erase_if(cleaned, [&](char c) { return !digit(c); });
          if (cleaned.size() == 9) return invalid("a 9-digit CMND (the old identity card), not a 12-digit citizen ID");
        }
        return invalid("not a valid 12-digit citizen ID");
      }
      out.value = id->digits;
      return out;
    }
    case sdk::FieldType::kIdNumber: {
      if (auto sci = expand_scientific(cleaned)) { out.value = *sci; return out; }
      out.value = cleaned;
      return out;
    }
    case sdk::FieldType::kDecimal: {
      bool ok = false;
      out.value = normalize_decimal(cleaned, ok);
      if (!ok) return invalid("not a number");
      return out;
    }
    case sdk::FieldType::kInteger: {
      bool ok = false;
      std::string d = normalize_decimal(cleaned, ok);
      if (!ok) return invalid("not a whole number");
      double v = std::stod(d);
      if (v != static_cast<long>(v)) return invalid("not a whole number");
      out.value = std::to_string(static_cast<long>(v));
      return out;
    }
    case sdk::FieldType::kPhone: {
      bool letters = false;
      std::string d = digits_only(cleaned, letters);
      if (letters || d.size() < 9) return invalid("not a phone number");
      if (d.rfind("84", 0) == 0 && d.size() == 11) d = "0" + d.substr(2);
      out.value = d;
      return out;
    }
    case sdk::FieldType::kEmail: {
      std::string e = sdk::fold(cleaned);
      if (e.find('@') == std::string::npos) return invalid("not an e-mail address");
      out.value = cleaned;
      for (char& c : out.value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return out;
    }
    case sdk::FieldType::kText: out.value = cleaned; return out;
  }
  return out;
}

}  // namespace hopnhat::text

namespace hopnhat::text {

std::optional<std::size_t> field_index(std::string_view field) {
  const sdk::FieldInfo* f = sdk::find_field(field);
  if (!f) return std::nullopt;
  return static_cast<std::size_t>(f - sdk::kCanonicalFields.data());
}

NormalizedFields::NormalizedFields(const std::array<std::string, kFields>& values, std::uint32_t invalid_mask)
    : invalid_(invalid_mask) {
  std::size_t size = 0;
  for (const auto& v : values) size += v.size();
  data_.reserve(size);
  for (std::size_t i = 0; i < kFields; ++i) {
    start_[i] = static_cast<std::uint32_t>(data_.size());
    data_ += values[i];
  }
  start_[kFields] = static_cast<std::uint32_t>(data_.size());
}

bool NormalizedFields::valid(std::string_view field) const {
  auto i = field_index(field);
  return !i || valid(*i);
}

std::map<std::string, std::string> NormalizedFields::values() const {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < kFields; ++i)
    if (!at(i).empty()) out.emplace(sdk::kCanonicalFields[i].name, at(i));
  return out;
}

std::set<std::string> NormalizedFields::invalid() const {
  std::set<std::string> out;
  for (std::size_t i = 0; i < kFields; ++i)
    if (!valid(i)) out.emplace(sdk::kCanonicalFields[i].name);
  return out;
}

NormalizedFields normalize_record(const std::map<std::string, std::string>& fields) {
  std::array<std::string, NormalizedFields::kFields> values;
  std::uint32_t invalid = 0;
  for (const auto& [name, raw] : fields) {
    auto i = field_index(name);
    if (!i) continue;
    NormalizedValue nv = normalize_value(sdk::kCanonicalFields[*i], raw);
    if (nv.value.empty()) continue;
    values[*i] = std::move(nv.value);
    if (!nv.valid) invalid |= 1u << *i;
  }
  static const std::size_t kFullName = *field_index("full_name");
  if (values[kFullName].empty()) {  // a name given only in parts
    std::string joined;
    for (const char* part : {"family_name", "middle_name", "given_name"})
      if (const std::string& v = values[*field_index(part)]; !v.empty()) joined += (joined.empty() ? "" : " ") + v;
    if (!joined.empty()) values[kFullName] = normalize_name(joined);
  }
  return NormalizedFields(values, invalid);
}

std::string to_json_text(const NormalizedFields& n) {
  // Written directly (once per new or changed record), keys in name order as nlohmann writes
  // them: "!invalid" first, then the fields.
  static const std::vector<std::size_t> kByName = [] {
    std::vector<std::size_t> order(NormalizedFields::kFields);
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [](std::size_t a, std::size_t b) { return sdk::kCanonicalFields[a].name < sdk::kCanonicalFields[b].name; });
    return order;
  }();
  std::string out;
  out.reserve(256);  // most records' values fit; written millions of times a run
  out += '{';
  bool first_invalid = true;
  for (std::size_t i : kByName) {
    if (n.valid(i)) continue;
    out += first_invalid ? "\"!invalid\":[" : ",";
    first_invalid = false;
    base::append_json_string_unchecked(out, sdk::kCanonicalFields[i].name);
  }
  if (!first_invalid) out += ']';
  for (std::size_t i : kByName) {
    if (n.at(i).empty()) continue;
    if (out.size() > 1) out += ',';
    base::append_json_string_unchecked(out, sdk::kCanonicalFields[i].name);
    out += ':';
    base::append_json_string_unchecked(out, n.at(i));
  }
  out += '}';
  base::require_utf8(out);
  return out;
}

NormalizedFields normalized_from_json(const std::string& text) {
  // Read for every active record on every run: simdjson, a parser per thread, no JSON tree.
  thread_local simdjson::ondemand::parser parser;
  thread_local std::string buffer;
  buffer.assign(text);
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  std::array<std::string, NormalizedFields::kFields> values;
  std::uint32_t invalid = 0;
  try {
    simdjson::ondemand::document doc = parser.iterate(buffer.data(), text.size(), buffer.size());
    for (auto member : doc.get_object()) {
      std::string_view key = member.unescaped_key().value();
      if (key == "!invalid") {
        for (auto field : member.value().get_array())
          if (auto i = field_index(std::string_view(field.get_string()))) invalid |= 1u << *i;
      } else if (auto i = field_index(key)) {
        values[*i] = std::string_view(member.value().get_string());
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    throw std::runtime_error(std::string("normalised values: ") + e.what());
  }
  NormalizedFields n(values, invalid);
  return n;
}

}  // namespace hopnhat::text
