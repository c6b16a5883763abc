#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "csv_format.hpp"
#include "csv_plugin.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"

namespace hopnhat_csv {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

Status CsvImporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("csv", options_json);
  std::string path = opt.required_string("path");
  id_column_ = opt.string("id").value_or("");
  fields_ = opt.string_map("fields");
  for (const auto& [field, heading] : fields_) {
    if (!sdk::find_field(field)) opt.fail("fields." + field, "\"" + field + "\" is not a canonical field (the canonical fields are listed in docs/plugin-guide.md)");
    if (heading.empty()) opt.fail("fields." + field, "the column heading must not be empty");
  }
  if (auto enc = opt.string("encoding")) {
    auto parsed = sdk::parse_encoding(*enc);
    if (!parsed) opt.fail("encoding", "expected auto, utf-8, utf-16, windows-1258, tcvn3 or vni, got \"" + *enc + "\"");
    else encoding_ = *parsed;
  }
  if (auto d = opt.string("delimiter")) {
    if (*d == "auto") delimiter_ = 0;
    else if (d->size() == 1 && std::string(",;\t|").find((*d)[0]) != std::string::npos) delimiter_ = (*d)[0];
    else opt.fail("delimiter", "expected auto, \",\", \";\", \"\\t\" or \"|\", got \"" + *d + "\"");
  }
  history_.clear();
  const Status history = read_history_options(opt, ctx, id_column_, history_);
  Status st = opt.status();  // the top level's problems first, then the history files'
  if (!st) return st;
  if (!history) return history;
  path_ = sdk::resolve_path(ctx, path);
  display_name_ = path_;
  // Bump kReading when a change to this file would read the same bytes into other records.
  constexpr const char* kReading = "hopnhat_csv reading 1";
  salt_ = std::string(kReading) + '\n' + sdk::kVersion + '\n' + path_ + '\n' + options_json;
  return Status::ok();
}

Status CsvImporter::check() {
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec)) return Status::io_error(display_name_ + ": the file does not exist");
  if (std::filesystem::is_directory(path_, ec)) return Status::io_error(display_name_ + ": is a folder, not a CSV file");
  std::ifstream in(path_, std::ios::binary);
  if (!in) return Status::io_error(display_name_ + ": the file cannot be opened for reading");
  return Status::ok();
}

