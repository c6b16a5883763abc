// Laying out a form: the collected rows (one per person, or one per group) become a Sheet with
// the form's top lines, title, header rows, body, totals, notes and signature block; a
// per-person form becomes one sheet per person. Pure functions of their inputs.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "form.hpp"
#include "hopnhat/sdk/record.hpp"
#include "sheet.hpp"
#include "values.hpp"

namespace hopnhat_reports {

struct SortValue {
  std::optional<double> number;
  std::string key;  // collation key when not a number
  bool descending = false;
  bool operator<(const SortValue& o) const {
    if (number && o.number) return *number < *o.number;
    if (number != std::nullopt || o.number != std::nullopt) return number.has_value() > o.number.has_value();
    return key < o.key;
  }
};

/// One person's row of a "rows": "persons" table.
struct PersonRow {
  std::string person_id;
  std::vector<Cell> cells;  // one per column; "stt" cells are numbered during layout
  std::string group;        // shown value of group_by ("" when not grouped)
  std::string group_key;    // its collation key
  std::vector<SortValue> sort;
};

/// One row of a "rows": "groups" or "units" table.
struct GroupRow {
  std::string label;      // the group's value as first seen
  std::string key;        // collation key, for ordering
  std::vector<double> values;  // one per column (aggregates); key columns unused
  std::map<std::size_t, std::string> texts;  // text aggregates by column: code, predecessors
  std::vector<GroupRow> children;  // rows laid out under this one, unnumbered and not in totals (a unit's predecessors)
};

/// Sets the row's "difference" columns from the two columns each names (after those are set).
void fill_differences(const Form& form, GroupRow& row);

/// Values that title lines may use: {as_of}, {agency}, {date}, {count}.
struct Placeholders {
  std::map<std::string, std::string> values;
  std::string apply(const std::string& text) const;
};

Sheet lay_out_persons(const Form& form, std::vector<PersonRow> rows, const Placeholders& ph);
Sheet lay_out_groups(const Form& form, std::vector<GroupRow> rows, const Placeholders& ph);
/// One sheet per person; `sheet_names` are unique and valid.
std::vector<Sheet> lay_out_per_person(const Form& form, const std::vector<hopnhat::sdk::PersonRecord>& persons,
                                      const std::vector<std::string>& sheet_names, const Evaluator& eval,
                                      const Placeholders& ph);

}  // namespace hopnhat_reports
