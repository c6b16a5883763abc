// The party-member database importer (reference schema in docs/partydb.md).
// One instance is used by one thread at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "hopnhat/sdk/plugin.hpp"

namespace hopnhat_partydb {

class PartyDbImporter {
 public:
  hopnhat::sdk::Status configure(const std::string& options_json, hopnhat::sdk::Context& ctx);
  hopnhat::sdk::Status check();
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest& request, hopnhat::sdk::RecordSink& sink,
                            hopnhat::sdk::ReadResult& result);

 private:
  hopnhat::sdk::Context* ctx_ = nullptr;
  std::string connection_;
  std::string query_;
  std::string id_column_ = "so_the_dang_vien";
  std::string updated_column_ = "cap_nhat_luc";
  std::map<std::string, std::string> fields_;  // canonical field → column
  std::int64_t full_every_ = 7;
  std::int64_t overlap_s_ = 300;
  int timeout_s_ = 60;
};

/// The query of the reference schema: members with their cell's name.
extern const char* const kReferenceQuery;

}  // namespace hopnhat_partydb
