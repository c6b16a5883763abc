#include <algorithm>
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
  by_name_.clear();
  for (std::size_t i = 0; i < columns_.size(); ++i) by_name_.emplace_back(columns_[i], i);
  std::sort(by_name_.begin(), by_name_.end());
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
  // The person's fields and the columns are both in name order: one walk finds each column's
  // value (a million rows of twenty columns make no lookups).
  static const std::string kEmpty;
  cells_.assign(columns_.size(), &kEmpty);
  auto field = person.fields.begin();
  for (const auto& [name, column] : by_name_) {
    while (field != person.fields.end() && field->first < name) ++field;
    if (field != person.fields.end() && field->first == name) cells_[column] = &field->second.value;
  }
  row_.clear();
  append_cell(row_, person.person_id, delimiter_);
  for (const std::string* cell : cells_) {
    row_ += delimiter_;
    append_cell(row_, *cell, delimiter_);
  }
  row_ += "\r\n";
  out_.write(row_.data(), static_cast<std::streamsize>(row_.size()));
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
