#include "match/settings.hpp"

#include <stdexcept>

#include "hopnhat/sdk/fields.hpp"
#include "match/value_forms.hpp"

namespace hopnhat::match {
namespace {

ValueRef value_ref(const std::string& name) {
  if (name.rfind("attribute:", 0) == 0) return {name.substr(10), false};
  return {name, sdk::find_field(name) != nullptr};
}

std::string ref_name(const ValueRef& v) { return v.canonical ? v.name : "attribute:" + v.name; }

ComparisonKind parse_kind(const std::string& s, const std::string& path) {
  if (s == "person_name") return ComparisonKind::kPersonName;
  if (s == "text") return ComparisonKind::kText;
  if (s == "date") return ComparisonKind::kDate;
  if (s == "identifier") return ComparisonKind::kIdentifier;
  if (s == "exact") return ComparisonKind::kExact;
  if (s == "unit") return ComparisonKind::kUnit;
  if (s == "province") return ComparisonKind::kProvince;
  if (s == "source") return ComparisonKind::kSource;
  throw std::invalid_argument(path + ": expected person_name, text, date, identifier, exact, unit, province or source, got \"" + s + "\"");
}

BlockingPart parse_part(const std::string& spec, const std::string& path) {
  // "field" or "field:transform"; an attribute is "attribute:Heading[:transform]".
  std::string s = spec, transform = "value";
  bool attribute = s.rfind("attribute:", 0) == 0;
  std::string rest = attribute ? s.substr(10) : s;
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    transform = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  if (transform_named(transform) == Transform::kNone)
    throw std::invalid_argument(path + ": unknown transform \"" + transform +
                                "\" (" + transform_names() + ")");
  if (!attribute && !sdk::find_field(rest))
    throw std::invalid_argument(path + ": \"" + rest + "\" is not a canonical field (write attribute:" + rest +
                                " for a raw column)");
  return {attribute ? ValueRef{rest, false} : ValueRef{rest, true}, transform};
}

}  // namespace

const char* kind_name(ComparisonKind kind) {
  switch (kind) {
    case ComparisonKind::kPersonName: return "person_name";
    case ComparisonKind::kText: return "text";
    case ComparisonKind::kDate: return "date";
    case ComparisonKind::kIdentifier: return "identifier";
    case ComparisonKind::kExact: return "exact";
    case ComparisonKind::kUnit: return "unit";
    case ComparisonKind::kProvince: return "province";
    case ComparisonKind::kSource: return "source";
  }
  return "?";
}

const std::vector<std::string>& level_names(ComparisonKind kind) {
  static const std::vector<std::string> kName{"different",
                                              "similar (Jaro-Winkler >= 0.90)",
                                              "same family and given name, another middle name",
                                              "same names, a middle name dropped or the order changed",
                                              "one typing error apart",
                                              "same without diacritics",
                                              "exact"};
  static const std::vector<std::string> kTextLevels{"different", "loosely similar (Jaro-Winkler >= 0.80)",
                                                    "similar (Jaro-Winkler >= 0.90)", "one typing error apart",
                                                    "same without diacritics", "exact"};
  static const std::vector<std::string> kDateLevels{"different", "a year apart", "same year", "one digit mistyped",
                                                    "agree to the lesser precision", "day and month swapped", "exact"};
  static const std::vector<std::string> kIdentifierLevels{"different", "one typing error apart", "exact"};
  static const std::vector<std::string> kExactLevels{"different", "equal"};
  static const std::vector<std::string> kUnitLevels{"different", "one name within the other", "one typing error apart",
                                                    "same unit (abbreviations and party prefix aside)"};
  static const std::vector<std::string> kProvinceLevels{"another province", "the same province (of today's 34)"};
  static const std::vector<std::string> kSourceLevels{"records of one source", "records of two sources"};
  switch (kind) {
    case ComparisonKind::kPersonName: return kName;
    case ComparisonKind::kText: return kTextLevels;
    case ComparisonKind::kDate: return kDateLevels;
    case ComparisonKind::kIdentifier: return kIdentifierLevels;
    case ComparisonKind::kExact: return kExactLevels;
    case ComparisonKind::kUnit: return kUnitLevels;
    case ComparisonKind::kProvince: return kProvinceLevels;
    case ComparisonKind::kSource: return kSourceLevels;
  }
  return kExactLevels;
}

MatchSettings default_settings() {
  MatchSettings s;
  auto cmp = [](const char* field, ComparisonKind kind, bool tf = false) {
    return ComparisonSpec{field, {field, true}, kind, tf};
  };
  s.comparisons = {cmp("citizen_id", ComparisonKind::kIdentifier),
                   cmp("full_name", ComparisonKind::kPersonName, true),
                   cmp("birth_date", ComparisonKind::kDate),
                   cmp("gender", ComparisonKind::kExact),
                   cmp("old_id_number", ComparisonKind::kIdentifier),
                   cmp("social_insurance_no", ComparisonKind::kIdentifier),
                   cmp("party_card_no", ComparisonKind::kIdentifier),
                   cmp("phone", ComparisonKind::kIdentifier),
                   cmp("hometown", ComparisonKind::kText),
                   cmp("org_unit", ComparisonKind::kUnit)};
  // A party cell is named after the unit its members work in: "Chi bộ Văn phòng Huyện ủy" in the
  // party database is "Văn phòng Huyện ủy" in the civil-service system.
  ComparisonSpec cell_unit = cmp("party_unit", ComparisonKind::kUnit);
  cell_unit.with = {"org_unit", true};
  cell_unit.label = "party_unit~org_unit";
  s.comparisons.push_back(cell_unit);
  // A CCCD's first three digits name the province where the birth was registered, which a
  // person's home town or birth place usually names too; a namesake's, seldom.
  for (const char* place : {"hometown", "birth_place"}) {
    ComparisonSpec province = cmp(place, ComparisonKind::kProvince);
    province.with = {"citizen_id", true};
    province.label = std::string(place) + "~citizen_id";
    s.comparisons.push_back(province);
  }
  // A system of record keeps one record per person — a civil servant under one code, a member
  // under one card — so two of its records are seldom one person, and exact namesakes (same
  // name, same birth date) sit in every large one. How seldom is learnt like every other m: a
  // source with duplicates (an office list naming someone twice) teaches it.
  s.comparisons.push_back({"source", {"source", false}, ComparisonKind::kSource, false});
  auto part = [](const char* field, const char* transform) { return BlockingPart{{field, true}, transform}; };
  s.blocking = {{part("citizen_id", "value")},
                // Namesakes born in one year are many in a large agency (a block of hundreds for
                // a common name), and what they have to offer a record without a CCCD is a typing
                // error in the day or the month of birth: two blocks narrower by twelve and by
                // thirty, and the whole year only for a record whose date has no day or month.
                {part("full_name", "fold"), part("birth_date", "year_month")},
                {part("full_name", "fold"), part("birth_date", "year_day")},
                {{part("full_name", "fold"), part("birth_date", "year")}, part("birth_date", "day_month")},
                {part("full_name", "given"), part("birth_date", "day_month")},
                // A typing error in the given name ("Nguyễn Hồng gNa") where one record lacks the
                // CCCD: every other rule keys on the given name or the whole name.
                {part("full_name", "family_middle"), part("birth_date", "day_month")},
                // A typing error in the year (1986 for 1987) where one record lacks the CCCD.
                {part("full_name", "fold"), part("birth_date", "day_month_no_year")},
                {part("phone", "value")},
                {part("party_card_no", "value")},
                {part("social_insurance_no", "value")}};
  return s;
}

MatchSettings parse_settings(const nlohmann::json& m) {
  MatchSettings s = default_settings();
  if (m.is_null()) return s;
  if (m.contains("definite")) s.definite = m["definite"].get<double>();
  if (m.contains("candidate")) s.candidate = m["candidate"].get<double>();
  if (s.candidate > s.definite) throw std::invalid_argument("match.candidate: must not be above match.definite");
  if (m.contains("em_iterations")) s.em_iterations = m["em_iterations"].get<int>();
  if (m.contains("max_block_size")) s.max_block_size = m["max_block_size"].get<std::size_t>();
  if (m.contains("incremental_limit")) s.incremental_limit = m["incremental_limit"].get<double>();
  if (m.contains("max_person_records")) s.max_person_records = m["max_person_records"].get<std::size_t>();
  if (m.contains("identity_field")) s.identity_field = m["identity_field"].get<std::string>();
  if (m.contains("comparisons")) {
    s.comparisons.clear();
    const auto& list = m["comparisons"];
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "match.comparisons[" + std::to_string(i) + "]";
      ComparisonSpec c;
      std::string name = list[i]["value"].get<std::string>();
      c.kind = parse_kind(list[i]["kind"].get<std::string>(), path + ".kind");
      if (c.kind == ComparisonKind::kSource) {
        if (name != "source" || list[i].contains("with") || list[i].value("term_frequency", false))
          throw std::invalid_argument(path + ": a comparison of kind source compares the records' sources: write \"value\": \"source\", without \"with\" or \"term_frequency\"");
        c.value = {"source", false};
        c.label = list[i].value("label", "source");
        s.comparisons.push_back(std::move(c));
        continue;
      }
      c.value = value_ref(name);
      if (c.value.canonical == false && name.rfind("attribute:", 0) != 0)
        throw std::invalid_argument(path + ".value: \"" + name + "\" is not a canonical field (write attribute:" + name + " for a raw column)");
      c.label = list[i].value("label", c.value.name);
      c.term_frequency = list[i].value("term_frequency", false);
      if (list[i].contains("with")) {
        std::string with = list[i]["with"].get<std::string>();
        c.with = value_ref(with);
        if (!c.with.canonical && with.rfind("attribute:", 0) != 0)
          throw std::invalid_argument(path + ".with: \"" + with + "\" is not a canonical field (write attribute:" + with + " for a raw column)");
        if (c.with.name == c.value.name && c.with.canonical == c.value.canonical)
          throw std::invalid_argument(path + ".with: names the comparison's own value; a cross-field comparison needs another field");
        if (!list[i].contains("label")) c.label = c.value.name + "~" + c.with.name;
      }
      s.comparisons.push_back(std::move(c));
    }
  }
  if (m.contains("blocking")) {
    s.blocking.clear();
    const auto& rules = m["blocking"];
    for (std::size_t i = 0; i < rules.size(); ++i) {
      // A rule is a list of parts, or {"on": [parts], "when_one_lacks": part}.
      const std::string path = "match.blocking[" + std::to_string(i) + "]";
      const bool object = rules[i].is_object();
      const auto& parts = object ? rules[i].at("on") : rules[i];
      const std::string parts_path = object ? path + ".on" : path;
      BlockingRule rule;
      for (std::size_t j = 0; j < parts.size(); ++j)
        rule.parts.push_back(parse_part(parts[j].get<std::string>(), parts_path + "[" + std::to_string(j) + "]"));
      if (rule.parts.empty()) throw std::invalid_argument(parts_path + ": a blocking rule needs at least one part");
      if (object && rules[i].contains("when_one_lacks"))
        rule.when_one_lacks = parse_part(rules[i]["when_one_lacks"].get<std::string>(), path + ".when_one_lacks");
      s.blocking.push_back(std::move(rule));
    }
  }
  return s;
}

nlohmann::json settings_to_json(const MatchSettings& s) {
  nlohmann::json j{{"definite", s.definite}, {"candidate", s.candidate}, {"identity_field", s.identity_field},
                   {"em_iterations", s.em_iterations}, {"max_block_size", s.max_block_size}};
  for (const auto& c : s.comparisons) {
    const std::string value = c.kind == ComparisonKind::kSource ? "source" : ref_name(c.value);
    nlohmann::json cj{{"label", c.label}, {"value", value}, {"kind", kind_name(c.kind)},
                      {"term_frequency", c.term_frequency}, {"levels", level_names(c.kind)}};
    if (c.crosswise()) cj["with"] = ref_name(c.with);
    j["comparisons"].push_back(std::move(cj));
  }
  for (const auto& r : s.blocking) {
    nlohmann::json rule = nlohmann::json::array();
    for (const auto& p : r.parts) rule.push_back(ref_name(p.value) + ":" + p.transform);
    if (r.when_one_lacks)
      rule = {{"on", std::move(rule)}, {"when_one_lacks", ref_name(r.when_one_lacks->value) + ":" + r.when_one_lacks->transform}};
    j["blocking"].push_back(std::move(rule));
  }
  return j;
}

}  // namespace hopnhat::match
