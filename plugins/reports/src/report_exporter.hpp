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
  std::map<std::string, std::pair<std::string, double>> quota_;  // folded unit → (unit, quota)
  hopnhat::sdk::ExportHeader header_;
  std::vector<PersonRow> person_rows_;
  std::map<std::string, GroupRow> groups_;  // folded label → row
  std::vector<hopnhat::sdk::PersonRecord> cv_persons_;
  std::int64_t written_ = 0;
};

}  // namespace hopnhat_reports
