#include "unit_rows.hpp"

#include <cstdio>

#include "hopnhat/sdk/text.hpp"

namespace hopnhat_reports {

namespace sdk = hopnhat::sdk;

namespace {

const std::string kUnplaced = "\x01unplaced";
const char* const kUnplacedLabel = "(chưa xác định đơn vị)";

}  // namespace

UnitRows::UnitRows(const Form& form, const Placer& now, const Evaluator& eval_now, const Placer* before,
                   const Evaluator* eval_before, const QuotaByName& quota)
    : form_(form), now_(now), eval_now_(eval_now), before_(before), eval_before_(eval_before), quota_(quota) {}

UnitRows::Tally& UnitRows::tally(const std::string& key) {
  Tally& t = tallies_[key];
  if (t.values.empty()) t.values.assign(form_.columns.size(), 0.0);
  return t;
}

std::vector<double>& UnitRows::cell(const std::string& key, const std::string& from) {
  auto& v = tally(key).from[from];
  if (v.empty()) v.assign(form_.columns.size(), 0.0);
  return v;
}

void UnitRows::add(const sdk::PersonRecord& p) {
  const bool registry = !now_.map().empty();
  const Placement now = now_.place(p);
  const bool staff_now = now.reason != "not_posted";
  std::string key_now = registry ? now.code : sdk::fold(now.text);
  if (key_now.empty()) key_now = kUnplaced;
  if (!registry && key_now != kUnplaced) labels_.emplace(key_now, now.text);

  // The day before the merger: the unit then, and the new unit it went to.
  bool staff_before = false;
  std::string from, went_to = kUnplaced;
  if (before_) {
    const Placement then = before_->place(p);
    staff_before = then.reason != "not_posted";
    from = then.code;
    if (!from.empty()) {
      std::string to = successor_for(now_.map(), p, from, now_.structure());
      if (!to.empty()) went_to = to;
    }
  }
  for (std::size_t c = 0; c < form_.columns.size(); ++c) {
    const ValueSpec& v = form_.columns[c].value;
    if (v.kind != ValueSpec::Kind::kAggregate) continue;
    if (v.name == "count" && !v.before) {
      if (staff_now && eval_now_.holds_all(v.where, p)) {
        tally(key_now).values[c] += 1;
        if (before_ && staff_before && !from.empty()) cell(key_now, from)[c] += 1;
      }
    } else if (v.name == "count") {
      if (staff_before && eval_before_->holds_all(v.where, p)) {
        tally(went_to).values[c] += 1;
        if (!from.empty()) cell(went_to, from)[c] += 1;
      }
    } else if (v.name == "moved") {
      if (staff_now && staff_before && key_now != kUnplaced && key_now == went_to) {
        tally(key_now).values[c] += 1;
        cell(key_now, from)[c] += 1;
      }
    } else if (v.name == "conflicts") {
      if (!staff_now) continue;
      for (const auto& k : p.conflicts)
        if (v.conflict_kind.empty() || k.kind == v.conflict_kind) tally(key_now).values[c] += 1;
    }
  }
}

std::vector<GroupRow> UnitRows::finish() {
  const sdk::UnitMap& map = now_.map();
  const std::string& on = now_.structure();
  std::vector<GroupRow> rows;
  auto quota_of_name = [&](const std::string& name) -> double {
    auto q = quota_.find(sdk::fold(name));
    return q == quota_.end() ? 0 : q->second.second;
  };
  auto row_of = [&](const std::string& label, const std::vector<double>* values) {
    GroupRow g{label, "", std::vector<double>(form_.columns.size(), 0.0), {}, {}};
    if (values) g.values = *values;
    return g;
  };
  auto fill = [&](GroupRow& g, const std::string& code, const std::string& name, std::int64_t quota) {
    for (std::size_t c = 0; c < form_.columns.size(); ++c) {
      const ValueSpec& v = form_.columns[c].value;
      if (v.name == "quota") g.values[c] = quota >= 0 ? static_cast<double>(quota) : quota_of_name(name);
      else if (v.name == "code") g.texts[c] = code;
    }
  };
  if (!map.empty()) {
    std::size_t n = 0;
    for (const sdk::UnitPeriod* u : map.valid_on(on)) {
      auto t = tallies_.find(u->code);
      GroupRow g = row_of(u->name, t == tallies_.end() ? nullptr : &t->second.values);
      char key[16];
      std::snprintf(key, sizeof key, "%08zu", n++);
      g.key = key;
      fill(g, u->code, u->name, u->quota);
      std::string before_names;
      for (const sdk::UnitSuccession* e : map.edges_into(u->code)) {
        const sdk::UnitPeriod* old = map.find(e->old_code, sdk::day_before(e->valid_from));
        if (!old) old = map.latest(e->old_code);
        const std::string name = old ? old->name : e->old_code;
        before_names += (before_names.empty() ? "" : "; ") + name;
        if (!form_.predecessor_rows) continue;
        const std::vector<double>* values = nullptr;
        if (t != tallies_.end())
          if (auto f = t->second.from.find(e->old_code); f != t->second.from.end()) values = &f->second;
        GroupRow child = row_of("– từ " + name, values);
        fill(child, e->old_code, name, old ? old->quota : -1);
        fill_differences(form_, child);
        g.children.push_back(std::move(child));
      }
      for (std::size_t c = 0; c < form_.columns.size(); ++c)
        if (form_.columns[c].value.name == "predecessors") g.texts[c] = before_names;
      fill_differences(form_, g);
      rows.push_back(std::move(g));
    }
  } else {
    // The units as written: every one a person counts under, and every one the quota file names.
    for (const auto& [folded, q] : quota_) {
      tally(folded);
      labels_.emplace(folded, q.first);
    }
    for (auto& [key, t] : tallies_) {
      if (key == kUnplaced) continue;
      GroupRow g = row_of(labels_[key], &t.values);
      g.key = key;
      fill(g, "", g.label, -1);
      fill_differences(form_, g);
      rows.push_back(std::move(g));
    }
  }
  if (auto t = tallies_.find(kUnplaced); t != tallies_.end()) {
    GroupRow g = row_of(map.empty() ? "(không ghi)" : kUnplacedLabel, &t->second.values);
    g.key = std::string(1, '\xff');  // last
    fill_differences(form_, g);
    rows.push_back(std::move(g));
  }
  return rows;
}

}  // namespace hopnhat_reports
