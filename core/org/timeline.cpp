#include "org/timeline.hpp"

#include <algorithm>
#include <map>
#include <set>


#include "hopnhat/sdk/text.hpp"
#include "hopnhat/sdk/units.hpp"
#include "text/date.hpp"
#include "org/units.hpp"
#include "text/unit_name.hpp"

namespace hopnhat::org {

namespace {

const char* const kKinds[] = {"posting", "grade", "party"};

// The field a row of each kind cannot do without.
const char* required_field(const std::string& kind) {
  if (kind == "posting") return "unit";
  if (kind == "grade") return "grade_code";
  return "event";
}

std::string field(const sdk::HistoryRow& r, const char* name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? "" : it->second;
}

// What makes two rows of one kind say the same thing. A posting's unit by its registry code when
// it has one, else by its folded text.
std::string same_key(const sdk::HistoryRow& r, const std::string& unit_code, bool with_position) {
  if (r.kind == "posting") {
    std::string key = unit_code.empty() ? "text:" + text::unit_key(field(r, "unit")) : "code:" + unit_code;
    if (with_position) key += "|" + sdk::fold(field(r, "position"));
    return key;
  }
  std::string key;
  for (const auto& [k, v] : r.fields) key += k + "=" + sdk::fold(v) + "|";
  return key;
}

// Whether [a_from, a_to] and [b_from, b_to] share a day or touch ("" from: since before any
// known day; "" to: still lasting).
bool overlap_or_touch(const std::string& a_from, const std::string& a_to, const std::string& b_from, const std::string& b_to) {
  auto before_or_touching = [](const std::string& from, const std::string& to) {  // from ≤ to + 1 day
    if (from.empty() || to.empty()) return true;
    return first_day(from) <= sdk::day_after(last_day(to));
  };
  return before_or_touching(b_from, a_to) && before_or_touching(a_from, b_to);
}

std::string earlier_from(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return first_day(a) <= first_day(b) ? a : b;
}

std::string later_to(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return "";
  return last_day(a) >= last_day(b) ? a : b;
}

}  // namespace

std::optional<std::string> normalize_history(std::vector<sdk::HistoryRow>& rows) {
  constexpr std::size_t kMaxRows = 1000;  // a career of forty years has a few dozen
  if (rows.size() > kMaxRows)
    return "the record has " + std::to_string(rows.size()) + " history rows; at most " + std::to_string(kMaxRows);
  for (sdk::HistoryRow& r : rows) {
    const std::string where = r.origin.empty() ? "a history row" : r.origin;
    if (std::find(std::begin(kKinds), std::end(kKinds), r.kind) == std::end(kKinds))
      return where + ": the history row's kind is \"" + r.kind + "\"; expected posting, grade or party";
    for (std::string* date : {&r.from, &r.to}) {
      const std::string written = *date;
      auto trimmed = written.find_first_not_of(" \t") == std::string::npos ? std::string() : written;
      if (trimmed.empty()) {
        date->clear();
        continue;
      }
      auto parsed = text::parse_date(trimmed);
      if (!parsed)
        return where + ": " + (date == &r.from ? "the first day" : "the last day") + " \"" + written.substr(0, 40) +
               "\" is not a date (expected dd/mm/yyyy, mm/yyyy, yyyy or yyyy-mm-dd)";
      *date = parsed->iso();
    }
    if (!r.from.empty() && !r.to.empty() && first_day(r.from) > last_day(r.to))
      return where + ": the first day " + r.from + " is after the last day " + r.to;
    const char* needed = required_field(r.kind);
    if (field(r, needed).find_first_not_of(" \t") == std::string::npos)
      return where + ": a " + r.kind + " row needs its " + needed;
  }
  return std::nullopt;
}

std::optional<StatedRow> inferred_posting(const std::string& org_unit, const std::string& position) {
  if (org_unit.find_first_not_of(" \t") == std::string::npos) return std::nullopt;
  StatedRow s{"golden", "org_unit", {"posting", "", "", {{"unit", org_unit}}, "golden org_unit"}, true};
  if (!position.empty()) s.row.fields["position"] = position;
  return s;
}

std::vector<sdk::PersonPeriod> merge_timeline(std::vector<StatedRow> rows, const UnitOf& unit_of, const SucceededBy& succeeded_by) {
  std::vector<std::string> codes(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].row.kind == "posting" && unit_of) codes[i] = unit_of(field(rows[i].row, "unit"));

