// The reports exporter: turns the golden records into the form a configuration names (shipped
// or a file), as XLSX or CSV. One instance is used by one thread at a time; it keeps the rows of
// the form (not whole person records) until finish() lays them out and writes the file.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "collation.hpp"
#include "form.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "layout.hpp"
#include "placement.hpp"
#include "unit_rows.hpp"
#include "values.hpp"

namespace hopnhat_reports {

class ReportExporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status begin(const hopnhat::sdk::ExportHeader& header);
  hopnhat::sdk::Status write(const hopnhat::sdk::PersonRecord& person);
  hopnhat::sdk::Status finish(hopnhat::sdk::ExportResult& result);

 private:
  void collect_groups(const hopnhat::sdk::PersonRecord& person);
  GroupRow& group(const std::string& label);
  std::vector<GroupRow> finish_groups();
  void load_quota(const std::string& path);

  hopnhat::sdk::Context* ctx_ = nullptr;
  Form form_;
  std::string path_;
  std::unique_ptr<Evaluator> eval_;
  std::unique_ptr<NameCollator> collator_;
  Placeholders placeholders_;
  std::set<std::string> only_persons_;
  QuotaByName quota_;
  bool quota_file_ = false;
  bool uses_quota_ = false;              // a column of the form shows the quota
  Date day_;                             // as_of
  std::string structure_option_;         // "", "old", "new" or a date
  std::string merger_date_option_;       // "" or a date
  hopnhat::sdk::ExportHeader header_;
  // Set by begin(): the units, where persons are counted, and the rows of a "units" form.
  hopnhat::sdk::UnitMap units_;
  std::unique_ptr<Placer> placer_, placer_before_;
  std::unique_ptr<Evaluator> eval_before_;
  std::unique_ptr<UnitRows> unit_rows_;
  std::vector<PersonRow> person_rows_;
  std::map<std::string, GroupRow> groups_;  // folded label → row
  std::vector<hopnhat::sdk::PersonRecord> cv_persons_;
  std::int64_t written_ = 0;
};

}  // namespace hopnhat_reports
