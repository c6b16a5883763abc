// hopnhat SDK — the agency's units over time, as an exporter receives them (ABI 5), and the few
// date rules every reader of a timeline needs.
//
// ExportHeader::units and ExportHeader::crosswalk are the unit registry of the configuration's
// "organisation" (docs/organisation.md): each unit's code, name and validity, and which old unit
// became which new one from which day. PersonPeriod::unit_code names a unit of it. UnitMap
// answers the questions a report asks of them — which units were valid on a day, where a unit
// went after a merger, which units a new one came from — the same way the host's `units list`
// does, so a form and the host count alike.
//
// Thread-safety: UnitPeriod and UnitSuccession are plain values. A UnitMap is immutable once
// built and may be read from any thread; it copies what it is given.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

/// One row of units.csv: a unit under one name over one period (a renamed unit keeps its code).
struct UnitPeriod {
  std::string code;
  std::string name;
  std::string kind;         // "party", "state" or "other"
  std::string parent_code;  // "" when none
  std::string valid_from;   // ISO day; "" = since ever
  std::string valid_to;     // ISO day, the last one; "" = still valid
  std::int64_t quota = -1;  // staff the unit is allowed (biên chế được giao); -1 when not given
};

/// One crosswalk edge: from `valid_from` the people of `old_code` belong to `new_code`.
struct UnitSuccession {
  std::string old_code, new_code;
  std::string valid_from;  // ISO day, the first of the new structure
  bool partial = false;    // the old unit was split over several new ones
  std::string legal_ref;
};

/// Where the people of a unit are counted on a later (or earlier) day.
struct UnitSuccessor {
  std::string code;
  bool partial = false;  // one of several new units: which one a person went to is not in the crosswalk
};

class UnitMap {
 public:
  UnitMap() = default;
  UnitMap(std::vector<UnitPeriod> units, std::vector<UnitSuccession> crosswalk);

  const std::vector<UnitPeriod>& units() const { return units_; }
  const std::vector<UnitSuccession>& crosswalk() const { return crosswalk_; }
  bool empty() const { return units_.empty(); }

  /// The row of `code` valid on `date` (ISO day), or nullptr.
  const UnitPeriod* find(const std::string& code, const std::string& date) const;
  /// The row of `code` valid last (today's name, or the last name of a unit that ended), or nullptr.
  const UnitPeriod* latest(const std::string& code) const;
  /// The units valid on `date`, in file order.
  std::vector<const UnitPeriod*> valid_on(const std::string& date) const;
  /// The units valid on `date` that `code` became, following the crosswalk forward; `code` itself
  /// when it is valid on `date`. Asked of a day before a unit began, its one predecessor valid
  /// then, when it has exactly one. Empty when the unit ended without a successor.
  std::vector<UnitSuccessor> carry(const std::string& code, const std::string& date) const;
  /// The codes that became `code` (its direct predecessors), in crosswalk order.
  std::vector<std::string> predecessors(const std::string& code) const;
  /// The crosswalk edges into `code`, in crosswalk order.
  std::vector<const UnitSuccession*> edges_into(const std::string& code) const;

 private:
  std::vector<UnitPeriod> units_;
  std::vector<UnitSuccession> crosswalk_;
  std::multimap<std::string, std::size_t> by_code_, edges_from_;
};

/// The first and the last day a partial ISO date can mean ("2025-07" → 2025-07-01, 2025-07-31).
std::string first_day(const std::string& iso);
std::string last_day(const std::string& iso);
/// The day before and the day after an ISO day.
std::string day_before(const std::string& iso_day);
std::string day_after(const std::string& iso_day);

/// Whether a period covers `date` (an ISO day).
bool period_covers(const PersonPeriod& period, const std::string& date);
/// The posting valid on `date` (ISO day): of several, the one an administrator decided (a
/// source "decision:#ID"), then the one most sources state, then one a source dates, then the
/// latest begun. nullptr when the person held none that day.
const PersonPeriod* posting_on(const std::vector<PersonPeriod>& timeline, const std::string& date);

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
