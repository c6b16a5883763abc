#include "layout.hpp"

#include <stdexcept>

#include <array>
#include <algorithm>
#include <set>

#include "hopnhat/sdk/fields.hpp"

namespace hopnhat_reports {

namespace sdk = hopnhat::sdk;

std::string Placeholders::apply(const std::string& text) const {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{') {
      std::size_t close = text.find('}', i);
      if (close != std::string::npos) {
        auto it = values.find(text.substr(i + 1, close - i - 1));
        if (it != values.end()) {
          out += it->second;
          i = close;
          continue;
        }
      }
    }
    out += text[i];
  }
  return out;
}

namespace {

double default_width(const ValueSpec& v) {
  if (v.kind == ValueSpec::Kind::kComputed && v.name == "stt") return 6;
  if (v.kind == ValueSpec::Kind::kAggregate) return v.name == "key" ? 32 : 12;
  if (v.kind == ValueSpec::Kind::kField) {
    const sdk::FieldInfo* f = sdk::find_field(v.name);
    if (f && (f->type == sdk::FieldType::kName || f->type == sdk::FieldType::kText)) return 26;
  }
  return 13;
}

// Title lines, headings; returns the first row of the body.
int lay_out_head(const Form& form, Sheet& s, const Placeholders& ph) {
  const int ncols = static_cast<int>(form.columns.size());
  s.landscape = form.landscape;
  for (const auto& c : form.columns) s.widths.push_back(c.width > 0 ? c.width : default_width(c.value));
  int row = 0;
  const int half = std::max(1, ncols / 2);
  std::size_t top = std::max(form.top_left.size(), form.top_right.size());
  for (std::size_t i = 0; i < top; ++i, ++row) {
    if (i < form.top_left.size()) {
      s.at(row, 0) = {ph.apply(form.top_left[i]), std::nullopt, 0, 0, 0, Role::kTopLine};
      if (half > 1) s.merges.push_back({row, 0, row, half - 1});
    }
    if (i < form.top_right.size() && ncols > 1) {
      s.at(row, half) = {ph.apply(form.top_right[i]), std::nullopt, 0, 0, 0, Role::kTopLine};
      if (ncols - 1 > half) s.merges.push_back({row, half, row, ncols - 1});
    }
  }
  if (top) ++row;
  auto full_line = [&](const std::string& text, Role role) {
    s.at(row, 0) = {ph.apply(text), std::nullopt, 0, 0, 0, role};
    if (ncols > 1) s.merges.push_back({row, 0, row, ncols - 1});
    ++row;
  };
  full_line(form.title, Role::kTitle);
  for (const auto& line : form.subtitle) full_line(line, Role::kSubtitle);
  ++row;
  // Header rows: cells placed left to right, skipping places covered by a cell above.
  std::vector<std::vector<HeaderCell>> header = form.header_rows;
  if (header.empty()) {
    header.emplace_back();
    for (const auto& c : form.columns) header.back().push_back({c.heading, 1, 1});
  }
  const int head_first = row;
  std::set<std::pair<int, int>> covered;
  for (std::size_t r = 0; r < header.size(); ++r, ++row) {
    int col = 0;
    for (const auto& h : header[r]) {
      while (covered.count({row, col})) ++col;
      for (int rr = 0; rr < h.rows; ++rr)
        for (int cc = 0; cc < h.cols; ++cc) {
          covered.insert({row + rr, col + cc});
          s.at(row + rr, col + cc).role = Role::kHeader;
        }
      s.at(row, col).text = ph.apply(h.text);
      if (h.rows > 1 || h.cols > 1) s.merges.push_back({row, col, row + h.rows - 1, col + h.cols - 1});
      col += h.cols;
    }
    for (int c = 0; c < ncols; ++c) s.at(row, c).role = Role::kHeader;
  }
  (void)head_first;
  if (form.number_row) {
    for (int c = 0; c < ncols; ++c) s.at(row, c) = {"(" + std::to_string(c + 1) + ")", std::nullopt, 0, 0, 0, Role::kHeader};
    ++row;
  }
  s.freeze_rows = row;
  for (const auto& c : form.columns) s.csv_heading.push_back(c.heading);
  return row;
}

void lay_out_foot(const Form& form, Sheet& s, int row, const Placeholders& ph) {
  const int ncols = static_cast<int>(form.columns.size());
  s.body_end = row;
  if (!form.notes.empty()) ++row;
  for (const auto& n : form.notes) {
    s.at(row, 0) = {ph.apply(n), std::nullopt, 0, 0, 0, Role::kNote};
    if (ncols > 1) s.merges.push_back({row, 0, row, ncols - 1});
    ++row;
  }
  if (form.signatures.empty()) return;
  row += 1;
  const int n = static_cast<int>(form.signatures.size());
  for (int i = 0; i < n; ++i) {
    int first = i * ncols / n, last = std::max(first, (i + 1) * ncols / n - 1);
    const Signature& sig = form.signatures[static_cast<std::size_t>(i)];
    int r = row;
    for (const auto& [text, role] : {std::pair{sig.title, Role::kSignature}, std::pair{sig.note, Role::kSubtitle},
                                     std::pair{std::string(), Role::kEmpty}, std::pair{std::string(), Role::kEmpty},
                                     std::pair{sig.name, Role::kSignature}}) {
      if (!text.empty()) {
        s.at(r, first) = {ph.apply(text), std::nullopt, 0, 0, 0, role};
        if (last > first) s.merges.push_back({r, first, r, last});
      }
      ++r;
    }
  }
}

bool is_stt(const Column& c) { return c.value.kind == ValueSpec::Kind::kComputed && c.value.name == "stt"; }

// A subtotal or total row: the label over the leading text columns, sums under total columns.
int total_row(const Form& form, Sheet& s, int row, const std::string& label, const std::vector<double>& sums, Role text_role,
              Role number_role) {
  const int ncols = static_cast<int>(form.columns.size());
  int label_end = 0;
  while (label_end < ncols && !form.columns[static_cast<std::size_t>(label_end)].total) ++label_end;
  for (int c = 0; c < ncols; ++c) {
    const Column& col = form.columns[static_cast<std::size_t>(c)];
    Cell& cell = s.at(row, c);
    cell.role = text_role;
    if (col.total) {
      cell.number = sums[static_cast<std::size_t>(c)];
      cell.text = number_text(sums[static_cast<std::size_t>(c)]);
      cell.role = number_role;
    }
  }
  s.at(row, 0).text = label;
  if (label_end > 1) s.merges.push_back({row, 0, row, label_end - 1});
  return row + 1;
}

}  // namespace

