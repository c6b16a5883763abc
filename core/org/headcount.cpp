#include "org/headcount.hpp"

#include <algorithm>

#include "org/timeline.hpp"

namespace hopnhat::org {

Headcount count_heads(const OrgRegistry& registry, const UnitResolver& resolver, const PositionLevels& levels,
                      const std::vector<PersonPlace>& persons, const std::string& as_of) {
  Headcount out;
  out.as_of = as_of;
  std::map<std::string, std::size_t> index;  // code → row of out.units
  for (const Unit* u : registry.valid_on(as_of)) {
    index[u->code] = out.units.size();
    out.units.push_back({u, 0, 0, 0, registry.predecessors(u->code)});
  }
  std::map<std::pair<std::string, std::string>, std::size_t> unplaced_at;  // (text, reason) → row
  for (const PersonPlace& p : persons) {
    auto not_placed = [&](const std::string& text, const std::string& reason, const std::vector<std::string>& candidates) {
      auto [it, fresh] = unplaced_at.try_emplace({text, reason}, out.unplaced.size());
      if (fresh) out.unplaced.push_back({text, reason, candidates, 0, {}});
      ++out.unplaced[it->second].persons;
      out.unplaced[it->second].person_ids.push_back(p.person_id);
    };
    // The unit the person works in: the posting of that day, else org_unit when it resolves,
    // else the party cell's unit.
    const std::string* unit_text = &p.org_unit;
    const std::string* position = &p.position;
    if (has_postings(p.timeline)) {
      const sdk::PersonPeriod* posting = posting_on(p.timeline, as_of);
      if (!posting) {
        ++out.not_posted;
        continue;
      }
      if (!posting->inferred) ++out.by_posting;  // an undated golden unit places as it always did
      if (!current_disputes(p.timeline, as_of).empty()) out.disputed.push_back(p.person_id);
      static const std::string kNone;
      auto at = [&](const char* name) { auto it = posting->fields.find(name); return it == posting->fields.end() ? &kNone : &it->second; };
      unit_text = at("unit");
      position = at("position");
    }
    ++out.persons;
    Resolution found;
    std::string text;
    for (const std::string* written : {unit_text, &p.party_unit}) {
      if (written->empty()) continue;
      Resolution r = resolver.resolve(*written, as_of);
      if (text.empty() || r.resolved()) {
        text = *written;
        found = r;
      }
      if (r.resolved()) break;
    }
    if (text.empty()) {
      not_placed("", "none", {});
      continue;
    }
    if (!found.resolved()) {
      not_placed(text, found.how == Resolution::How::kAmbiguous ? "ambiguous" : "unresolved", found.candidates);
      continue;
    }
    std::vector<Successor> now = registry.carry(found.code, as_of);
    if (now.empty()) {
      not_placed(text, "ended", {found.code});
      continue;
    }
    if (now.size() > 1 || now.front().partial) {
      std::vector<std::string> codes;
      for (const auto& s : now) codes.push_back(s.code);
      not_placed(text, "split", codes);
      continue;
    }
    auto it = index.find(now.front().code);
    if (it == index.end()) {
      not_placed(text, "ended", {found.code});
      continue;
    }
    UnitCount& c = out.units[it->second];
    ++c.headcount;
    PositionLevel level = levels.level(*position);
    c.heads += level == PositionLevel::kHead;
    c.deputies += level == PositionLevel::kDeputy;
    ++out.placed_by[how_name(found.how)];
  }
  std::stable_sort(out.unplaced.begin(), out.unplaced.end(), [](const Unplaced& a, const Unplaced& b) { return a.persons > b.persons; });
  return out;
}

}  // namespace hopnhat::org
