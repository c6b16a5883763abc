#include "sheet.hpp"

#include <xlsxwriter.h>

#include <fstream>
#include <map>
#include <stdexcept>

namespace hopnhat_reports {

Cell& Sheet::at(int row, int col) {
  if (static_cast<int>(rows.size()) <= row) rows.resize(static_cast<std::size_t>(row) + 1);
  auto& r = rows[static_cast<std::size_t>(row)];
  if (static_cast<int>(r.size()) <= col) r.resize(static_cast<std::size_t>(col) + 1);
  return r[static_cast<std::size_t>(col)];
}

namespace {

class Formats {
 public:
  explicit Formats(lxw_workbook* wb) {
    auto make = [&](Role role, bool bold, bool border, bool center, int size = 0) {
      lxw_format* f = workbook_add_format(wb);
      format_set_font_name(f, "Times New Roman");  // the font of Vietnamese administrative forms
      format_set_font_size(f, size ? size : 12);
      if (bold) format_set_bold(f);
      if (border) format_set_border(f, LXW_BORDER_THIN);
      if (center) format_set_align(f, LXW_ALIGN_CENTER);
      format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
      format_set_text_wrap(f);
      by_role_[role] = f;
      return f;
    };
    make(Role::kEmpty, false, false, false);
    make(Role::kPlain, false, false, false);
    make(Role::kTopLine, true, false, true);
    make(Role::kTitle, true, false, true, 14);
    lxw_format* sub = make(Role::kSubtitle, false, false, true);
    format_set_italic(sub);
    make(Role::kHeader, true, true, true);
    format_set_num_format(make(Role::kText, false, true, false), "@");  // IDs stay text
    format_set_num_format(make(Role::kNumber, false, true, false), "General");
    format_set_num_format(make(Role::kDate, false, true, true), "dd/mm/yyyy");
    make(Role::kGroup, true, true, false);
    make(Role::kGroupNumber, true, true, false);
    make(Role::kTotal, true, true, true);
    make(Role::kTotalNumber, true, true, false);
    make(Role::kLabel, true, false, false);
    make(Role::kSignature, true, false, true);
    lxw_format* note = make(Role::kNote, false, false, false);
    format_set_italic(note);
  }
  lxw_format* operator()(Role r) const { return by_role_.at(r); }

 private:
  std::map<Role, lxw_format*> by_role_;
};

void write_sheet(lxw_workbook* wb, const Formats& fmt, const Sheet& s, const std::string& path) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, s.name.c_str());
  if (!ws) throw std::runtime_error(path + ": \"" + s.name + "\" is not a usable sheet name");
  if (s.landscape) worksheet_set_landscape(ws);
  worksheet_set_paper(ws, 9);  // A4
  worksheet_fit_to_pages(ws, 1, 0);
  for (std::size_t c = 0; c < s.widths.size(); ++c)
    worksheet_set_column(ws, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c), s.widths[c], nullptr);
  if (s.freeze_rows > 0) worksheet_freeze_panes(ws, static_cast<lxw_row_t>(s.freeze_rows), 0);
  std::map<std::pair<int, int>, const Merge*> merge_at;
  for (const auto& m : s.merges) merge_at[{m.first_row, m.first_col}] = &m;
  for (std::size_t r = 0; r < s.rows.size(); ++r) {
    for (std::size_t c = 0; c < s.rows[r].size(); ++c) {
      const Cell& cell = s.rows[r][c];
      auto row = static_cast<lxw_row_t>(r);
      auto col = static_cast<lxw_col_t>(c);
      lxw_format* f = fmt(cell.role);
      auto m = merge_at.find({static_cast<int>(r), static_cast<int>(c)});
      if (m != merge_at.end()) {
        const Merge& g = *m->second;
        worksheet_merge_range(ws, row, col, static_cast<lxw_row_t>(g.last_row), static_cast<lxw_col_t>(g.last_col), "", f);
      }
      if (cell.role == Role::kEmpty) continue;
      if (cell.role == Role::kDate && cell.year > 0) {
        lxw_datetime dt = {cell.year, cell.month, cell.day, 0, 0, 0};
        worksheet_write_datetime(ws, row, col, &dt, f);
      } else if (cell.number) {
        worksheet_write_number(ws, row, col, *cell.number, f);
      } else if (cell.text.empty()) {
        worksheet_write_blank(ws, row, col, f);
      } else {
        worksheet_write_string(ws, row, col, cell.text.c_str(), f);  // text, never a formula
      }
    }
  }
}

std::string csv_field(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos && (v.empty() || (v[0] != '=' && v[0] != '+' && v[0] != '-' && v[0] != '@')))
    return v;
  std::string out = "\"";
  // A leading = + - @ would make a spreadsheet evaluate the cell: quote it and prefix an apostrophe.
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '@' || (v[0] == '-' && v.size() > 1 && !isdigit(static_cast<unsigned char>(v[1])))))
    out += '\'';
  for (char ch : v) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

}  // namespace

void write_xlsx(const std::vector<Sheet>& sheets, const std::string& path) {
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) throw std::runtime_error(path + ": cannot create the workbook");
  try {
    Formats fmt(wb);
    for (const auto& s : sheets) write_sheet(wb, fmt, s, path);
  } catch (...) {
    workbook_close(wb);
    throw;
  }
  lxw_error err = workbook_close(wb);
  if (err != LXW_NO_ERROR) throw std::runtime_error(path + ": writing the workbook failed (" + lxw_strerror(err) + ")");
}

void write_csv(const Sheet& s, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw std::runtime_error(path + ": cannot create the file");
  out << "\xEF\xBB\xBF";
  for (std::size_t c = 0; c < s.csv_heading.size(); ++c) out << (c ? "," : "") << csv_field(s.csv_heading[c]);
  out << "\r\n";
  for (int r = s.body_first; r < s.body_end && r < static_cast<int>(s.rows.size()); ++r) {
    const auto& row = s.rows[static_cast<std::size_t>(r)];
    for (std::size_t c = 0; c < s.csv_heading.size(); ++c) {
      const std::string text = c < row.size() ? row[c].text : "";
      out << (c ? "," : "") << csv_field(text);
    }
    out << "\r\n";
  }
  out.flush();
  if (!out) throw std::runtime_error(path + ": writing failed (disk full?)");
}

}  // namespace hopnhat_reports
