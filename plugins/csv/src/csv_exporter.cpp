#include <algorithm>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "csv_format.hpp"
#include "csv_plugin.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"

namespace hopnhat_csv {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

namespace {
constexpr std::string_view kStateFormat = "hopnhat-csv-export 1";
constexpr std::string_view kFileSalt = "hopnhat-csv-export";
}  // namespace

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
  options_digest_ = sdk::fingerprint(options_json, "options");
  return Status::ok();
}

// Four lines: the format, the file's fingerprint, the options' digest, the columns (tab-separated).
std::string CsvExporter::state_of(const std::string& file_fingerprint) const {
  std::string out(kStateFormat);
  out += '\n' + file_fingerprint + '\n' + options_digest_ + '\n';
  for (std::size_t i = 0; i < columns_.size(); ++i) out += (i ? "\t" : "") + columns_[i];
  return out;
}

// Reads the last export into old_ when the state describes it: the same options and columns,
// and the file as this exporter wrote it (not edited, replaced or removed since).
bool CsvExporter::can_patch(const std::string& previous_state) {
  old_.clear();
  if (previous_state.empty()) return false;
  std::istringstream state(previous_state);
  std::string format, file, options;
  if (!std::getline(state, format) || format != kStateFormat || !std::getline(state, file) || !std::getline(state, options)) return false;
  if (options != options_digest_ || previous_state != state_of(file)) return false;  // other options or columns
  std::ifstream in(path_, std::ios::binary | std::ios::ate);
  if (!in) return false;
  old_.resize(static_cast<std::size_t>(in.tellg()));
  in.seekg(0);
  if (!in.read(old_.data(), static_cast<std::streamsize>(old_.size())) || sdk::fingerprint(old_, kFileSalt) != file) {
    std::string().swap(old_);
    return false;
  }
  old_fingerprint_ = file;
  return true;
}

Status CsvExporter::begin(const sdk::ExportHeader& header, sdk::ExportPlan& plan) {
  columns_ = columns_option_.empty() ? header.fields : columns_option_;
  by_name_.clear();
  for (std::size_t i = 0; i < columns_.size(); ++i) by_name_.emplace_back(columns_[i], i);
  std::sort(by_name_.begin(), by_name_.end());
  written_ = removed_ = 0;
  last_id_.clear();
  patching_ = plan.changes_only = can_patch(header.previous_state);
  old_next_ = 0;
  if (ctx_->dry_run()) {
    std::string().swap(old_);
    return Status::ok();
  }
  if (patching_) {
    if (old_.compare(0, 3, "\xEF\xBB\xBF") == 0) old_next_ = 3;
    old_next_ = old_row_end(old_next_);  // past the heading, which the same options and columns write again
  }
  std::error_code ec;
  std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  if (ec) return Status::io_error(path_ + ": cannot create the folder (" + ec.message() + ")");
  temp_path_ = sdk::temp_path_beside(path_);
  out_.open(temp_path_, std::ios::binary | std::ios::trunc);
  if (!out_) return Status::io_error(temp_path_ + ": cannot write the file");
  return write_header();
}

Status CsvExporter::write_header() {
  if (bom_) out_ << "\xEF\xBB\xBF";
  out_ << "person_id";
  for (const auto& c : columns_) {
    const sdk::FieldInfo* f = sdk::find_field(c);
    out_ << delimiter_ << format_cell(vietnamese_headings_ && f ? f->label_vi : c, delimiter_);
  }
  out_ << "\r\n";
  return Status::ok();
}

// Where the row starting at `row_start` ends (past its CRLF): at the first line feed outside
// quotes (a quoted cell may hold line breaks; its quotes come in pairs).
std::size_t CsvExporter::old_row_end(std::size_t row_start) const {
  std::size_t quotes = 0, from = row_start;
  while (from < old_.size()) {
    const char* nl = static_cast<const char*>(std::memchr(old_.data() + from, '\n', old_.size() - from));
    const std::size_t end = nl ? static_cast<std::size_t>(nl - old_.data()) + 1 : old_.size();
    quotes += static_cast<std::size_t>(std::count(old_.data() + from, old_.data() + end, '"'));
    from = end;
    if (quotes % 2 == 0) break;
  }
  return from;
}

// The person id in a row's first cell (ids are written plain: no quotes, no delimiter).
std::string_view CsvExporter::old_row_id(std::size_t row_start, std::size_t row_end) const {
  std::string_view row(old_.data() + row_start, row_end - row_start);
  const char stops[] = {delimiter_, '\r', '\n'};
  return row.substr(0, row.find_first_of(std::string_view(stops, 3)));
}

Status CsvExporter::next_in_order(const std::string& person_id) {
  // The merge with the old rows needs the host's order (SDK: person-id order, each person once).
  if (!last_id_.empty() && person_id <= last_id_)
    return Status::internal("the host sent " + person_id + " after " + last_id_ + ": a patch needs persons in id order");
  last_id_ = person_id;
  return Status::ok();
}

bool CsvExporter::copy_old_rows_before(std::string_view person_id) {
  const std::size_t from = old_next_;
  while (old_next_ < old_.size()) {
    const std::size_t end = old_row_end(old_next_);
    const std::string_view id = old_row_id(old_next_, end);
    if (id >= person_id) {
      if (id == person_id) {
        out_.write(old_.data() + from, static_cast<std::streamsize>(old_next_ - from));
        old_next_ = end;
        return true;
      }
      break;
    }
    old_next_ = end;
  }
  out_.write(old_.data() + from, static_cast<std::streamsize>(old_next_ - from));
  return false;
}

Status CsvExporter::remove(const std::string& person_id) {
  if (!patching_) return Status::internal("remove() without a patch under way");
  if (Status st = next_in_order(person_id); !st) return st;
  if (ctx_->dry_run()) {
    ++removed_;
    return Status::ok();
  }
  if (copy_old_rows_before(person_id)) ++removed_;
  if (!out_) return Status::io_error(temp_path_ + ": writing failed (disk full?)");
  return Status::ok();
}

Status CsvExporter::write(const sdk::PersonRecord& person) {
  if (patching_)
    if (Status st = next_in_order(person.person_id); !st) return st;
  ++written_;
  if (ctx_->dry_run()) return Status::ok();
  if (patching_) copy_old_rows_before(person.person_id);
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
  result.removed = removed_;
  result.target = path_;
  if (ctx_->dry_run()) return Status::ok();
  std::error_code ec;
  if (patching_ && written_ == 0 && removed_ == 0) {
    // No row replaced or removed: the last export is what this one would write, and stays.
    out_.close();
    std::filesystem::remove(temp_path_, ec);
    std::string().swap(old_);
    result.state = state_of(old_fingerprint_);
    return Status::ok();
  }
  if (patching_) {
    out_.write(old_.data() + old_next_, static_cast<std::streamsize>(old_.size() - old_next_));
    std::string().swap(old_);
  }
  out_.flush();
  bool ok = static_cast<bool>(out_);
  out_.close();
  if (!ok) {
    std::filesystem::remove(temp_path_, ec);
    return Status::io_error(temp_path_ + ": writing failed (disk full?)");
  }
  // Fingerprinted before it replaces the last export: a file changed after this point is not
  // this one, and the next run writes it whole.
  auto written = sdk::fingerprint_file(temp_path_, kFileSalt);
  if (auto replaced = sdk::replace_file(temp_path_, path_); !replaced) return replaced;
  if (written) result.state = state_of(*written);
  return Status::ok();
}

}  // namespace hopnhat_csv
