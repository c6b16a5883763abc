#include <filesystem>
#include <unistd.h>

#include "csv_format.hpp"
#include "csv_plugin.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/options.hpp"

namespace hopnhat_csv {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

Status CsvExporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("csv", options_json);
  std::string path = opt.required_string("path");
  columns_option_ = opt.string_list("columns");
  for (std::size_t i = 0; i < columns_option_.size(); ++i)
    if (!sdk::find_field(columns_option_[i]))
      opt.fail("columns[" + std::to_string(i) + "]", "\"" + columns_option_[i] + "\" is not a canonical field");
  if (auto h = opt.string("headings")) {
    if (*h == "vi") vietnamese_headings_ = true;
    else if (*h == "field") vietnamese_headings_ = false;
    else opt.fail("headings", "expected \"vi\" or \"field\", got \"" + *h + "\"");
  }
  bom_ = opt.boolean("bom").value_or(true);
  if (auto d = opt.string("delimiter")) {
    if (d->size() == 1 && std::string(",;\t").find((*d)[0]) != std::string::npos) delimiter_ = (*d)[0];
    else opt.fail("delimiter", "expected \",\", \";\" or \"\\t\", got \"" + *d + "\"");
  }
  Status st = opt.status();
  if (!st) return st;
  path_ = sdk::resolve_path(ctx, path);
  return Status::ok();
}

Status CsvExporter::begin(const sdk::ExportHeader& header) {
  columns_ = columns_option_.empty() ? header.fields : columns_option_;
  written_ = 0;
  if (ctx_->dry_run()) return Status::ok();
  std::error_code ec;
  std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) return Status::io_error(path_ + ": cannot create the folder (" + ec.message() + ")");
  temp_path_ = path_ + ".tmp-" + std::to_string(::getpid());
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) return Status::io_error(temp_path_ + ": cannot write the file");
  if (bom_) out_ << "\xEF\xBB\xBF";
  out_ << "person_id";
  for (const auto& c : columns_) {
    const sdk::FieldInfo* f = sdk::find_field(c);
    out_ << delimiter_ << format_cell(vietnamese_headings_ && f ? f->label_vi : c, delimiter_);
  }
  out_ << "\r\n";
  return Status::ok();
}

Status CsvExporter::write(const sdk::PersonRecord& person) {
  ++written_;
  if (ctx_->dry_run()) return Status::ok();
  out_ << format_cell(person.person_id, delimiter_);
  for (const auto& c : columns_) out_ << delimiter_ << format_cell(person.value(c), delimiter_);
  out_ << "\r\n";
  if (!out_) return Status::io_error(temp_path_ + ": writing failed (disk full?)");
  return Status::ok();
}

Status CsvExporter::finish(sdk::ExportResult& result) {
  result.written = written_;
  result.target = path_;
  if (ctx_->dry_run()) return Status::ok();
  out_.flush();
  bool ok = static_cast<bool>(out_);
  out_.close();
  std::error_code ec;
  if (!ok) {
    std::filesystem::remove(temp_path_, ec);
    return Status::io_error(temp_path_ + ": writing failed (disk full?)");
  }
  std::filesystem::rename(temp_path_, path_, ec);
  if (ec) return Status::io_error(path_ + ": cannot replace the file (" + ec.message() + ")");
  return Status::ok();
}

}  // namespace hopnhat_csv