Sheet lay_out_persons(const Form& form, std::vector<PersonRow> rows, const Placeholders& ph) {
  std::stable_sort(rows.begin(), rows.end(), [&](const PersonRow& a, const PersonRow& b) {
    if (a.group_key != b.group_key) return a.group_key < b.group_key;
    for (std::size_t i = 0; i < a.sort.size(); ++i) {
      bool desc = a.sort[i].descending;
      if (a.sort[i] < b.sort[i]) return !desc;
      if (b.sort[i] < a.sort[i]) return desc;
    }
    return a.person_id < b.person_id;
  });
  Sheet s;
  s.name = form.sheet;
  int row = lay_out_head(form, s, ph);
  s.body_first = row;
  const std::size_t ncols = form.columns.size();
  std::vector<double> total(ncols, 0.0), sub(ncols, 0.0);
  auto add = [](std::vector<double>& sums, const PersonRow& p, const Form& f) {
    for (std::size_t c = 0; c < sums.size(); ++c)
      if (f.columns[c].total) sums[c] += p.cells[c].number ? *p.cells[c].number : (p.cells[c].text.empty() ? 0 : 1);
  };
  const bool grouped = form.group_by.has_value() || form.group_by_source;
  int stt = 0, group_no = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    PersonRow& p = rows[i];
    if (grouped && (i == 0 || p.group_key != rows[i - 1].group_key)) {
      ++group_no;
      Placeholders gp = ph;
      gp.values["key"] = p.group.empty() ? "(không ghi)" : p.group;
      gp.values["roman"] = roman(group_no);
      gp.values["n"] = std::to_string(group_no);
      for (std::size_t c = 0; c < ncols; ++c) s.at(row, static_cast<int>(c)).role = Role::kGroup;
      s.at(row, 0).text = gp.apply(form.group_label);
      if (ncols > 1) s.merges.push_back({row, 0, row, static_cast<int>(ncols) - 1});
      ++row;
      std::fill(sub.begin(), sub.end(), 0.0);
    }
    ++stt;
    for (std::size_t c = 0; c < ncols; ++c) {
      Cell cell = p.cells[c];
      if (is_stt(form.columns[c])) {
        cell.number = stt;
        cell.text = std::to_string(stt);
        cell.role = Role::kNumber;
      }
      s.at(row, static_cast<int>(c)) = cell;
    }
    ++row;
    add(sub, p, form);
    add(total, p, form);
    bool group_ends = grouped && (i + 1 == rows.size() || rows[i + 1].group_key != p.group_key);
    if (group_ends && form.subtotals) row = total_row(form, s, row, "Cộng", sub, Role::kTotal, Role::kTotalNumber);
  }
  if (form.total) row = total_row(form, s, row, form.total_label, total, Role::kTotal, Role::kTotalNumber);
  lay_out_foot(form, s, row, ph);
  return s;
}

