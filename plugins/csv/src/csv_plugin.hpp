// The CSV importer and exporter classes (exported in plugin.cpp).
// Each instance is used by one thread at a time, as the SDK contract says.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

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
};

class CsvExporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status begin(const hopnhat::sdk::ExportHeader& header);
  hopnhat::sdk::Status write(const hopnhat::sdk::PersonRecord& person);
  hopnhat::sdk::Status finish(hopnhat::sdk::ExportResult& result);

 private:
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
