// An importer whose read throws: the SDK adapter must turn it into a failed Status inside the
// plugin, so the exception never crosses into the host.
#include <stdexcept>
#include "hopnhat/sdk/plugin.hpp"

class ThrowingImporter {
 public:
  hopnhat::sdk::Status configure(const std::string&, hopnhat::sdk::Context&) { return hopnhat::sdk::Status::ok(); }
  hopnhat::sdk::Status read(const hopnhat::sdk::ReadRequest&, hopnhat::sdk::RecordSink&, hopnhat::sdk::ReadResult&) {
    throw std::runtime_error("disk on fire");
  }
};
HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(ThrowingImporter)
