#include "hopnhat/sdk/units.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <set>
#include <tuple>

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

namespace {

bool covers(const UnitPeriod& u, const std::string& date) {
  return (u.valid_from.empty() || u.valid_from <= date) && (u.valid_to.empty() || date <= u.valid_to);
}

std::chrono::sys_days days_of(const std::string& iso_day) {
  return std::chrono::sys_days{std::chrono::year_month_day{
      std::chrono::year{std::stoi(iso_day.substr(0, 4))}, std::chrono::month{static_cast<unsigned>(std::stoi(iso_day.substr(5, 2)))},
      std::chrono::day{static_cast<unsigned>(std::stoi(iso_day.substr(8, 2)))}}};
}

std::string iso_of(std::chrono::year_month_day d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

}  // namespace

UnitMap::UnitMap(std::vector<UnitPeriod> units, std::vector<UnitSuccession> crosswalk)
    : units_(std::move(units)), crosswalk_(std::move(crosswalk)) {
  for (std::size_t i = 0; i < units_.size(); ++i) by_code_.emplace(units_[i].code, i);
  for (std::size_t i = 0; i < crosswalk_.size(); ++i) edges_from_.emplace(crosswalk_[i].old_code, i);
}

const UnitPeriod* UnitMap::find(const std::string& code, const std::string& date) const {
  auto [b, e] = by_code_.equal_range(code);
  for (auto it = b; it != e; ++it)
    if (covers(units_[it->second], date)) return &units_[it->second];
  return nullptr;
}

const UnitPeriod* UnitMap::latest(const std::string& code) const {
  const UnitPeriod* best = nullptr;
  auto [b, e] = by_code_.equal_range(code);
  for (auto it = b; it != e; ++it) {
    const UnitPeriod& u = units_[it->second];
    if (!best || u.valid_to.empty() || (!best->valid_to.empty() && u.valid_to > best->valid_to)) best = &u;
  }
  return best;
}

std::vector<const UnitPeriod*> UnitMap::valid_on(const std::string& date) const {
  std::vector<const UnitPeriod*> out;
  for (const UnitPeriod& u : units_)
    if (covers(u, date)) out.push_back(&u);
  return out;
}

std::vector<UnitSuccessor> UnitMap::carry(const std::string& code, const std::string& date) const {
  if (find(code, date)) return {{code, false}};
  std::vector<UnitSuccessor> out;
  std::set<std::string> seen, walked;
  // The crosswalk has no cycle (the host refuses one), `walked` guards anyway.
  std::function<void(const std::string&, bool)> walk = [&](const std::string& from, bool partial) {
    if (!walked.insert(from).second) return;
    auto [b, e] = edges_from_.equal_range(from);
    std::vector<const UnitSuccession*> edges;
    for (auto it = b; it != e; ++it)
      if (crosswalk_[it->second].valid_from <= date) edges.push_back(&crosswalk_[it->second]);
    for (const UnitSuccession* edge : edges) {
      bool split = partial || edge->partial || edges.size() > 1;
      if (find(edge->new_code, date)) {
        if (seen.insert(edge->new_code).second) out.push_back({edge->new_code, split});
      } else {
        walk(edge->new_code, split);
      }
    }
  };
  walk(code, false);
  if (!out.empty()) return out;
  // The unit began after `date` (the old structure asked of a new unit): its one predecessor
  // valid then, if it has exactly one.
  std::vector<std::string> before = predecessors(code);
  if (before.size() == 1 && before.front() != code) return carry(before.front(), date);
  return {};
}

std::vector<std::string> UnitMap::predecessors(const std::string& code) const {
  std::vector<std::string> out;
  for (const UnitSuccession& e : crosswalk_)
    if (e.new_code == code && std::find(out.begin(), out.end(), e.old_code) == out.end()) out.push_back(e.old_code);
  return out;
}

std::vector<const UnitSuccession*> UnitMap::edges_into(const std::string& code) const {
  std::vector<const UnitSuccession*> out;
  for (const UnitSuccession& e : crosswalk_)
    if (e.new_code == code) out.push_back(&e);
  return out;
}

std::string first_day(const std::string& iso) {
  if (iso.size() == 4) return iso + "-01-01";
  if (iso.size() == 7) return iso + "-01";
  return iso;
}

std::string last_day(const std::string& iso) {
  if (iso.size() == 4) return iso + "-12-31";
  if (iso.size() == 7) {
    const std::chrono::year_month_day_last last{
        std::chrono::year{std::stoi(iso.substr(0, 4))},
        std::chrono::month_day_last{std::chrono::month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))}}};
    return iso_of(std::chrono::year_month_day{last});
  }
  return iso;
}

std::string day_before(const std::string& iso_day) {
  return iso_of(std::chrono::year_month_day{days_of(iso_day) - std::chrono::days{1}});
}

std::string day_after(const std::string& iso_day) {
  return iso_of(std::chrono::year_month_day{days_of(iso_day) + std::chrono::days{1}});
}

bool period_covers(const PersonPeriod& p, const std::string& date) {
  return (p.from.empty() || first_day(p.from) <= date) && (p.to.empty() || last_day(p.to) >= date);
}

const PersonPeriod* posting_on(const std::vector<PersonPeriod>& timeline, const std::string& date) {
  const PersonPeriod* best = nullptr;
  auto rank = [](const PersonPeriod& q) {
    const bool decided = std::any_of(q.sources.begin(), q.sources.end(), [](const std::string& s) { return s.rfind("decision:", 0) == 0; });
    return std::make_tuple(decided, q.sources.size(), !q.inferred, first_day(q.from));
  };
  for (const auto& p : timeline) {
    if (p.kind != "posting" || !period_covers(p, date)) continue;
    if (!best || rank(p) > rank(*best)) best = &p;
  }
  return best;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
