// The organisation as data (issue #21): the units the agency manages, each with a code and a
// validity, and the crosswalk that says which old unit became which new one when units merged
// or split. Read from two CSV files the configuration names:
//
//   units.csv      code,name,kind,parent_code,valid_from,valid_to,aliases[,quota]
//                  kind party | state | other; dates ISO (YYYY-MM-DD), empty = open;
//                  aliases separated by '|'; quota the staff allowed (a whole number)
//   crosswalk.csv  old_code,new_code,valid_from,share,legal_ref
//                  share full | partial (an old unit split over several new ones)
//
// A code may be valid over several periods (a unit renamed keeps its code: one row per name),
// never two periods that overlap. A crosswalk edge leaves a unit that ends the day before
// `valid_from` for one that is valid on it, and no chain of edges comes back to where it began.
// Every violation is an OrgError naming the file, line and column. Immutable once loaded;
// thread-safe to read.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hopnhat/sdk/units.hpp"

namespace hopnhat::org {

class OrgError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Unit {
  std::string code;
  std::string name;
  std::string kind;          // party | state | other
  std::string parent_code;
  std::string valid_from;    // YYYY-MM-DD, or "" = since ever
  std::string valid_to;      // YYYY-MM-DD (last day valid), or "" = still valid
  std::vector<std::string> aliases;
  std::int64_t quota = -1;   // staff allowed (biên chế được giao), -1 when not given
  int line = 0;              // in units.csv, for messages

  bool valid_on(const std::string& date) const {
    return (valid_from.empty() || valid_from <= date) && (valid_to.empty() || date <= valid_to);
  }
};

struct CrosswalkEdge {
  std::string old_code, new_code;
  std::string valid_from;  // the first day of the new structure
  bool partial = false;    // the old unit went to several new ones: its people are split by posting
  std::string legal_ref;
  int line = 0;
};

/// Where a person counted under `code` on one day is counted on a later day (`partial`: one
/// of several new units, not decided by the data).
using Successor = sdk::UnitSuccessor;

class OrgRegistry {
 public:
  /// Reads and checks both files; `crosswalk` may be empty (no mergers yet). Throws OrgError.
  static OrgRegistry load(const std::filesystem::path& units, const std::filesystem::path& crosswalk);
  /// From rows already read (tests, generators); checks as load() does, naming `origin`.
  static OrgRegistry from_rows(std::vector<Unit> units, std::vector<CrosswalkEdge> crosswalk, const std::string& origin = "units");

  const std::vector<Unit>& units() const { return units_; }
  const std::vector<CrosswalkEdge>& crosswalk() const { return crosswalk_; }
  /// The units valid on `date`, in file order.
  std::vector<const Unit*> valid_on(const std::string& date) const;
  /// The row of `code` valid on `date`, if any.
  const Unit* find(const std::string& code, const std::string& date) const;
  /// The row of `code` valid last (today's name of a unit, or the last name of one that ended).
  const Unit* latest(const std::string& code) const;
  /// The units valid on `date` that `code` (as it was valid at some time) became, following
  /// the crosswalk forward; `code` itself when it is still valid on `date`. Empty when the unit
  /// ended without a successor.
  std::vector<Successor> carry(const std::string& code, const std::string& date) const;
  /// The codes that became `code` (direct predecessors), for the units page and the forms.
  std::vector<std::string> predecessors(const std::string& code) const;
  /// The registry as the exporters receive it (ExportHeader::units and crosswalk), whose rules
  /// carry() and predecessors() are.
  const sdk::UnitMap& map() const { return map_; }

 private:
  std::vector<Unit> units_;
  std::vector<CrosswalkEdge> crosswalk_;
  sdk::UnitMap map_;  // the same rows, indexed: find, latest, carry, predecessors
};

/// Whether `text` is an ISO date YYYY-MM-DD that exists in the calendar.
bool is_iso_date(const std::string& text);
/// Today's date (UTC) as YYYY-MM-DD.
std::string today_iso();

}  // namespace hopnhat::org
