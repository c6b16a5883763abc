// The CSV importer and exporter classes (exported in plugin.cpp).
// Each instance is used by one thread at a time, as the SDK contract says.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "csv_history.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_csv {

class CsvImporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status check();
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest& request, hopnhat::sdk::RecordSink& sink,
                            hopnhat::sdk::ReadResult& result);

 private:
  hopnhat::sdk::Context* ctx_ = nullptr;
  std::string path_;
  std::string display_name_;  // the file name used in messages
  std::string id_column_;
  std::map<std::string, std::string> fields_;  // canonical field → heading
  hopnhat::sdk::Encoding encoding_ = hopnhat::sdk::Encoding::kAuto;
  char delimiter_ = 0;                          // 0: detect
  std::string salt_;  // what else decides the records besides the file's bytes (fingerprint)
  std::vector<HistoryFile> history_;  // option "history": dated rows keyed by the record id
};

// Writes the roster whole, or patches the file it wrote in an earlier run: its state names the
// file's fingerprint, the options and the columns, and when all three still hold, the rows of
// the persons the host sends replace theirs (rows are in person-id order), those it removes go,
// and the others are copied as they are.
class CsvExporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status begin(const hopnhat::sdk::ExportHeader& header, hopnhat::sdk::ExportPlan& plan);
  hopnhat::sdk::Status write(const hopnhat::sdk::PersonRecord& person);
  hopnhat::sdk::Status remove(const std::string& person_id);
  hopnhat::sdk::Status finish(hopnhat::sdk::ExportResult& result);

 private:
  std::string state_of(const std::string& file_fingerprint) const;
  bool can_patch(const std::string& previous_state);
  hopnhat::sdk::Status write_header();
  /// Copies the old rows of persons before `person_id`; drops that person's own row, if any,
  /// and says whether there was one.
  bool copy_old_rows_before(std::string_view person_id);
  hopnhat::sdk::Status next_in_order(const std::string& person_id);
  std::string_view old_row_id(std::size_t row_start, std::size_t row_end) const;
  std::size_t old_row_end(std::size_t row_start) const;

  std::string options_digest_;
  bool patching_ = false;
  std::string old_;          // patching: the file as the last run left it
  std::string old_fingerprint_;
  std::string last_id_;      // patching: the last person written or removed
  std::size_t old_next_ = 0; // the first old row not copied or dropped yet
  std::int64_t removed_ = 0;
  hopnhat::sdk::Context* ctx_ = nullptr;
  std::string path_;
  std::string temp_path_;
  std::vector<std::string> columns_option_;
  std::vector<std::string> columns_;
  std::vector<std::pair<std::string, std::size_t>> by_name_;  // columns by name, with their place
  std::vector<const std::string*> cells_;                     // the row being written (reused)
  std::string row_;
  bool vietnamese_headings_ = true;
  bool bom_ = true;
  char delimiter_ = ',';
  std::ofstream out_;
  std::int64_t written_ = 0;
};

}  // namespace hopnhat_csv
