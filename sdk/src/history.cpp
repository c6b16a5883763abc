#include "hopnhat/sdk/history.hpp"

#include <algorithm>

#include "hopnhat/sdk/text.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

namespace {

// The headings each column is known by (compared folded).
const std::map<std::string, std::vector<std::string>>& heading_aliases() {
  static const std::map<std::string, std::vector<std::string>> aliases = {
      {"from", {"from", "Từ ngày", "Từ", "Ngày bắt đầu", "Ngày", "Ngày hưởng", "Thời điểm"}},
      {"to", {"to", "Đến ngày", "Đến", "Ngày kết thúc"}},
      {"unit", {"unit", "Đơn vị", "Đơn vị công tác", "Cơ quan", "Cơ quan, đơn vị"}},
      {"position", {"position", "Chức vụ", "Chức danh"}},
      {"grade_code", {"grade_code", "Mã ngạch", "Ngạch"}},
      {"salary_step", {"salary_step", "Bậc", "Bậc lương"}},
      {"salary_coefficient", {"salary_coefficient", "Hệ số", "Hệ số lương"}},
      {"event", {"event", "Sự kiện", "Nội dung"}},
      {"cell", {"cell", "Chi bộ", "Đảng bộ, chi bộ"}},
  };
  return aliases;
}

std::string trimmed(const std::string& v) {
  const auto b = v.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return v.substr(b, v.find_last_not_of(" \t") - b + 1);
}

}  // namespace

const std::vector<std::string>& HistoryTable::fields_of(const std::string& kind) {
  static const std::vector<std::string> posting = {"unit", "position"}, grade = {"grade_code", "salary_step", "salary_coefficient"},
                                        party = {"event", "cell"}, none;
  return kind == "posting" ? posting : kind == "grade" ? grade : kind == "party" ? party : none;
}

bool HistoryTable::known_kind(const std::string& kind) { return !fields_of(kind).empty(); }

std::string HistoryTable::column_problem(const std::string& kind, const std::string& column, const std::string& heading) {
  const auto& mine = fields_of(kind);
  if (column != "from" && column != "to" && std::find(mine.begin(), mine.end(), column) == mine.end())
    return "a " + kind + " row has from, to and the columns of its kind (docs/plugin-guide.md), not \"" + column + "\"";
  if (heading.empty()) return "the column heading must not be empty";
  return "";
}

Status HistoryTable::open(const std::vector<std::string>& headings, const std::string& kind, const std::string& id_heading,
                          const std::map<std::string, std::string>& columns, const std::string& where, HistoryTable& out) {
  if (!known_kind(kind)) return Status::invalid_options(where + ": the history kind \"" + kind + "\" is not posting, grade or party");
  auto find = [&](const std::string& heading) -> long {
    const std::string key = fold(heading);
    for (std::size_t c = 0; c < headings.size(); ++c)
      if (fold(headings[c]) == key) return static_cast<long>(c);
    return -1;
  };
  out = HistoryTable();
  out.kind_ = kind;
  const long id = find(id_heading);
  if (id < 0) return Status::invalid_input(where + ": the id column \"" + id_heading + "\" is not in the header");
  out.id_ = static_cast<std::size_t>(id);
  for (const auto& [column, heading] : columns)
    if (std::string problem = column_problem(kind, column, heading); !problem.empty())
      return Status::invalid_options(where + ": columns." + column + ": " + problem);
  std::vector<std::string> wanted = {"from", "to"};
  for (const auto& f : fields_of(kind)) wanted.push_back(f);
  for (const auto& column : wanted) {
    long at = -1;
    if (auto it = columns.find(column); it != columns.end()) {
      if ((at = find(it->second)) < 0)
        return Status::invalid_input(where + ": the column \"" + it->second + "\" named for " + column + " is not in the header");
    } else {
      for (const auto& alias : heading_aliases().at(column))
        if ((at = find(alias)) >= 0) break;
    }
    if (at >= 0) out.columns_.emplace_back(column, static_cast<std::size_t>(at));
  }
  const std::string& needed = fields_of(kind).front();
  if (std::none_of(out.columns_.begin(), out.columns_.end(), [&](const auto& c) { return c.first == needed; }))
    return Status::invalid_input(where + ": a " + kind + " history needs a column for " + needed + " (e.g. \"" +
                                 heading_aliases().at(needed)[1] + "\"); the header has none");
  return Status::ok();
}

bool HistoryTable::row(const std::vector<std::string>& cells, const std::string& origin, std::string& id, HistoryRow& out) const {
  auto cell = [&](std::size_t c) { return c < cells.size() ? trimmed(cells[c]) : std::string(); };
  id = cell(id_);
  if (id.empty()) return false;
  out = HistoryRow{};
  out.kind = kind_;
  out.origin = origin;
  for (const auto& [column, at] : columns_) {
    std::string v = cell(at);
    if (column == "from") out.from = std::move(v);
    else if (column == "to") out.to = std::move(v);
    else if (!v.empty()) out.fields.emplace(column, std::move(v));
  }
  return true;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
