#include <xlsxwriter.h>

#include <filesystem>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"
#include "sheet_plugin.hpp"

namespace hopnhat_sheet {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

XlsxExporter::~XlsxExporter() {
  if (workbook_) {  // an export that did not finish: drop its half-written file
    workbook_close(workbook_);
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
  }
}

Status XlsxExporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("spreadsheet", options_json);
  std::string path = opt.required_string("path");
  sheet_name_ = opt.string("sheet").value_or(sheet_name_);
  columns_option_ = opt.string_list("columns");
  for (std::size_t i = 0; i < columns_option_.size(); ++i)
    if (!sdk::find_field(columns_option_[i]))
      opt.fail("columns[" + std::to_string(i) + "]", "\"" + columns_option_[i] + "\" is not a canonical field");
  if (auto h = opt.string("headings")) {
    if (*h == "vi") vietnamese_headings_ = true;
    else if (*h == "field") vietnamese_headings_ = false;
    else opt.fail("headings", "expected \"vi\" or \"field\", got \"" + *h + "\"");
  }
  Status st = opt.status();
  if (!st) return st;
  path_ = sdk::resolve_path(ctx, path);
  return Status::ok();
}

Status XlsxExporter::begin(const sdk::ExportHeader& header) {
  columns_ = columns_option_.empty() ? header.fields : columns_option_;
  written_ = 0;
  row_ = 0;
  if (ctx_->dry_run()) return Status::ok();
  std::error_code ec;
  std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  temp_path_ = sdk::temp_path_beside(path_, ".xlsx");  // libxlsxwriter goes by the extension
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;  // rows go to disk as they come: large rosters stay small
  workbook_ = workbook_new_opt(temp_path_.c_str(), &options);
  if (!workbook_) return Status::io_error(temp_path_ + ": cannot create the workbook");
  sheet_ = workbook_add_worksheet(workbook_, sheet_name_.c_str());
  if (!sheet_) return Status::invalid_options("spreadsheet: option 'sheet': \"" + sheet_name_ + "\" is not a valid sheet name");
  bold_ = workbook_add_format(workbook_);
  format_set_bold(bold_);
  format_set_text_wrap(bold_);
  date_ = workbook_add_format(workbook_);
  format_set_num_format(date_, "dd/mm/yyyy");
  text_ = workbook_add_format(workbook_);
  format_set_num_format(text_, "@");  // ID numbers stay text: no lost zeros, no 2.2E+10
  worksheet_set_column(sheet_, 0, 0, 11, text_);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const sdk::FieldInfo* f = sdk::find_field(columns_[c]);
    double width = !f ? 16 : f->type == sdk::FieldType::kName || f->type == sdk::FieldType::kText ? 26 : 14;
    worksheet_set_column(sheet_, static_cast<lxw_col_t>(c + 1), static_cast<lxw_col_t>(c + 1), width,
                         f && f->type == sdk::FieldType::kDate ? date_ : text_);
  }
  worksheet_freeze_panes(sheet_, 1, 0);
  worksheet_write_string(sheet_, 0, 0, "person_id", bold_);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const sdk::FieldInfo* f = sdk::find_field(columns_[c]);
    std::string heading = vietnamese_headings_ && f ? std::string(f->label_vi) : columns_[c];
    worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(c + 1), heading.c_str(), bold_);
  }
  row_ = 1;
  return Status::ok();
}

Status XlsxExporter::write(const sdk::PersonRecord& person) {
  ++written_;
  if (ctx_->dry_run()) return Status::ok();
  if (row_ >= 1048576) return Status::invalid_input(path_ + ": more persons than an XLSX sheet holds (1,048,575)");
  worksheet_write_string(sheet_, row_, 0, person.person_id.c_str(), text_);
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    const std::string& v = person.value(columns_[c]);
    if (v.empty()) continue;
    const sdk::FieldInfo* f = sdk::find_field(columns_[c]);
    auto col = static_cast<lxw_col_t>(c + 1);
    if (f && f->type == sdk::FieldType::kDate && v.size() == 10) {  // a full date: a real date cell
      lxw_datetime dt = {std::stoi(v.substr(0, 4)), std::stoi(v.substr(5, 2)), std::stoi(v.substr(8, 2)), 0, 0, 0};
      worksheet_write_datetime(sheet_, row_, col, &dt, date_);
    } else {
      // Everything else is text — never a formula, whatever it starts with. Partial dates are
      // written as people write them: "09/1965", "1965".
      std::string shown = f && f->type == sdk::FieldType::kDate && v.size() == 7 ? v.substr(5, 2) + "/" + v.substr(0, 4) : v;
      worksheet_write_string(sheet_, row_, col, shown.c_str(), text_);
    }
  }
  ++row_;
  return Status::ok();
}

Status XlsxExporter::finish(sdk::ExportResult& result) {
  result.written = written_;
  result.target = path_;
  if (ctx_->dry_run()) return Status::ok();
  lxw_error err = workbook_close(workbook_);
  workbook_ = nullptr;
  if (err != LXW_NO_ERROR) {
    std::error_code ec;
    std::filesystem::remove(temp_path_, ec);
    return Status::io_error(path_ + ": writing the workbook failed (" + lxw_strerror(err) + ")");
  }
  return sdk::replace_file(temp_path_, path_);
}

}  // namespace hopnhat_sheet
