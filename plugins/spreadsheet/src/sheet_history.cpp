#include "sheet_history.hpp"

#include <algorithm>
#include <filesystem>

#include "hopnhat/sdk/history.hpp"

namespace hopnhat_sheet {

namespace sdk = hopnhat::sdk;
using sdk::Status;

namespace {

std::string lower_extension(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

Status read_history_options(sdk::OptionReader& opt, const sdk::Context& ctx, const std::string& default_id_heading,
                            std::vector<HistorySheet>& sheets) {
  const std::vector<std::string> items = opt.object_list("history");
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string at = "history[" + std::to_string(i) + "].";
    sdk::OptionReader sub("spreadsheet", items[i], at);
    HistorySheet h;
    const std::string path = sub.required_string("path");
    h.kind = sub.required_string("kind");
    if (!h.kind.empty() && !sdk::HistoryTable::known_kind(h.kind)) sub.fail("kind", "expected posting, grade or party, got \"" + h.kind + "\"");
    {
      sdk::OptionReader probe("spreadsheet", items[i]);
      if (auto n = probe.integer("sheet")) h.sheet.number = static_cast<int>(*n);
    }
    if (h.sheet.number == 0) h.sheet.name = sub.string("sheet").value_or("");
    else sub.integer("sheet");
    if (auto r = sub.integer("header_row")) {
      if (*r < 1) sub.fail("header_row", "must be 1 or more");
      else h.header_row = static_cast<std::size_t>(*r);
    }
    h.id_heading = sub.string("id").value_or(default_id_heading);
    if (h.id_heading.empty()) sub.fail("id", "a history sheet is keyed by the record id: set the importer's \"id\" option (or this one)");
    h.columns = sub.string_map("columns");
    for (const auto& [column, heading] : h.columns)
      if (std::string problem = sdk::HistoryTable::column_problem(h.kind, column, heading); !problem.empty())
        sub.fail("columns." + column, problem);
    if (Status st = sub.status(); !st) return st;
    h.path = sdk::resolve_path(ctx, path);
    const std::string ext = lower_extension(h.path);
    if (ext != ".xlsx" && ext != ".xlsm" && ext != ".ods" && ext != ".xls")
      return Status::invalid_options("spreadsheet: option '" + at + "path': expected a .xlsx, .ods or .xls file, got \"" + path + "\"");
    sheets.push_back(std::move(h));
  }
  return Status::ok();
}

Status read_history_sheet(const HistorySheet& h, const ReadLimits& limits, sdk::Context& ctx,
                          std::map<std::string, std::vector<sdk::HistoryRow>>& by_id) {
  const std::string file = std::filesystem::path(h.path).filename().string();
  std::optional<sdk::HistoryTable> table;
  std::string sheet_name;
  Status st;
  auto blank = [](const std::vector<std::string>& cells) {
    return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return c.find_first_not_of(" \t") == std::string::npos; });
  };
  auto rows = [&](std::size_t n, std::vector<std::string>&& cells) {
    const std::string where = file + ", sheet " + sheet_name + ", row " + std::to_string(n);
    if (!table) {  // the header: the row asked for, else the first with text
      if (h.header_row ? n < *h.header_row : blank(cells)) return true;
      table.emplace();
      st = sdk::HistoryTable::open(cells, h.kind, h.id_heading, h.columns, where, *table);
      return static_cast<bool>(st);
    }
    if (blank(cells)) return true;
    std::string id;
    sdk::HistoryRow row;
    if (!table->row(cells, where, id, row)) {
      ctx.log(sdk::LogLevel::kWarning, where + ": the history row has no record id (column \"" + h.id_heading + "\"); skipped");
      return true;
    }
    by_id[id].push_back(std::move(row));
    return true;
  };
  sheet_name = h.sheet.name.empty() ? std::to_string(std::max(h.sheet.number, 1)) : h.sheet.name;
  try {
    const std::string ext = lower_extension(h.path);
    if (ext == ".ods") read_ods(h.path, h.sheet, limits, rows);
    else if (ext == ".xls") read_xls(h.path, h.sheet, limits, rows);
    else read_xlsx(h.path, h.sheet, limits, rows);
  } catch (const SheetError& e) {
    return Status::invalid_input(e.what());
  }
  if (!st) return st;
  if (!table) return Status::invalid_input(h.path + ", sheet " + sheet_name + ": the history sheet has no header row");
  return Status::ok();
}

}  // namespace hopnhat_sheet