Status CsvImporter::read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) {
  Status st = check();
  if (!st) return st;
  std::string bytes;
  {
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (!in) return Status::io_error(display_name_ + ": the file cannot be opened for reading");
    bytes.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) return Status::io_error(display_name_ + ": reading the file failed");
  }
  std::string print = "file " + sdk::fingerprint(bytes, salt_);
  std::map<std::string, std::vector<sdk::HistoryRow>> history;  // record id → rows
  for (const HistoryFile& h : history_) {
    std::string digest;
    st = read_history_file(h, *ctx_, salt_, history, digest);
    if (!st) return st;
    print += " history " + digest;  // a changed history file is a changed source
  }
  if (request.state == print) {
    ctx_->log(sdk::LogLevel::kInfo, display_name_ + ": unchanged since the last run; not read again");
    result.full_snapshot = false;
    result.state = print;
    return Status::ok();
  }

  std::string text;
  sdk::DecodeReport decoded;
  // Taken, not copied, when the file is UTF-8 in NFC; left as it was when line_of needs it below.
  st = sdk::decode_owned(std::move(bytes), encoding_, text, decoded);
  auto line_of = [&](std::size_t offset) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < offset && i < bytes.size(); ++i) line += bytes[i] == '\n';
    return line;
  };
  if (!st) return Status::invalid_input(display_name_ + ": line " + std::to_string(line_of(decoded.first_replaced)) + ": " + st.message());
  // A guess is reported with its evidence (the host puts warnings in the run report).
  if (encoding_ == sdk::Encoding::kAuto)
    ctx_->log(decoded.guessed ? sdk::LogLevel::kWarning : sdk::LogLevel::kDebug,
              display_name_ + ": read as " + decoded.evidence);
  if (decoded.replaced > 0)
    ctx_->log(sdk::LogLevel::kWarning, display_name_ + ": " + std::to_string(decoded.replaced) +
                                           " byte(s) are not valid UTF-8 (the first on line " +
                                           std::to_string(line_of(decoded.first_replaced)) +
                                           "); the rows holding them are rejected, the rest is read as UTF-8");
  const bool reject_replaced = decoded.replaced > 0;

  bytes = std::string();  // the decoded text is all that is read from here on
  char delim = delimiter_ ? delimiter_ : detect_delimiter(text);
  // Rows are read one at a time and handed over at once, so the host stores the first records
  // while the rest of the file is still unread.
  RowReader reader(text, delim);
  auto blank = [](const Row& r) {
    for (const auto& c : r.cells)
      if (c.find_first_not_of(" \t") != std::string::npos) return false;
    return true;
  };
  // The header is the first row with any text in it.
  Row header;
  for (bool got = true;;) {
    st = reader.next(header, got);
    if (!st) return Status::invalid_input(display_name_ + ": " + st.message());
    if (!got) return Status::invalid_input(display_name_ + ": the file has no header row");
    if (!blank(header)) break;
  }
  std::vector<std::string> headings;
  for (const auto& c : header.cells) headings.push_back(c);
  for (std::size_t c = 0; c < headings.size(); ++c) {
    // A control character (a NUL byte from a broken export) would keep the heading from naming
    // its field, and the column would be read as an unmapped attribute: removed, and reported.
    std::string& h = headings[c];
    const std::size_t before = h.size();
    h.erase(std::remove_if(h.begin(), h.end(), [](char ch) { return static_cast<unsigned char>(ch) < 0x20 && ch != '\t'; }), h.end());
    if (h.size() != before)
      ctx_->log(sdk::LogLevel::kWarning, display_name_ + ": the heading of column " + sdk::column_letter(c) + " held " +
                                             std::to_string(before - h.size()) + " control character(s) (a NUL byte?); read as \"" +
                                             h.substr(0, 80) + "\"");
    if (h.find_first_not_of(" \t") == std::string::npos) h = "column " + sdk::column_letter(c);
  }

  // Map columns: explicit fields first, then the built-in aliases.
  auto find_heading = [&](const std::string& wanted) -> long {
    std::string key = sdk::fold(wanted);
    for (std::size_t c = 0; c < headings.size(); ++c)
      if (sdk::fold(headings[c]) == key) return static_cast<long>(c);
    return -1;
  };
  auto list_headings = [&] {  // bounded: a file without line ends makes its first "heading" the whole file
    std::string s;
    for (std::size_t c = 0; c < headings.size() && c < 30; ++c) {
      std::string h = headings[c];
      if (h.size() > 60) {
        std::size_t end = 60;
        while (end > 0 && (static_cast<unsigned char>(h[end]) & 0xC0) == 0x80) --end;  // not half a character
        h = h.substr(0, end) + "…";
      }
      s += (s.empty() ? "\"" : ", \"") + h + "\"";
    }
    if (headings.size() > 30) s += ", … (" + std::to_string(headings.size()) + " in all)";
    return s;
  };
  std::vector<std::string> field_of(headings.size());
  std::set<std::string> mapped;
  for (const auto& [field, heading] : fields_) {
    long c = find_heading(heading);
    if (c < 0)
      return Status::invalid_input(display_name_ + ": option fields." + field + " names the column \"" + heading +
                                   "\", which is not in the header (line " + std::to_string(header.line) + ": " +
                                   list_headings() + ")");
    field_of[static_cast<std::size_t>(c)] = field;
    mapped.insert(field);
  }
  for (std::size_t c = 0; c < headings.size(); ++c) {
    if (!field_of[c].empty()) continue;
    auto f = sdk::canonical_field_for_heading(headings[c]);
    if (f && !mapped.count(*f)) {
      field_of[c] = *f;
      mapped.insert(*f);
    }
  }
  long id_col = -1;
  if (!id_column_.empty()) {
    id_col = find_heading(id_column_);
    if (id_col < 0)
      return Status::invalid_input(display_name_ + ": option id names the column \"" + id_column_ +
                                   "\", which is not in the header (" + list_headings() + ")");
  } else {
    ctx_->log(sdk::LogLevel::kWarning, display_name_ + ": no id option; the line number is used as the record id, "
                                                        "so inserting a row changes the ids of the rows below it");
  }

  const std::string file_name = std::filesystem::path(path_).filename().string();
  Row row;
  for (;;) {
    bool got = false;
    st = reader.next(row, got);
    if (!st) return Status::invalid_input(display_name_ + ": " + st.message());
    if (!got) break;
    if (blank(row)) continue;
    std::string origin = file_name + " line " + std::to_string(row.line);
    if (row.cells.size() > headings.size()) {
      bool extra = false;
      for (std::size_t c = headings.size(); c < row.cells.size(); ++c)
        if (row.cells[c].find_first_not_of(" \t") != std::string::npos) extra = true;
      if (extra) {
        sink.reject(origin, "the row has " + std::to_string(row.cells.size()) + " cells but the header has " +
                                std::to_string(headings.size()) + " (column " + sdk::column_letter(headings.size()) +
                                " has text and no heading; check the delimiter and quotes)");
        continue;
      }
    }
    if (reject_replaced) {
      std::size_t bad_cell = row.cells.size();
      for (std::size_t c = 0; c < row.cells.size() && bad_cell == row.cells.size(); ++c)
        if (row.cells[c].find("\xEF\xBF\xBD") != std::string::npos) bad_cell = c;
      if (bad_cell < row.cells.size()) {
        sink.reject(origin, "column " + sdk::column_letter(bad_cell) +
                                (bad_cell < headings.size() ? " (\"" + headings[bad_cell] + "\")" : std::string()) +
                                " holds bytes that are not valid UTF-8 (shown as U+FFFD); correct the file");
        continue;
      }
    }
    sdk::SourceRecord rec;
    rec.origin = origin;
    if (id_col >= 0) {
      rec.id = static_cast<std::size_t>(id_col) < row.cells.size() ? row.cells[static_cast<std::size_t>(id_col)] : "";
      while (!rec.id.empty() && (rec.id.back() == ' ' || rec.id.back() == '\t')) rec.id.pop_back();
      while (!rec.id.empty() && (rec.id.front() == ' ' || rec.id.front() == '\t')) rec.id.erase(rec.id.begin());
      if (rec.id.empty()) {
        sink.reject(origin, "column " + sdk::column_letter(static_cast<std::size_t>(id_col)) + " (\"" + headings[static_cast<std::size_t>(id_col)] +
                                "\") is empty, but it holds the record id");
        continue;
      }
    } else {
      rec.id = std::to_string(row.line);
    }
    for (std::size_t c = 0; c < headings.size(); ++c) {
      // The cells of NFC text are NFC: no delimiter, quote or line end composes with a neighbour.
      std::string value = c < row.cells.size() ? std::move(row.cells[c]) : std::string();
      if (!field_of[c].empty()) {
        if (!value.empty()) rec.fields.emplace(field_of[c], std::move(value));
      } else if (static_cast<long>(c) != id_col) {
        rec.attributes.emplace_back(headings[c], std::move(value));
      }
    }
    if (!history.empty()) {
      auto h = history.find(rec.id);
      if (h != history.end()) {
        rec.history = std::move(h->second);
        history.erase(h);
      }
    }
    if (!sink.emit(std::move(rec))) return Status::cancelled(display_name_ + ": reading stopped by the host");
    if (ctx_->cancelled()) return Status::cancelled(display_name_ + ": reading cancelled");
  }
  if (!history.empty()) {  // rows of no record of this file: said, not dropped unseen
    std::size_t rows = 0;
    for (const auto& [id, list] : history) rows += list.size();
    ctx_->log(sdk::LogLevel::kWarning, display_name_ + ": " + std::to_string(rows) + " history row(s) of " +
                                           std::to_string(history.size()) + " record id(s) that this file does not have (the first at " +
                                           history.begin()->second.front().origin + "); not read");
  }
  result.full_snapshot = true;
  result.state = print;
  return Status::ok();
}

}  // namespace hopnhat_csv
