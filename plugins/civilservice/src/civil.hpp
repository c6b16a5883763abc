// The civil-service importer and exporter. Each instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api.hpp"
#include "hopnhat/sdk/plugin.hpp"

namespace hopnhat_civil {

class CivilImporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest& request, hopnhat::sdk::RecordSink& sink,
                            hopnhat::sdk::ReadResult& result);

 private:
  hopnhat::sdk::Context* ctx_ = nullptr;
  ApiSettings api_;
  int page_size_ = 500;
  std::int64_t full_every_ = 7;
};

class CivilExporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status begin(const hopnhat::sdk::ExportHeader& header);
  hopnhat::sdk::Status write(const hopnhat::sdk::PersonRecord& person);
  hopnhat::sdk::Status finish(hopnhat::sdk::ExportResult& result);

 private:
  hopnhat::sdk::Context* ctx_ = nullptr;
  ApiSettings api_;
  std::string source_;
  std::vector<std::string> push_fields_;
  std::string result_path_;
  std::unique_ptr<ApiClient> client_;             // one session (token) for the whole export
  std::map<std::string, nlohmann::json> current_;  // ma_can_bo → item as the state system has it
  std::vector<nlohmann::json> results_;
  std::int64_t sent_ = 0, failed_ = 0;
};

}  // namespace hopnhat_civil
