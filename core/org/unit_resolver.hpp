// Which unit a unit name written in a record means (issue #21, item 2). The party database
// writes "Chi bộ Văn phòng", the civil-service system "Văn phòng Thành ủy", an office sheet
// "VP Thành ủy" or "Phòng VH-TT": each resolves, in this order, by
//   1. an administrator's answer stored as an alias (exact text),
//   2. the unit's code,
//   3. the same comparison key as a unit's name or alias (text::unit_key: folded, abbreviations
//      with one reading expanded, a party-cell prefix dropped — "Chi bộ X" resolves through X),
//   4. an acronym of initials ("LĐTB&XH", "VH-TT", "P. Nội vụ" read as phòng or phường by the
//      words that follow) matched against the words of a unit's name,
//   5. a shortened name: the key lies within exactly one unit's key, or one unit's key within
//      it (the city or district part left out, or added); of a unit and its parent both named
//      ("Văn phòng Huyện ủy Hoành Bồ"), the unit.
// Several units on one step is ambiguous (never a guess): the caller gets the candidates ranked.
// Immutable after construction; thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "org/units.hpp"

namespace hopnhat::org {

struct Resolution {
  enum class How { kAlias, kCode, kName, kAcronym, kShortened, kAmbiguous, kUnknown } how = How::kUnknown;
  std::string code;                     // when resolved
  std::vector<std::string> candidates;  // when ambiguous (or unknown with near names): best first
  bool resolved() const { return !code.empty(); }
};

const char* how_name(Resolution::How how);

class UnitResolver {
 public:
  /// `answers`: text as written → code, from administrators (they win over every rule).
  UnitResolver(const OrgRegistry& registry, std::map<std::string, std::string> answers = {});
  /// Among several units of one name, those valid on `date` are preferred (empty: any).
  Resolution resolve(std::string_view text, const std::string& date = "") const;
  /// For a value no date goes with (a golden org_unit, a posting's unit): resolve(text), and
  /// when that is ambiguous between a unit and units it became through the crosswalk ("Nội vụ":
  /// Phòng Nội vụ, and after the merger Phòng Tổ chức - Nội vụ), the earliest of them — carried
  /// forward, it is each of them on its own days, as resolve() with a date says.
  Resolution resolve_undated(std::string_view text) const;

 private:
  Resolution pick(std::vector<std::string> codes, Resolution::How how, const std::string& date) const;

  const OrgRegistry& registry_;
  std::map<std::string, std::string> answers_;
  std::map<std::string, std::vector<std::string>> by_key_;  // unit_key → codes
  std::map<std::string, std::vector<const Unit*>> rows_by_key_;  // unit_key → the rows (periods) bearing that name
  std::vector<std::pair<std::vector<std::string>, std::string>> words_;  // each name's key words → code
  std::set<std::string> vocabulary_;  // every word of every unit's names: what is not in it may be initials
};

}  // namespace hopnhat::org