void fill_differences(const Form& form, GroupRow& row) {
  auto column = [&](const std::string& id) {
    for (std::size_t c = 0; c < form.columns.size(); ++c)
      if (form.columns[c].id == id) return c;
    throw std::logic_error("no column " + id);  // parse_form checks every id a difference names
  };
  for (std::size_t c = 0; c < form.columns.size(); ++c) {
    const ValueSpec& v = form.columns[c].value;
    if (v.name == "difference") row.values[c] = row.values[column(v.of[0])] - row.values[column(v.of[1])];
  }
}

Sheet lay_out_groups(const Form& form, std::vector<GroupRow> rows, const Placeholders& ph) {
  std::stable_sort(rows.begin(), rows.end(), [&](const GroupRow& a, const GroupRow& b) {
    for (const auto& key : form.sort) {
      if (key.value.kind != ValueSpec::Kind::kAggregate || key.value.name == "key") {
        if (a.key != b.key) return key.descending ? b.key < a.key : a.key < b.key;
        continue;
      }
      for (std::size_t c = 0; c < form.columns.size(); ++c)
        if (form.columns[c].value.name == key.value.name && form.columns[c].value.conflict_kind == key.value.conflict_kind &&
            a.values[c] != b.values[c])
          return key.descending ? a.values[c] > b.values[c] : a.values[c] < b.values[c];
    }
    return a.key < b.key;
  });
  Sheet s;
  s.name = form.sheet;
  int row = lay_out_head(form, s, ph);
  s.body_first = row;
  const std::size_t ncols = form.columns.size();
  std::vector<double> total(ncols, 0.0);
  int stt = 0;
  auto put = [&](const GroupRow& g, bool child) {
    for (std::size_t c = 0; c < ncols; ++c) {
      const ValueSpec& v = form.columns[c].value;
      Cell cell;
      if (v.name == "key") cell = {g.label, std::nullopt, 0, 0, 0, Role::kText};
      else if (v.name == "code" || v.name == "predecessors") {
        auto it = g.texts.find(c);
        cell = {it == g.texts.end() ? "" : it->second, std::nullopt, 0, 0, 0, Role::kText};
      } else if (v.name == "stt" && child) {
        cell = {"", std::nullopt, 0, 0, 0, Role::kText};
      } else {
        double x = v.name == "stt" ? stt : g.values[c];
        cell = {number_text(x), x, 0, 0, 0, Role::kNumber};
        if (form.columns[c].total && !child) total[c] += x;
      }
      s.at(row, static_cast<int>(c)) = cell;
    }
    ++row;
  };
  for (const auto& g : rows) {
    ++stt;
    put(g, false);
    for (const auto& child : g.children) put(child, true);
  }
  if (form.total) row = total_row(form, s, row, form.total_label, total, Role::kTotal, Role::kTotalNumber);
  lay_out_foot(form, s, row, ph);
  return s;
}

