// The spreadsheet importer and exporter. Each instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/plugin.hpp"
#include "hopnhat/sdk/text.hpp"
#include "readers.hpp"
#include "sheet_history.hpp"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace hopnhat_sheet {

class SheetImporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status check();
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest& request, hopnhat::sdk::RecordSink& sink,
                            hopnhat::sdk::ReadResult& result);

 private:
  std::string path_;
  SheetChoice sheet_;
  std::optional<std::size_t> header_row_;
  std::string id_column_;
  std::map<std::string, std::string> fields_;
  hopnhat::sdk::Encoding legacy_ = hopnhat::sdk::Encoding::kAuto;
  ReadLimits limits_;
  hopnhat::sdk::Context* ctx_ = nullptr;
  std::string salt_;  // what else decides the records besides the file's bytes (fingerprint)
  std::vector<HistorySheet> history_;  // option "history": dated rows keyed by the record id
};

class XlsxExporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status begin(const hopnhat::sdk::ExportHeader& header);
  hopnhat::sdk::Status write(const hopnhat::sdk::PersonRecord& person);
  hopnhat::sdk::Status finish(hopnhat::sdk::ExportResult& result);
  ~XlsxExporter();

 private:
  hopnhat::sdk::Context* ctx_ = nullptr;
  std::string path_, temp_path_, sheet_name_ = "Danh sách";
  std::vector<std::string> columns_option_, columns_;
  bool vietnamese_headings_ = true;
  lxw_workbook* workbook_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format *bold_ = nullptr, *date_ = nullptr, *text_ = nullptr;
  std::uint32_t row_ = 0;
  std::int64_t written_ = 0;
};

}  // namespace hopnhat_sheet
