// hopnhat SDK — reading a history table: a "quá trình công tác" (Từ ngày / Đến ngày / Đơn vị /
// Chức vụ), a salary history (Mã ngạch / Bậc / Hệ số / Từ ngày) or a party history (Ngày / Sự
// kiện / Chi bộ), one row per period, keyed by the record id — a second file or sheet beside a
// source's main one (docs/plugin-guide.md, "History"). Headings are matched folded (case,
// diacritics and spacing aside) against the built-in Vietnamese and English names; a plugin may
// name others. Dates are left as written: the host reads them.
//
// Thread-safety: a HistoryTable is immutable once opened; row() may be called from any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "hopnhat/sdk/status.hpp"
#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

class HistoryTable {
 public:
  /// The fields a row of `kind` has besides its dates (posting: unit, position; grade:
  /// grade_code, salary_step, salary_coefficient; party: event, cell); the first is required.
  static const std::vector<std::string>& fields_of(const std::string& kind);
  /// Whether `kind` is posting, grade or party.
  static bool known_kind(const std::string& kind);
  /// What is wrong with naming `heading` as the column of `column` in a history of `kind` (a
  /// column the kind does not have, an empty heading), as a sentence; "" when nothing is. For
  /// the `columns` option of a plugin, checked when it is configured.
  static std::string column_problem(const std::string& kind, const std::string& column, const std::string& heading);

  /// Finds the columns in `headings`: the record id under `id_heading`, `from`, `to` and the
  /// kind's fields under `columns` (field → heading) or a built-in heading. Fails with
  /// invalid_input naming `where` ("qtct.xlsx, sheet 2, row 1") when the id column, a heading
  /// `columns` names, or the kind's required column is not there.
  static Status open(const std::vector<std::string>& headings, const std::string& kind, const std::string& id_heading,
                     const std::map<std::string, std::string>& columns, const std::string& where, HistoryTable& out);

  /// The record id of `cells` (trimmed) and its row; `origin` goes into the row. False when the
  /// row has no id (a blank line or a note under the table).
  bool row(const std::vector<std::string>& cells, const std::string& origin, std::string& id, HistoryRow& out) const;

 private:
  std::string kind_;
  std::size_t id_ = 0;
  std::vector<std::pair<std::string, std::size_t>> columns_;  // from, to and the kind's fields → column
};

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
