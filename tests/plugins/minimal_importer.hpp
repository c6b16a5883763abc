// A minimal importer shared by the test plugins: it emits two fixed records.
#pragma once
#include "hopnhat/sdk/plugin.hpp"

class MinimalImporter {
 public:
  hopnhat::sdk::Status configure(const std::string&, hopnhat::sdk::Context&) { return hopnhat::sdk::Status::ok(); }
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest&, hopnhat::sdk::RecordSink& sink, hopnhat::sdk::ReadResult&) {
    for (const char* id : {"1", "2"}) {
      hopnhat::sdk::SourceRecord r;
      r.id = id;
      r.fields["full_name"] = "Lê Thị Hoa";
      sink.emit(std::move(r));
    }
    return hopnhat::sdk::Status::ok();
  }
};
