#include "csv_history.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "csv_format.hpp"
#include "hopnhat/sdk/history.hpp"
#include "hopnhat/sdk/options.hpp"

namespace hopnhat_csv {

namespace sdk = hopnhat::sdk;
using sdk::Status;

Status read_history_options(sdk::OptionReader& opt, const sdk::Context& ctx, const std::string& default_id_heading,
                            std::vector<HistoryFile>& files) {
  const std::vector<std::string> items = opt.object_list("history");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "history[" + std::to_string(i) + "]";
    sdk::OptionReader sub("csv", items[i], at + ".");
    HistoryFile f;
    const std::string path = sub.required_string("path");
    f.kind = sub.required_string("kind");
    if (!f.kind.empty() && !sdk::HistoryTable::known_kind(f.kind))
      sub.fail("kind", "expected posting, grade or party, got \"" + f.kind + "\"");
    f.id_heading = sub.string("id").value_or(default_id_heading);
    if (f.id_heading.empty()) sub.fail("id", "a history file is keyed by the record id: set the importer's \"id\" option (or this one)");
    f.columns = sub.string_map("columns");
    for (const auto& [column, heading] : f.columns)
      if (std::string problem = sdk::HistoryTable::column_problem(f.kind, column, heading); !problem.empty())
        sub.fail("columns." + column, problem);
    if (auto enc = sub.string("encoding")) {
      auto parsed = sdk::parse_encoding(*enc);
      if (!parsed) sub.fail("encoding", "expected auto, utf-8, utf-16, windows-1258, tcvn3 or vni, got \"" + *enc + "\"");
      else f.encoding = *parsed;
    }
    if (auto d = sub.string("delimiter")) {
      if (*d == "auto") f.delimiter = 0;
      else if (d->size() == 1 && std::string(",;\t|").find((*d)[0]) != std::string::npos) f.delimiter = (*d)[0];
      else sub.fail("delimiter", "expected auto, \",\", \";\", \"\\t\" or \"|\", got \"" + *d + "\"");
    }
    if (Status st = sub.status(); !st) return st;
    f.path = sdk::resolve_path(ctx, path);
    files.push_back(std::move(f));
  }
  return Status::ok();
}

Status read_history_file(const HistoryFile& file, sdk::Context& ctx, const std::string& salt,
                         std::map<std::string, std::vector<sdk::HistoryRow>>& by_id, std::string& digest) {
  const std::string name = std::filesystem::path(file.path).filename().string();
  std::string bytes;
  {
    std::ifstream in(file.path, std::ios::binary | std::ios::ate);
    if (!in) return Status::io_error(file.path + ": the history file cannot be opened for reading");
    bytes.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) return Status::io_error(file.path + ": reading the history file failed");
  }
  digest = sdk::fingerprint(bytes, salt);
  std::string text;
  sdk::DecodeReport decoded;
  Status st = sdk::decode(bytes, file.encoding, text, decoded);
  if (!st) return Status::invalid_input(file.path + ": " + st.message());
  if (file.encoding == sdk::Encoding::kAuto)
    ctx.log(decoded.guessed ? sdk::LogLevel::kWarning : sdk::LogLevel::kDebug, file.path + ": read as " + decoded.evidence);
  if (decoded.replaced > 0)
    return Status::invalid_input(file.path + ": " + std::to_string(decoded.replaced) +
                                 " byte(s) are not valid UTF-8 in the encoding given; set the history file's encoding");
  bytes = std::string();
  RowReader reader(text, file.delimiter ? file.delimiter : detect_delimiter(text));
  Row header;
  bool got = false;
  do {
    st = reader.next(header, got);
    if (!st) return Status::invalid_input(file.path + ": " + st.message());
    if (!got) return Status::invalid_input(file.path + ": the history file has no header row");
  } while (header.cells.size() == 1 && header.cells[0].find_first_not_of(" \t") == std::string::npos);

  sdk::HistoryTable table;
  st = sdk::HistoryTable::open(header.cells, file.kind, file.id_heading, file.columns,
                               file.path + ", line " + std::to_string(header.line), table);
  if (!st) return st;

  Row row;
  for (;;) {
    st = reader.next(row, got);
    if (!st) return Status::invalid_input(file.path + ": " + st.message());
    if (!got) break;
    bool blank = true;
    for (const auto& c : row.cells) blank = blank && c.find_first_not_of(" \t") == std::string::npos;
    if (blank) continue;
    const std::string origin = name + " line " + std::to_string(row.line);
    std::string id;
    sdk::HistoryRow h;
    if (!table.row(row.cells, origin, id, h)) {
      ctx.log(sdk::LogLevel::kWarning, origin + ": the history row has no record id (column \"" + file.id_heading + "\"); skipped");
      continue;
    }
    by_id[id].push_back(std::move(h));
  }
  return Status::ok();
}

}  // namespace hopnhat_csv
