// The rows of a "rows": "units" form (docs/reports.md, "Units and mergers"): one per unit valid
// on the structure's date, in the order of the units file, staffed or not, with a row under it
// for each unit that became it. Each person counts where the Placer puts them on the report's
// date; with columns counted "before", also where they were the day before the merger, under
// the new unit their old one went to (for a unit split over several, the one the person's own
// posting names). Persons that cannot be placed are one row, "(chưa xác định đơn vị)", so the
// totals are everyone. Without units in the configuration the rows are the units as the records
// write them. One collector per export; not thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "form.hpp"
#include "layout.hpp"
#include "placement.hpp"
#include "values.hpp"

namespace hopnhat_reports {

/// A quota file's figures: folded unit name → (unit as written, quota).
using QuotaByName = std::map<std::string, std::pair<std::string, double>>;

class UnitRows {
 public:
  /// `before` and `eval_before` are null when no column counts before the merger. All must
  /// outlive the collector.
  UnitRows(const Form& form, const Placer& now, const Evaluator& eval_now, const Placer* before, const Evaluator* eval_before,
           const QuotaByName& quota);

  void add(const hopnhat::sdk::PersonRecord& p);
  std::vector<GroupRow> finish();

 private:
  struct Tally {
    std::vector<double> values;
    std::map<std::string, std::vector<double>> from;  // by the unit before the merger
  };
  Tally& tally(const std::string& key);
  std::vector<double>& cell(const std::string& key, const std::string& from);

  const Form& form_;
  const Placer& now_;
  const Evaluator& eval_now_;
  const Placer* before_;
  const Evaluator* eval_before_;
  const QuotaByName& quota_;
  std::map<std::string, Tally> tallies_;  // unit code (or folded text without units); kUnplaced
  std::map<std::string, std::string> labels_;  // folded text → as first written (without units)
};

}  // namespace hopnhat_reports
