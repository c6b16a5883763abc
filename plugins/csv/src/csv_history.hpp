// History files of the CSV importer (option "history", SDK ABI 4): a second file of dated rows
// keyed by the record id — a "quá trình công tác" with Từ ngày / Đến ngày / Đơn vị / Chức vụ,
// a salary history with Mã ngạch / Bậc / Hệ số / Từ ngày, a party history with Ngày / Sự kiện /
// Chi bộ — whose rows become the history of the record with that id. Plain data and functions;
// one thread at a time.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/plugin.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_csv {

struct HistoryFile {
  std::string path;        // resolved
  std::string kind;        // posting, grade or party
  std::string id_heading;  // the column holding the record id
  std::map<std::string, std::string> columns;  // from, to, unit, … → heading (the rest by alias)
  hopnhat::sdk::Encoding encoding = hopnhat::sdk::Encoding::kAuto;
  char delimiter = 0;  // 0: detect
};

/// Reads the option "history" (a list of objects) into `files`. Fails naming the option
/// ("option 'history[0].kind': …").
hopnhat::sdk::Status read_history_options(hopnhat::sdk::OptionReader& opt, const hopnhat::sdk::Context& ctx,
                                          const std::string& default_id_heading, std::vector<HistoryFile>& files);

/// Reads one history file into `by_id` (record id → rows, in file order) and its digest into
/// `digest`. A row without an id, or with text past the header, is skipped with a warning that
/// names its line; a file that cannot be read or whose columns are not found fails.
hopnhat::sdk::Status read_history_file(const HistoryFile& file, hopnhat::sdk::Context& ctx, const std::string& salt,
                                       std::map<std::string, std::vector<hopnhat::sdk::HistoryRow>>& by_id,
                                       std::string& digest);

}  // namespace hopnhat_csv
