// The plugin glue: options, files, and the SDK's export macros.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "staff_json.hpp"

namespace {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

// template:importer-begin
class ExampleImporter {
 public:
  Status configure(const std::string& options_json, sdk::Context& ctx) {
    sdk::OptionReader opt("example", options_json);
    path_ = sdk::resolve_path(ctx, opt.required_string("path"));
    id_key_ = opt.string("id_key").value_or("id");
    return opt.status();
  }
  Status check() {
    if (!std::filesystem::exists(path_)) return Status::io_error(path_ + ": the file does not exist");
    return Status::ok();
  }
  Status read(const sdk::ReadRequest&, sdk::RecordSink& sink, sdk::ReadResult& result) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::io_error(path_ + ": cannot open the file");
    std::stringstream buf;
    buf << in.rdbuf();
    std::vector<sdk::SourceRecord> records;
    Status st = example::parse_staff(buf.str(), id_key_, path_, records);
    if (!st) return st;
    for (auto& r : records)
      if (!sink.emit(std::move(r))) return Status::cancelled("stopped by the host");
    result.full_snapshot = true;  // the file is the whole list: missing records were deleted
    return Status::ok();
  }

 private:
  std::string path_;
  std::string id_key_;
};
// template:importer-end

// template:exporter-begin
class ExampleExporter {
 public:
  Status configure(const std::string& options_json, sdk::Context& ctx) {
    sdk::OptionReader opt("example", options_json);
    path_ = sdk::resolve_path(ctx, opt.required_string("path"));
    ctx_ = &ctx;
    return opt.status();
  }
  Status begin(const sdk::ExportHeader&) {
    out_ = nlohmann::json::array();
    return Status::ok();
  }
  Status write(const sdk::PersonRecord& person) {
    out_.push_back(example::person_to_json(person));
    return Status::ok();
  }
  Status finish(sdk::ExportResult& result) {
    result.written = static_cast<std::int64_t>(out_.size());
    result.target = path_;
    if (ctx_->dry_run()) return Status::ok();
    const std::string tmp = sdk::temp_path_beside(path_);
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << out_.dump(2) << "\n";
      if (!f) return Status::io_error(tmp + ": cannot write the file");
    }
    return sdk::replace_file(tmp, path_);  // readers never see half a file
  }

 private:
  std::string path_;
  sdk::Context* ctx_ = nullptr;
  nlohmann::json out_;
};
// template:exporter-end

}  // namespace

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(ExampleImporter)  // template:importer-line
HOPNHAT_EXPORTER(ExampleExporter)  // template:exporter-line
