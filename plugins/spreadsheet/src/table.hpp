// From a sheet's rows to records, for the layouts Vietnamese offices use: title rows above the
// header, a header over two rows (merged cells; "Ngày sinh" split into "Nam" and "Nữ"), a row of
// column numbers under it, section rows ("I. Phòng Nội vụ") and footers ("Người lập biểu").
// One TableBuilder per read.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "hopnhat/sdk/plugin.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_sheet {

struct TableOptions {
  std::string file;  // for origins and messages: "staff.xlsx"
  std::string sheet;
  std::optional<std::size_t> header_row;
  std::string id_column;
  std::map<std::string, std::string> fields;  // canonical field → heading
  hopnhat::sdk::Encoding legacy = hopnhat::sdk::Encoding::kAuto;  // kUtf8: leave cells as they are
};

class TableBuilder {
 public:
  TableBuilder(TableOptions options, hopnhat::sdk::RecordSink& sink);
  /// Takes one row; returns false once the host wants reading to stop.
  bool add_row(std::size_t number, std::vector<std::string>&& cells);
  /// Ends the read: fails when no header was found or the id column is missing.
  hopnhat::sdk::Status finish();

 private:
  void decide_header();
  bool emit(std::size_t number, const std::vector<std::string>& cells);
  std::string cell_text(const std::string& raw) const;

  TableOptions opt_;
  hopnhat::sdk::RecordSink& sink_;
  std::vector<std::pair<std::size_t, std::vector<std::string>>> pending_;  // rows until the header is known
  bool decided_ = false;
  bool in_footer_ = false;
  bool stopped_ = false;
  std::string error_;
  std::size_t header_row_ = 0, skip_until_ = 0;
  std::vector<std::string> headings_;
  std::vector<std::string> field_of_;
  long id_col_ = -1, male_date_col_ = -1, female_date_col_ = -1;
};

}  // namespace hopnhat_sheet