std::vector<Sheet> lay_out_per_person(const Form& form, const std::vector<sdk::PersonRecord>& persons,
                                      const std::vector<std::string>& sheet_names, const Evaluator& eval,
                                      const Placeholders& ph) {
  std::vector<Sheet> out;
  for (std::size_t i = 0; i < persons.size(); ++i) {
    const sdk::PersonRecord& p = persons[i];
    Sheet s;
    s.name = sheet_names[i];
    s.widths = {30, 22, 22, 22};
    int row = 0;
    auto full = [&](const std::string& text, Role role) {
      s.at(row, 0) = {ph.apply(text), std::nullopt, 0, 0, 0, role};
      s.merges.push_back({row, 0, row, 3});
      ++row;
    };
    for (const auto& l : form.top_left) full(l, Role::kTopLine);
    full(form.title, Role::kTitle);
    for (const auto& l : form.subtitle) full(l, Role::kSubtitle);
    ++row;
    for (const auto& line : form.lines) {
      s.at(row, 0) = {line.label, std::nullopt, 0, 0, 0, Role::kLabel};
      Cell value = eval.cell(line.value, p);
      Cell shown{value.text, std::nullopt, 0, 0, 0, value.text.empty() ? Role::kEmpty : Role::kPlain};
      s.at(row, 1) = shown;
      s.merges.push_back({row, 1, row, 3});
      ++row;
    }
    // The timeline's postings and grades, oldest first, as the standard CV form (mẫu 2C-BNV/2008)
    // summarises them: from, to, and what held over that time.
    auto timeline_table = [&](const std::string& title, const char* kind, std::array<const char*, 4> heads,
                              std::array<const char*, 2> fields) {
      if (title.empty()) return;
      ++row;
      s.at(row, 0) = {title, std::nullopt, 0, 0, 0, Role::kLabel};
      ++row;
      for (int c = 0; c < 4; ++c) s.at(row, c) = {heads[static_cast<std::size_t>(c)], std::nullopt, 0, 0, 0, Role::kHeader};
      ++row;
      auto day = [](const std::string& iso) {
        Date d = Date::parse(iso);
        return d.year ? d.shown() : iso;
      };
      bool any = false;
      for (const auto& t : p.timeline) {
        if (t.kind != kind) continue;
        any = true;
        auto at = [&](const char* f) { auto it = t.fields.find(f); return it == t.fields.end() ? std::string() : it->second; };
        s.at(row, 0) = {t.from.empty() ? "(không rõ)" : day(t.from), std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 1) = {t.to.empty() ? "nay" : day(t.to), std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 2) = {at(fields[0]), std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 3) = {at(fields[1]), std::nullopt, 0, 0, 0, Role::kText};
        ++row;
      }
      if (!any) {
        s.at(row, 0) = {"(nguồn chưa ghi)", std::nullopt, 0, 0, 0, Role::kText};
        for (int c = 1; c < 4; ++c) s.at(row, c).role = Role::kText;
        s.merges.push_back({row, 0, row, 3});
        ++row;
      }
    };
    timeline_table(form.postings_title, "posting", {"Từ ngày", "Đến ngày", "Đơn vị", "Chức vụ"}, {"unit", "position"});
    timeline_table(form.grades_title, "grade", {"Từ ngày", "Đến ngày", "Mã ngạch", "Bậc lương"}, {"grade_code", "salary_step"});
    if (!form.history_title.empty()) {
      ++row;
      s.at(row, 0) = {form.history_title, std::nullopt, 0, 0, 0, Role::kLabel};
      ++row;
      const char* heads[] = {"Thời gian", "Thông tin", "Trước đó", "Thay đổi thành"};
      for (int c = 0; c < 4; ++c) s.at(row, c) = {heads[c], std::nullopt, 0, 0, 0, Role::kHeader};
      ++row;
      for (const auto& h : p.history) {
        const sdk::FieldInfo* f = sdk::find_field(h.field);
        Date d = Date::parse(h.date.substr(0, 10));
        bool is_date = f && f->type == sdk::FieldType::kDate;
        auto shown = [&](const std::string& v) { return is_date && Date::parse(v).year ? Date::parse(v).shown() : v; };
        s.at(row, 0) = {d.year ? d.shown() : h.date, std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 1) = {f ? std::string(f->label_vi) : h.field, std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 2) = {shown(h.old_value), std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 3) = {shown(h.new_value), std::nullopt, 0, 0, 0, Role::kText};
        ++row;
      }
      if (p.history.empty()) {
        s.at(row, 0) = {"(chưa có thay đổi)", std::nullopt, 0, 0, 0, Role::kText};
        for (int c = 1; c < 4; ++c) s.at(row, c).role = Role::kText;
        s.merges.push_back({row, 0, row, 3});
        ++row;
      }
    }
    if (!form.sources_title.empty()) {
      ++row;
      s.at(row, 0) = {form.sources_title, std::nullopt, 0, 0, 0, Role::kLabel};
      ++row;
      const char* heads[] = {"Nguồn", "Mã hồ sơ", "Trạng thái", ""};
      for (int c = 0; c < 3; ++c) s.at(row, c) = {heads[c], std::nullopt, 0, 0, 0, Role::kHeader};
      ++row;
      for (const auto& r : p.records) {
        s.at(row, 0) = {r.source, std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 1) = {r.record_id, std::nullopt, 0, 0, 0, Role::kText};
        s.at(row, 2) = {r.status == "review" ? "chờ duyệt" : "đã ghép", std::nullopt, 0, 0, 0, Role::kText};
        ++row;
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hopnhat_reports