  // Stated rows first, grouped by what they say, in the order of their first day.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (!rows[i].inferred) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const std::string ka = rows[a].row.kind + same_key(rows[a].row, codes[a], true);
    const std::string kb = rows[b].row.kind + same_key(rows[b].row, codes[b], true);
    if (ka != kb) return ka < kb;
    return first_day(rows[a].row.from) < first_day(rows[b].row.from);
  });
  std::vector<sdk::PersonPeriod> out;
  std::vector<std::string> key_of;  // per period of out
  auto add_source = [](sdk::PersonPeriod& p, const StatedRow& s) {
    const std::string who = s.source + ":" + s.record_id;
    if (std::find(p.sources.begin(), p.sources.end(), who) == p.sources.end()) p.sources.push_back(who);
  };
  for (std::size_t i : order) {
    const StatedRow& s = rows[i];
    const std::string key = s.row.kind + same_key(s.row, codes[i], true);
    sdk::PersonPeriod* into = nullptr;
    for (std::size_t k = out.size(); k-- > 0 && key_of[k] == key;)
      if (overlap_or_touch(out[k].from, out[k].to, s.row.from, s.row.to)) into = &out[k];
    if (!into) {
      out.push_back({s.row.kind, s.row.from, s.row.to, s.row.fields, codes[i], {}, false, ""});
      key_of.push_back(key);
      into = &out.back();
    } else {
      into->from = earlier_from(into->from, s.row.from);
      into->to = later_to(into->to, s.row.to);
      for (const auto& [k, v] : s.row.fields) into->fields.emplace(k, v);  // what the first left unsaid
    }
    add_source(*into, s);
  }

  // An inferred posting joins a stated one of its unit (the latest), else one of a unit that
  // succeeded its unit, else stands alone.
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].inferred) continue;
    const std::string unit = same_key(rows[i].row, codes[i], false);
    sdk::PersonPeriod* into = nullptr;
    auto latest = [&](auto&& fits) {
      for (std::size_t k = 0; k < out.size(); ++k)
        if (out[k].kind == "posting" && fits(out[k]) && (!into || first_day(out[k].from) >= first_day(into->from))) into = &out[k];
    };
    latest([&](const sdk::PersonPeriod& p) { return same_key({"posting", "", "", p.fields, ""}, p.unit_code, false) == unit; });
    if (!into && succeeded_by && !codes[i].empty())
      latest([&](const sdk::PersonPeriod& p) { return !p.unit_code.empty() && succeeded_by(codes[i], p.unit_code); });
    if (into) {
      add_source(*into, rows[i]);
      continue;
    }
    out.push_back({"posting", "", "", rows[i].row.fields, codes[i], {}, true, ""});
    add_source(out.back(), rows[i]);
  }

  // A grade lasts until the next begins; a party event is a day. Undated periods come last:
  // they stand for what the golden record says today.
  std::stable_sort(out.begin(), out.end(), [](const sdk::PersonPeriod& a, const sdk::PersonPeriod& b) {
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.from.empty() != b.from.empty()) return b.from.empty();
    return first_day(a.from) < first_day(b.from);
  });
  for (std::size_t k = 0; k < out.size(); ++k) {
    sdk::PersonPeriod& p = out[k];
    if (p.kind == "party" && p.to.empty()) p.to = p.from;
    if (p.kind == "grade" && p.to.empty() && k + 1 < out.size() && out[k + 1].kind == "grade" && !out[k + 1].from.empty() &&
        first_day(out[k + 1].from) > first_day(p.from))
      p.to = sdk::day_before(first_day(out[k + 1].from));
  }
  return out;
}

SucceededBy succession_of(const OrgRegistry& registry) {
  return [&registry](const std::string& old_code, const std::string& new_code) {
    const Unit* now = registry.latest(new_code);
    for (const std::string& date : {now && !now->valid_from.empty() ? now->valid_from : std::string("9999-12-31"), std::string("9999-12-31")})
      for (const Successor& s : registry.carry(old_code, date))
        if (s.code == new_code) return true;
    return false;
  };
}

bool has_postings(const std::vector<sdk::PersonPeriod>& timeline) {
  return std::any_of(timeline.begin(), timeline.end(), [](const sdk::PersonPeriod& p) { return p.kind == "posting"; });
}

std::vector<const sdk::PersonPeriod*> current_disputes(const std::vector<sdk::PersonPeriod>& timeline, const std::string& date) {
  std::vector<const sdk::PersonPeriod*> open;
  std::set<std::string> units, records;
  bool stated = false;
  for (const auto& p : timeline) {
    if (p.kind != "posting" || !sdk::period_covers(p, date)) continue;
    open.push_back(&p);
    units.insert(p.unit_code.empty() ? "text:" + text::unit_key(p.fields.count("unit") ? p.fields.at("unit") : "") : p.unit_code);
    records.insert(p.sources.begin(), p.sources.end());
    stated = stated || !p.inferred;
  }
  // Different units from different records, at least one of them dated by a source (two
  // undated golden values cannot disagree: there is one golden org_unit); an administrator's
  // decision ends the dispute.
  if (units.size() < 2 || records.size() < 2 || !stated) return {};
  for (const auto* p : open)
    for (const auto& s : p->sources)
      if (s.rfind("decision:", 0) == 0) return {};
  return open;
}

}  // namespace hopnhat::org
