// History sheets of the spreadsheet importer (option "history", SDK ABI 4): a sheet of dated
// rows keyed by the record id — in the same workbook or another — whose rows become the history
// of the record with that id (sdk::HistoryTable finds the columns). One thread at a time.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "readers.hpp"

namespace hopnhat_sheet {

struct HistorySheet {
  std::string path;  // resolved
  SheetChoice sheet;
  std::optional<std::size_t> header_row;  // default: the first row with text
  std::string kind, id_heading;
  std::map<std::string, std::string> columns;  // from, to, unit, … → heading
};

/// Reads the option "history" into `sheets`. Fails naming the option ("option 'history[0].kind'").
hopnhat::sdk::Status read_history_options(hopnhat::sdk::OptionReader& opt, const hopnhat::sdk::Context& ctx,
                                          const std::string& default_id_heading, std::vector<HistorySheet>& sheets);

/// Reads one history sheet into `by_id` (record id → rows, in sheet order). Rows with text but
/// no record id are skipped with a warning naming the row.
hopnhat::sdk::Status read_history_sheet(const HistorySheet& sheet, const ReadLimits& limits, hopnhat::sdk::Context& ctx,
                                        std::map<std::string, std::vector<hopnhat::sdk::HistoryRow>>& by_id);

}  // namespace hopnhat_sheet
