#include "merge/survivorship.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <tuple>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"
#include "base/similarity.hpp"
#include "merge/golden_text.hpp"
#include "text/citizen_id.hpp"
#include "text/names.hpp"
#include "text/normalize.hpp"

namespace hopnhat::merge {
namespace {

struct Candidate {
  const record::StoredRecord* record;
  std::string value;       // normalised
  std::string compare_key; // what "the same value" means for this field
  bool valid;
  std::size_t rank;        // position of the source in the priority list
  std::size_t group = 0;   // index of its value group
};

// The candidates that say the same thing (one compare key), and what stands behind them.
struct ValueGroup {
  std::size_t first;            // its best candidate (candidates are in rule order)
  bool valid = true;
  bool plausible = true;        // names: some spelling in it could be Vietnamese (no typing error)
  bool contained = false;       // a more precise group says all this one says
  int sources = 0;              // distinct sources saying it, or saying less but nothing else
  bool consistent = false;      // agrees with what the citizen ID embeds (citizen_id, birth_date)
  bool year_in_contested_id = false;  // birth_date: its year is the one a CCCD its own record contradicts embeds
  bool place = false;           // citizen_id: its province is named in the person's home town or birth place
  bool explains_others = false; // one typing error from every other value, which are not so from each other
};

std::size_t rank_of(const std::vector<std::string>& order, const std::string& source) {
  auto it = std::find(order.begin(), order.end(), source);
  return it == order.end() ? order.size() : static_cast<std::size_t>(it - order.begin());
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Whether `more` says all that `less` says and more: a full date its month or year ("1996-09-07"
// ⊃ "1996-09" ⊃ "1996"); a name its form without a middle name ("nguyen trong khanh" ⊃ "nguyen
// khanh": same family and given name, the shorter one's words in order).
bool contains(sdk::FieldType type, std::string_view more, std::string_view less) {
  if (more.size() <= less.size()) return false;
  if (type == sdk::FieldType::kDate) return more.substr(0, less.size()) == less && more[less.size()] == '-';
  if (type != sdk::FieldType::kName) return false;
  auto m = words(more), l = words(less);
  if (l.size() < 2 || m.size() <= l.size() || m.front() != l.front() || m.back() != l.back()) return false;
  std::size_t k = 0;
  for (auto w : m)
    if (k < l.size() && w == l[k]) ++k;
  return k == l.size();
}

// The year of a normalised (ISO) date: "1986", "1986-09" or "1986-09-07"; 0 when there is none.
int year_of(std::string_view iso) { return iso.size() >= 4 ? std::atoi(std::string(iso.substr(0, 4)).c_str()) : 0; }

// Differences a typist makes, which explain an odd value out rather than a different fact:
// names one edit apart (folded), dates with day and month swapped, a year apart or one digit
// apart.
bool error_pattern(sdk::FieldType type, std::string_view a, std::string_view b) {
  if (type == sdk::FieldType::kName) return base::within_one_edit(a, b);
  if (type == sdk::FieldType::kDate && a.size() == 10 && b.size() == 10) {
    if (a.substr(0, 4) == b.substr(0, 4) && a.substr(5, 2) == b.substr(8, 2) && a.substr(8, 2) == b.substr(5, 2)) return true;
    if (a.substr(4) == b.substr(4) && std::abs(year_of(a) - year_of(b)) == 1) return true;
    int differing = 0;
    for (std::size_t i = 0; i < 10; ++i) differing += a[i] != b[i];
    return differing == 1;
  }
  return false;
}

// Distinct sources among the candidates of `groups` (bit per candidate's source, by first sight).
int distinct_sources(const std::vector<Candidate>& cands, const std::vector<char>& take) {
  std::vector<std::string_view> seen;
  for (std::size_t k = 0; k < cands.size(); ++k) {
    if (!take[cands[k].group]) continue;
    std::string_view s = cands[k].record->record.source;
    if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
  }
  return static_cast<int>(seen.size());
}

// A CCCD checked against one record's own birth date and gender (those it understood).
text::CitizenIdCheck check_against(std::string_view id, const text::NormalizedFields& n, std::size_t date_index,
                                   std::size_t gender_index) {
  return text::check_citizen_id(id, n.valid(date_index) ? n.at(date_index) : "", n.valid(gender_index) ? n.at(gender_index) : "");
}

// What the person's citizen IDs embed, when they agree: the birth year and gender every valid
// CCCD of the records that is consistent with its own record says; 0 / "" otherwise. And the
// year that the CCCDs their own records contradict embed (when they agree): the record's date or
// the number is mistyped, and which one another record's date may tell.
struct EmbeddedFacts {
  int year = 0;
  std::string gender;
  int contested_year = 0;
};

EmbeddedFacts embedded_facts(const std::vector<const text::NormalizedFields*>& normalized, std::size_t id_index,
                             std::size_t date_index, std::size_t gender_index) {
  EmbeddedFacts facts;
  bool first = true, years_agree = true, contested_agree = true;
  for (const auto* n : normalized) {
    std::string_view id = n->at(id_index);
    if (id.empty() || !n->valid(id_index)) continue;
    if (check_against(id, *n, date_index, gender_index).suspect) {  // a CCCD its own record contradicts vouches for nothing alone
      // Contested on the year (not only the gender): the record's year or the number's is wrong.
      const int year = text::citizen_id_birth_year(id);
      const int own = n->valid(date_index) ? year_of(n->at(date_index)) : 0;
      if (own && own != year) {
        if (facts.contested_year && year != facts.contested_year) contested_agree = false;
        facts.contested_year = year;
      }
      continue;
    }
    int year = text::citizen_id_birth_year(id);
    if (first) {
      facts.year = year;
      facts.gender = text::citizen_id_gender(id);
      first = false;
    } else if (year != facts.year) {
      years_agree = false;
    }
  }
  if (!years_agree) facts.year = 0;
  if (!contested_agree) facts.contested_year = 0;
  return facts;
}

bool has_diacritics(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

// The spelling of a group of names that say the same (one folded key): a possible Vietnamese
// one, with diacritics ("Lê Bá Thịnh" over "Le Ba Thinh"), written so by the most sources; the
// first in rule order among equals.
std::size_t best_spelling(const std::vector<Candidate>& cands, std::size_t group) {
  std::size_t first = cands.size();
  bool one_spelling = true;
  for (std::size_t k = 0; k < cands.size(); ++k) {
    if (cands[k].group != group) continue;
    if (first == cands.size()) first = k;
    else if (cands[k].value != cands[first].value) one_spelling = false;
  }
  if (one_spelling) return first;  // most persons: nothing to weigh (and no Unicode work)
  std::size_t best = cands.size();
  int best_plausible = 0, best_marks = 0, best_support = 0;
  for (std::size_t k = 0; k < cands.size(); ++k) {
    if (cands[k].group != group) continue;
    int plausible = text::plausible_vietnamese_name(cands[k].value) ? 1 : 0;
    int marks = has_diacritics(cands[k].value) ? 1 : 0;
    std::vector<std::string_view> sources;
    for (const auto& c : cands)
      if (c.group == group && c.value == cands[k].value &&
          std::find(sources.begin(), sources.end(), c.record->record.source) == sources.end())
        sources.push_back(c.record->record.source);
    int support = static_cast<int>(sources.size());
    if (best == cands.size() || std::tie(plausible, marks, support) > std::tie(best_plausible, best_marks, best_support)) {
      best = k;
      best_plausible = plausible;
      best_marks = marks;
      best_support = support;
    }
  }
  return best;
}

// The candidate an administrator's rule picks among the values no other value contains: the
// first rule for the field whose source has such a value (consistent with the CCCD when it asks).
std::optional<std::size_t> apply_decision_rules(const std::vector<DecisionRule>& rules, std::string_view field,
                                                const std::vector<Candidate>& cands, const std::vector<ValueGroup>& groups) {
  for (const DecisionRule& r : rules) {
    if (r.field != field) continue;
    for (std::size_t k = 0; k < cands.size(); ++k) {
      const ValueGroup& g = groups[cands[k].group];
      if (cands[k].record->record.source != r.source || g.contained || !g.valid) continue;
      if (r.needs_cccd_agreement && !g.consistent) continue;
      return k;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> index_of(std::string_view name) {
  for (std::size_t i = 0; i < sdk::kCanonicalFields.size(); ++i)
    if (sdk::kCanonicalFields[i].name == name) return i;
  return std::nullopt;
}

const std::size_t kIdIndex = *index_of("citizen_id");
const std::size_t kHometownIndex = *index_of("hometown");
const std::size_t kBirthPlaceIndex = *index_of("birth_place");

// Whether the province a CCCD's first three digits name (where the birth was registered) is
// named, as whole words, in a home town or birth place of the person's records ("Xã Tiên Lãng -
// Tiên Yên - Quảng Ninh" for 022). A typing error in those digits names a province at random,
// seldom the one the person's records name; the true number often names it.
bool names_province_of(std::string_view id, const std::vector<const text::NormalizedFields*>& normalized) {
  auto info = text::parse_citizen_id(id);
  if (!info || info->province.empty()) return false;
  const std::string province = sdk::fold(info->province);
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80; };
  for (const auto* n : normalized)
    for (std::size_t index : {kHometownIndex, kBirthPlaceIndex}) {
      if (n->at(index).empty()) continue;
      const std::string place = sdk::fold(n->at(index));
      for (std::size_t at = place.find(province); at != std::string::npos; at = place.find(province, at + 1)) {
        const std::size_t end = at + province.size();
        if ((at == 0 || !letter(place[at - 1])) && (end == place.size() || !letter(place[end]))) return true;
      }
    }
  return false;
}
const std::size_t kDateIndex = *index_of("birth_date");
const std::size_t kGenderIndex = *index_of("gender");

}  // namespace

GoldenRecord build_golden(const std::vector<const record::StoredRecord*>& records,
                          const std::vector<const text::NormalizedFields*>& normalized, const SurvivorshipRules& rules) {
  // Called for every person of a run: the priority list of each field is found once per call,
  // and the buffers are reused from person to person.
  std::array<const std::vector<std::string>*, text::NormalizedFields::kFields> orders;
  orders.fill(&rules.source_priority);
  for (const auto& [name, order] : rules.field_priority)
    if (auto index = index_of(name)) orders[*index] = &order;
  thread_local std::vector<Candidate> cands;
  thread_local std::vector<ValueGroup> groups;
  thread_local std::vector<char> take;
  const EmbeddedFacts facts = records.size() > 1 ? embedded_facts(normalized, kIdIndex, kDateIndex, kGenderIndex) : EmbeddedFacts{};
  GoldenRecord out;
  out.values.reserve(sdk::kCanonicalFields.size());
  for (std::size_t index = 0; index < sdk::kCanonicalFields.size(); ++index) {
    const sdk::FieldInfo& field = sdk::kCanonicalFields[index];
    const auto& order = *orders[index];
    cands.clear();
    for (std::size_t k = 0; k < records.size(); ++k) {
      const record::StoredRecord* r = records[k];
      std::string value(normalized[k]->at(index));
      if (value.empty()) continue;
      std::string key = field.type == sdk::FieldType::kName ? sdk::fold(value) : value;
      cands.push_back({r, std::move(value), std::move(key), normalized[k]->valid(index), rank_of(order, r->record.source)});
    }
    if (cands.empty()) continue;
    auto before = [](const Candidate& a, const Candidate& b) {
      if (a.valid != b.valid) return a.valid;  // an understood value beats one that is not
      if (a.rank != b.rank) return a.rank < b.rank;
      if (a.record->changed_run != b.record->changed_run) return a.record->changed_run > b.record->changed_run;
      if (a.record->record.source != b.record->record.source) return a.record->record.source < b.record->record.source;
      return a.record->record.id < b.record->record.id;
    };
    // A person has a few records: a stable insertion sort, without stable_sort's buffer.
    for (std::size_t i = 1; i < cands.size(); ++i)
      for (std::size_t j = i; j > 0 && before(cands[j], cands[j - 1]); --j) std::swap(cands[j], cands[j - 1]);
    if (cands.size() == 1) {
      out.values.push_back({field.name, cands[0].value, cands[0].record, "only_value"});
      continue;
    }

    // Value groups, in rule order of their best candidate.
    groups.clear();
    for (std::size_t k = 0; k < cands.size(); ++k) {
      std::size_t g = 0;
      while (g < groups.size() && cands[groups[g].first].compare_key != cands[k].compare_key) ++g;
      if (g == groups.size()) groups.push_back({k, cands[k].valid});
      cands[k].group = g;
    }
    if (groups.size() == 1) {  // one fact, perhaps several spellings
      std::size_t best = field.type == sdk::FieldType::kName ? best_spelling(cands, 0) : 0;
      out.values.push_back({field.name, cands[best].value, cands[best].record, "agreement"});
      continue;
    }

    // What each group says, how many sources stand behind it, and whether the citizen ID backs it.
    take.assign(groups.size(), 0);
    for (std::size_t g = 0; g < groups.size(); ++g)
      for (std::size_t h = 0; h < groups.size(); ++h)
        if (h != g && groups[h].valid && contains(field.type, cands[groups[h].first].compare_key, cands[groups[g].first].compare_key))
          groups[g].contained = true;
    const bool names = field.type == sdk::FieldType::kName;
    if (names)
      for (std::size_t g = 0; g < groups.size(); ++g)
        groups[g].plausible = text::plausible_vietnamese_name(cands[best_spelling(cands, g)].value);
    for (std::size_t g = 0; g < groups.size(); ++g) {
      std::fill(take.begin(), take.end(), 0);
      take[g] = 1;
      for (std::size_t h = 0; h < groups.size(); ++h)  // what says less supports what says more
        if (h != g && contains(field.type, cands[groups[g].first].compare_key, cands[groups[h].first].compare_key)) take[h] = 1;
      groups[g].sources = distinct_sources(cands, take);
      const std::string& v = cands[groups[g].first].value;
      if (index == kIdIndex && groups[g].valid) {
        // With several records, a CCCD none of them contradicts: its year and gender agree with
        // the person's other records.
        int agree = 0, disagree = 0;
        for (const auto* n : normalized) {
          text::CitizenIdCheck c = check_against(v, *n, kDateIndex, kGenderIndex);
          if (c.suspect) ++disagree;
          else if (c.year_checked || c.gender_checked) ++agree;
        }
        groups[g].consistent = agree > 0 && disagree == 0;
        groups[g].place = names_province_of(v, normalized);
      } else if (index == kDateIndex && (facts.year || facts.contested_year) && groups[g].valid) {
        const int year = year_of(v);
        groups[g].consistent = facts.year && year == facts.year;
        groups[g].year_in_contested_id = facts.contested_year && year == facts.contested_year;
      } else if (index == kGenderIndex && !facts.gender.empty() && groups[g].valid) {
        groups[g].consistent = v == facts.gender;
      }
    }

    // Three or more values, each one typing error (error_pattern) from one of them but not from
    // each other: "Minh" beside "Min" and "Mknh", 1980-12-07 beside 1980-12-27 and 1980-07-12.
    // Independent errors seldom coincide, so the value every other is one error from is the one
    // they were typed from.
    {
      std::size_t maximal = 0;
      for (const ValueGroup& g : groups) maximal += !g.contained;
      if (maximal >= 3) {
        auto one_error = [&](std::size_t g, std::size_t h) {
          return error_pattern(field.type, cands[groups[g].first].compare_key, cands[groups[h].first].compare_key);
        };
        std::size_t centres = 0;
        for (std::size_t g = 0; g < groups.size(); ++g) {
          if (groups[g].contained || !groups[g].valid) continue;
          bool all = true;
          for (std::size_t h = 0; h < groups.size() && all; ++h)
            if (h != g && !groups[h].contained) all = one_error(g, h);
          groups[g].explains_others = all;
          centres += all;
        }
        if (centres > 1)  // values one error from each other all round: nothing to tell them apart
          for (ValueGroup& g : groups) g.explains_others = false;
      }
    }

    // The standing of the groups that are not contained in another: valid, consistent with the
    // citizen ID, more sources; the first in rule order among equals (source priority).
    std::size_t win = groups.size();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (groups[g].contained) continue;
      if (win == groups.size()) { win = g; continue; }
      const ValueGroup& a = groups[g];
      const ValueGroup& b = groups[win];
      if (a.valid != b.valid) { if (a.valid) win = g; continue; }
      if (a.plausible != b.plausible) { if (a.plausible) win = g; continue; }
      if (a.consistent != b.consistent) { if (a.consistent) win = g; continue; }
      if (a.sources != b.sources) { if (a.sources > b.sources) win = g; continue; }
      if (a.year_in_contested_id != b.year_in_contested_id) { if (a.year_in_contested_id) win = g; continue; }
      if (a.explains_others != b.explains_others) { if (a.explains_others) win = g; continue; }
      if (a.place != b.place && a.place) win = g;
    }
    // Why it won, against the strongest other maximal group.
    std::string_view rule = "more_precise";
    bool undecided = false, contradicted = false;  // contradicted: another value says otherwise, not less
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (g == win || groups[g].contained) continue;
      contradicted = true;
      const ValueGroup& a = groups[win];
      const ValueGroup& b = groups[g];
      std::string_view why;
      if (a.valid != b.valid) why = "valid_value";
      else if (a.plausible != b.plausible) why = "plausible_spelling";
      else if (a.consistent != b.consistent) why = "consistent_with_cccd";
      else if (a.sources != b.sources) why = "agreement";
      // Two dates, one source each, and a CCCD whose record gives one of them but embeds the
      // other's year: the number and the other record are two witnesses to that year, the
      // record's date one; a typing error making the number name exactly the other's year would
      // be a coincidence.
      else if (a.year_in_contested_id != b.year_in_contested_id) why = "consistent_with_cccd";
      else if (a.explains_others != b.explains_others) why = "explains_others";
      else if (a.place != b.place) why = "consistent_with_place";
      else {
        why = "source_priority";
        // Equal standing: a typing pattern explains the difference, or a person must decide.
        if (!error_pattern(field.type, cands[a.first].compare_key, cands[b.first].compare_key) || field.type == sdk::FieldType::kDate ||
            index == kIdIndex)
          undecided = true;
      }
      // The weakest reason that was needed names the rule.
      auto strength = [](std::string_view r) {
        return r == "source_priority" ? 0 : r == "consistent_with_place" ? 1 : r == "explains_others" ? 1 : r == "agreement" ? 2 : r == "consistent_with_cccd" ? 3
             : r == "plausible_spelling" ? 4 : r == "valid_value" ? 5 : 6;
      };
      if (strength(why) < strength(rule)) rule = why;
    }
    std::size_t best = names ? best_spelling(cands, win) : groups[win].first;
    if (undecided && field.critical)  // an administrator's rule may decide this class of cases
      if (auto decided = apply_decision_rules(rules.decision_rules, field.name, cands, groups)) {
        best = *decided;
        rule = "decision_rule";
        undecided = false;
      }
    out.values.push_back({field.name, cands[best].value, cands[best].record, rule});
    // A critical field whose values contradict: a case when the evidence could not decide;
    // otherwise a disagreement settled by the rule, kept so that a person can see and reverse it.
    if (contradicted && field.critical) {
      ConflictFinding f{std::string(field.name), "value_mismatch", nlohmann::json::array(), undecided ? std::string_view() : rule};
      for (const auto& c : cands) {
        nlohmann::json cand{{"source", c.record->record.source}, {"record_id", c.record->record.id}, {"value", c.value}};
        if (index == kIdIndex && c.valid) {
          const auto* n = normalized[static_cast<std::size_t>(
              std::find(records.begin(), records.end(), c.record) - records.begin())];
          text::CitizenIdCheck check = check_against(c.value, *n, kDateIndex, kGenderIndex);
          if (check.suspect) cand["suspect"] = check.reason;
        }
        f.candidates.push_back(std::move(cand));
      }
      out.conflicts.push_back(std::move(f));
    }
  }
  return out;
}

nlohmann::json GoldenRecord::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const GoldenValue& v : values)
    out[std::string(v.field)] = {{"value", v.value},
                                 {"source", v.record->record.source},
                                 {"record_id", v.record->record.id},
                                 {"run", v.record->changed_run},
                                 {"rule", v.rule}};
  return out;
}


std::string GoldenRecord::to_text() const {
  std::vector<const GoldenValue*> order;  // by field name, as the stored text lists them
  order.reserve(values.size());
  for (const GoldenValue& v : values) order.push_back(&v);
  std::sort(order.begin(), order.end(), [](const GoldenValue* a, const GoldenValue* b) { return a->field < b->field; });
  GoldenTextWriter writer;
  for (const GoldenValue* v : order)
    writer.add(v->field, v->value, v->record->record.source, v->record->record.id, v->record->changed_run, v->rule);
  return writer.finish();
}

}  // namespace hopnhat::merge
