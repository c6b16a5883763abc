#include <filesystem>
#include <fstream>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/options.hpp"
#include "sheet_plugin.hpp"
#include "table.hpp"

namespace hopnhat_sheet {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

Status SheetImporter::configure(const std::string& options_json, sdk::Context& ctx) {
  sdk::OptionReader opt("spreadsheet", options_json);
  std::string path = opt.required_string("path");
  // "sheet" is a name or a number: read it as either.
  {
    sdk::OptionReader probe("spreadsheet", options_json);
    if (auto n = probe.integer("sheet")) sheet_.number = static_cast<int>(*n);
  }
  if (sheet_.number == 0) sheet_.name = opt.string("sheet").value_or("");
  else opt.integer("sheet");
  if (auto h = opt.integer("header_row")) {
    if (*h < 1) opt.fail("header_row", "must be 1 or more");
    else header_row_ = static_cast<std::size_t>(*h);
  }
  id_column_ = opt.string("id").value_or("");
  fields_ = opt.string_map("fields");
  for (const auto& [field, heading] : fields_)
    if (!sdk::find_field(field)) opt.fail("fields." + field, "\"" + field + "\" is not a canonical field");
  if (auto e = opt.string("encoding")) {
    if (*e == "auto") legacy_ = sdk::Encoding::kAuto;
    else if (*e == "tcvn3") legacy_ = sdk::Encoding::kTcvn3;
    else if (*e == "vni") legacy_ = sdk::Encoding::kVni;
    else if (*e == "none") legacy_ = sdk::Encoding::kUtf8;
    else opt.fail("encoding", "expected auto, tcvn3, vni or none, got \"" + *e + "\"");
  }
  if (auto m = opt.integer("max_rows")) limits_.max_rows = static_cast<std::size_t>(std::max<std::int64_t>(*m, 1));
  if (auto m = opt.integer("max_uncompressed_mb")) limits_.max_uncompressed = static_cast<std::uint64_t>(std::max<std::int64_t>(*m, 1)) << 20;
  history_.clear();
  const Status history = read_history_options(opt, ctx, id_column_, history_);
  Status st = opt.status();  // the top level's problems first, then the history sheets'
  if (!st) return st;
  if (!history) return history;
  path_ = sdk::resolve_path(ctx, path);
  std::string ext = std::filesystem::path(path_).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext != ".xlsx" && ext != ".xlsm" && ext != ".ods" && ext != ".xls")
    return Status::invalid_options("spreadsheet: option 'path': expected a .xlsx, .ods or .xls file, got \"" + path + "\"");
  ctx_ = &ctx;
  // Bump kReading when a change to the readers would read the same bytes into other records.
  constexpr const char* kReading = "hopnhat_spreadsheet reading 1";
  salt_ = std::string(kReading) + '\n' + sdk::kVersion + '\n' + path_ + '\n' + options_json;
  return Status::ok();
}

Status SheetImporter::check() {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status::io_error(path_ + ": the file does not exist or cannot be read");
  return Status::ok();
}

Status SheetImporter::read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) {
  Status st = check();
  if (!st) return st;
  // The same bytes under the same options as the last committed read: every record stands. (A
  // file replaced between this digest and the read is read again next time: the digest is older.)
  const std::optional<std::string> digest = sdk::fingerprint_file(path_, salt_);
  if (!digest) return Status::io_error(path_ + ": the file cannot be read");
  std::string print = "file " + *digest;
  for (const HistorySheet& h : history_) {  // a changed history file is a changed source
    const std::optional<std::string> d = sdk::fingerprint_file(h.path, salt_);
    if (!d) return Status::io_error(h.path + ": the history file cannot be read");
    print += " history " + *d;
  }
  if (request.state == print) {
    ctx_->log(sdk::LogLevel::kInfo, path_ + ": unchanged since the last run; not read again");
    result.full_snapshot = false;
    result.state = print;
    return Status::ok();
  }
  std::string ext = std::filesystem::path(path_).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::map<std::string, std::vector<sdk::HistoryRow>> history;  // record id → rows
  for (const HistorySheet& h : history_)
    if (st = read_history_sheet(h, limits_, *ctx_, history); !st) return st;
  // Each record takes its history on its way to the host.
  struct Attaching final : sdk::RecordSink {
    sdk::RecordSink& host;
    std::map<std::string, std::vector<sdk::HistoryRow>>& rows;
    Attaching(sdk::RecordSink& h, std::map<std::string, std::vector<sdk::HistoryRow>>& r) : host(h), rows(r) {}
    bool emit(sdk::SourceRecord&& record) noexcept override {
      if (auto it = rows.find(record.id); it != rows.end()) {
        record.history = std::move(it->second);
        rows.erase(it);
      }
      return host.emit(std::move(record));
    }
    void reject(const std::string& origin, const std::string& message) noexcept override { host.reject(origin, message); }
  } attaching(sink, history);
  TableOptions t{std::filesystem::path(path_).filename().string(), "", header_row_, id_column_, fields_, legacy_};
  std::unique_ptr<TableBuilder> table;
  auto rows = [&](std::size_t n, std::vector<std::string>&& cells) {
    if (!table) table = std::make_unique<TableBuilder>(t, attaching);
    return table->add_row(n, std::move(cells));
  };
  try {
    // The sheet's name is known only once reading starts; peek it for messages.
    if (ext == ".ods") t.sheet = sheet_.name.empty() ? "1" : sheet_.name;
    else if (ext == ".xls") t.sheet = sheet_.name.empty() ? std::to_string(std::max(sheet_.number, 1)) : sheet_.name;
    else t.sheet = sheet_.name.empty() ? std::to_string(std::max(sheet_.number, 1)) : sheet_.name;
    if (ext == ".ods") read_ods(path_, sheet_, limits_, rows);
    else if (ext == ".xls") read_xls(path_, sheet_, limits_, rows);
    else read_xlsx(path_, sheet_, limits_, rows);
  } catch (const SheetError& e) {
    return Status::invalid_input(e.what());
  }
  if (!table) return Status::invalid_input(path_ + ": the sheet has no rows");
  st = table->finish();
  if (!st) return st;
  if (!history.empty()) {  // rows of no record of this sheet: said, not dropped unseen
    std::size_t n = 0;
    for (const auto& [id, list] : history) n += list.size();
    ctx_->log(sdk::LogLevel::kWarning, path_ + ": " + std::to_string(n) + " history row(s) of " + std::to_string(history.size()) +
                                           " record id(s) that the sheet does not have (the first at " +
                                           history.begin()->second.front().origin + "); not read");
  }
  result.full_snapshot = true;
  result.state = print;
  return Status::ok();
}

}  // namespace hopnhat_sheet
