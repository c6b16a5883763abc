#include "org/units.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "org/csv_table.hpp"

namespace hopnhat::org {

namespace {

std::string at(const std::string& origin, int line, const std::string& column) {
  return origin + ": line " + std::to_string(line) + (column.empty() ? "" : ", column " + column);
}

void check_date(const std::string& value, const std::string& origin, int line, const std::string& column) {
  if (!value.empty() && !is_iso_date(value))
    throw OrgError(at(origin, line, column) + ": \"" + value.substr(0, 40) + "\" is not a date YYYY-MM-DD");
}

}  // namespace

bool is_iso_date(const std::string& t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (t[i] < '0' || t[i] > '9') return false;
  int y = std::stoi(t.substr(0, 4)), m = std::stoi(t.substr(5, 2)), d = std::stoi(t.substr(8, 2));
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

std::string today_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

OrgRegistry OrgRegistry::load(const std::filesystem::path& units_file, const std::filesystem::path& crosswalk_file) {
  std::vector<Unit> units;
  CsvTable table = CsvTable::read(units_file, {"code", "name", "kind"}, {"parent_code", "valid_from", "valid_to", "aliases", "quota"});
  for (const CsvRow& row : table.rows) {
    Unit u;
    u.line = row.line;
    u.code = row.get("code");
    u.name = row.get("name");
    u.kind = row.get("kind");
    u.parent_code = row.get("parent_code");
    u.valid_from = row.get("valid_from");
    u.valid_to = row.get("valid_to");
    std::stringstream aliases(row.get("aliases"));
    for (std::string a; std::getline(aliases, a, '|');) {
      a.erase(0, a.find_first_not_of(' '));
      a.erase(a.find_last_not_of(' ') + 1);
      if (!a.empty()) u.aliases.push_back(a);
    }
    if (const std::string q = row.get("quota"); !q.empty()) {
      if (q.size() > 9 || q.find_first_not_of("0123456789") != std::string::npos)
        throw OrgError(at(units_file.string(), row.line, "quota") + ": \"" + q.substr(0, 40) + "\" is not a whole number of staff");
      u.quota = std::stoll(q);
    }
    units.push_back(std::move(u));
  }
  std::vector<CrosswalkEdge> edges;
  if (!crosswalk_file.empty()) {
    CsvTable cw = CsvTable::read(crosswalk_file, {"old_code", "new_code", "valid_from"}, {"share", "legal_ref"});
    for (const CsvRow& row : cw.rows) {
      CrosswalkEdge e;
      e.line = row.line;
      e.old_code = row.get("old_code");
      e.new_code = row.get("new_code");
      e.valid_from = row.get("valid_from");
      std::string share = row.get("share");
      if (share != "" && share != "full" && share != "partial")
        throw OrgError(at(crosswalk_file.string(), row.line, "share") + ": \"" + share.substr(0, 40) + "\" is neither full nor partial");
      e.partial = share == "partial";
      e.legal_ref = row.get("legal_ref");
      edges.push_back(std::move(e));
    }
  }
  return from_rows(std::move(units), std::move(edges), units_file.string() + (crosswalk_file.empty() ? "" : "|" + crosswalk_file.string()));
}

OrgRegistry OrgRegistry::from_rows(std::vector<Unit> units, std::vector<CrosswalkEdge> crosswalk, const std::string& origin) {
  const std::string units_origin = origin.substr(0, origin.find('|'));
  const std::string cw_origin = origin.find('|') == std::string::npos ? "crosswalk" : origin.substr(origin.find('|') + 1);
  OrgRegistry r;
  // Indexes for the checks below; afterwards map_ answers every question.
  std::multimap<std::string, std::size_t> by_code, edges_from;  // code → rows; old code → edges
  for (std::size_t i = 0; i < units.size(); ++i) {
    const Unit& u = units[i];
    if (u.code.empty()) throw OrgError(at(units_origin, u.line, "code") + ": a unit needs a code");
    if (u.name.empty()) throw OrgError(at(units_origin, u.line, "name") + ": a unit needs a name");
    if (u.kind != "party" && u.kind != "state" && u.kind != "other")
      throw OrgError(at(units_origin, u.line, "kind") + ": \"" + u.kind.substr(0, 40) + "\" is not party, state or other");
    check_date(u.valid_from, units_origin, u.line, "valid_from");
    check_date(u.valid_to, units_origin, u.line, "valid_to");
    if (!u.valid_from.empty() && !u.valid_to.empty() && u.valid_to < u.valid_from)
      throw OrgError(at(units_origin, u.line, "valid_to") + ": ends before it begins (" + u.valid_from + ")");
    // One code, one unit at a time: periods of a code must not overlap.
    auto [b, e] = by_code.equal_range(u.code);
    for (auto it = b; it != e; ++it) {
      const Unit& o = units[it->second];
      bool apart = (!o.valid_to.empty() && !u.valid_from.empty() && o.valid_to < u.valid_from) ||
                   (!u.valid_to.empty() && !o.valid_from.empty() && u.valid_to < o.valid_from);
      if (!apart)
        throw OrgError(at(units_origin, u.line, "valid_from") + ": the code " + u.code + " is also valid over these days on line " +
                       std::to_string(o.line) + " (a code is one unit on any day)");
    }
    by_code.emplace(u.code, i);
  }
  for (const Unit& u : units)
    if (!u.parent_code.empty() && !by_code.count(u.parent_code))
      throw OrgError(at(units_origin, u.line, "parent_code") + ": no unit has the code " + u.parent_code);
  r.units_ = std::move(units);
  std::vector<sdk::UnitPeriod> periods;
  for (const Unit& u : r.units_) periods.push_back({u.code, u.name, u.kind, u.parent_code, u.valid_from, u.valid_to, u.quota});
  r.map_ = sdk::UnitMap(periods, {});  // find() for the checks below; the edges once they pass

  for (std::size_t i = 0; i < crosswalk.size(); ++i) {
    const CrosswalkEdge& e = crosswalk[i];
    if (!by_code.count(e.old_code)) throw OrgError(at(cw_origin, e.line, "old_code") + ": no unit has the code " + e.old_code);
    if (!by_code.count(e.new_code)) throw OrgError(at(cw_origin, e.line, "new_code") + ": no unit has the code " + e.new_code);
    if (e.old_code == e.new_code)
      throw OrgError(at(cw_origin, e.line, "new_code") + ": a unit does not become itself (a renamed unit keeps its code: give it a new row in the units)");
    if (e.valid_from.empty() || !is_iso_date(e.valid_from))
      throw OrgError(at(cw_origin, e.line, "valid_from") + ": \"" + e.valid_from.substr(0, 40) + "\" is not a date YYYY-MM-DD");
    if (!r.find(e.new_code, e.valid_from))
      throw OrgError(at(cw_origin, e.line, "new_code") + ": the unit " + e.new_code + " is not valid on " + e.valid_from);
    edges_from.emplace(e.old_code, i);
  }
  r.crosswalk_ = std::move(crosswalk);
  // No chain of edges may come back to where it began.
  std::map<std::string, int> state;  // 1 visiting, 2 done
  std::function<void(const std::string&)> visit = [&](const std::string& code) {
    state[code] = 1;
    auto [b, e] = edges_from.equal_range(code);
    for (auto it = b; it != e; ++it) {
      const CrosswalkEdge& edge = r.crosswalk_[it->second];
      if (state[edge.new_code] == 1)
        throw OrgError(at(cw_origin, edge.line, "new_code") + ": the crosswalk goes round in a circle through " + edge.new_code);
      if (state[edge.new_code] == 0) visit(edge.new_code);
    }
    state[code] = 2;
  };
  for (const auto& e : r.crosswalk_)
    if (state[e.old_code] == 0) visit(e.old_code);
  std::vector<sdk::UnitSuccession> edges;
  for (const CrosswalkEdge& e : r.crosswalk_) edges.push_back({e.old_code, e.new_code, e.valid_from, e.partial, e.legal_ref});
  r.map_ = sdk::UnitMap(std::move(periods), std::move(edges));
  return r;
}

std::vector<const Unit*> OrgRegistry::valid_on(const std::string& date) const {
  std::vector<const Unit*> out;
  for (const Unit& u : units_)
    if (u.valid_on(date)) out.push_back(&u);
  return out;
}

// The map holds the units in the same order: its row's place is ours.
const Unit* OrgRegistry::find(const std::string& code, const std::string& date) const {
  const sdk::UnitPeriod* u = map_.find(code, date);
  return u ? &units_[static_cast<std::size_t>(u - map_.units().data())] : nullptr;
}

const Unit* OrgRegistry::latest(const std::string& code) const {
  const sdk::UnitPeriod* u = map_.latest(code);
  return u ? &units_[static_cast<std::size_t>(u - map_.units().data())] : nullptr;
}

std::vector<Successor> OrgRegistry::carry(const std::string& code, const std::string& date) const {
  return map_.carry(code, date);
}

std::vector<std::string> OrgRegistry::predecessors(const std::string& code) const { return map_.predecessors(code); }

}  // namespace hopnhat::org
