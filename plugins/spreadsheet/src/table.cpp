#include "table.hpp"

#include <set>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/files.hpp"

namespace hopnhat_sheet {

namespace sdk = hopnhat::sdk;
using sdk::Status;

namespace {

constexpr std::size_t kHeaderSearchRows = 40;

bool blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

std::size_t filled(const std::vector<std::string>& cells) {
  std::size_t n = 0;
  for (const auto& c : cells) n += blank(c) ? 0 : 1;
  return n;
}

// "1, 2, 3 …" or "(1), (2) …" under a header: the columns numbered, not a person.
bool column_number_row(const std::vector<std::string>& cells) {
  int expected = 1, seen = 0;
  for (const auto& c : cells) {
    if (blank(c)) continue;
    std::string t = c;
    if (t.size() >= 2 && t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);
    if (t != std::to_string(expected)) return false;
    ++expected;
    ++seen;
  }
  return seen >= 2;
}

bool footer_row(const std::vector<std::string>& cells) {
  for (const auto& c : cells) {
    if (blank(c)) continue;
    std::string f = sdk::fold(c);
    for (const char* start : {"nguoi lap", "thu truong", "xac nhan", "tong cong", "tong so", "ghi chu:"})
      if (f.rfind(start, 0) == 0) return true;
    return f.find("ngay") != std::string::npos && f.find("thang") != std::string::npos && f.find("nam") != std::string::npos &&
           filled(cells) == 1;
  }
  return false;
}

}  // namespace

TableBuilder::TableBuilder(TableOptions options, sdk::RecordSink& sink) : opt_(std::move(options)), sink_(sink) {}

std::string TableBuilder::cell_text(const std::string& raw) const {
  std::string t = sdk::to_nfc(raw);
  if (opt_.legacy == sdk::Encoding::kUtf8) return t;
  if (auto repaired = sdk::repair_legacy_text(t, opt_.legacy)) return *repaired;
  return t;
}

void TableBuilder::decide_header() {
  decided_ = true;
  auto score = [&](const std::vector<std::string>& cells) {
    int s = 0;
    for (const auto& c : cells) {
      if (blank(c)) continue;
      std::string f = sdk::fold(c);
      if (sdk::canonical_field_for_heading(c)) ++s;
      for (const auto& [field, heading] : opt_.fields)
        if (sdk::fold(heading) == f) s += 2;
      if (!opt_.id_column.empty() && sdk::fold(opt_.id_column) == f) s += 2;
    }
    return s;
  };
  std::size_t best = pending_.size();
  int best_score = 1;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    if (opt_.header_row) {
      if (pending_[i].first == *opt_.header_row) best = i;
      continue;
    }
    int s = score(pending_[i].second);
    if (s > best_score) { best_score = s; best = i; }
  }
  if (best == pending_.size()) {
    error_ = opt_.file + ": sheet \"" + opt_.sheet + "\": " +
             (opt_.header_row ? "row " + std::to_string(*opt_.header_row) + " (option header_row) is empty or missing"
                              : "no row in the first " + std::to_string(kHeaderSearchRows) +
                                    " looks like column headings (set header_row)");
    return;
  }
  header_row_ = pending_[best].first;
  skip_until_ = header_row_;
  std::vector<std::string> head = pending_[best].second;
  for (auto& h : head) h = cell_text(h);
  // A second header row: sub-headings under merged cells, or the Nam / Nữ split of "Ngày sinh".
  if (best + 1 < pending_.size() && pending_[best + 1].first == header_row_ + 1) {
    const auto& sub = pending_[best + 1].second;
    bool continuation = false;
    for (std::size_t c = 0; c + 1 < sub.size(); ++c) {
      if (sdk::fold(sub[c]) == "nam" && (sdk::fold(sub[c + 1]) == "nu")) {
        male_date_col_ = static_cast<long>(c);
        female_date_col_ = static_cast<long>(c + 1);
        continuation = true;
      }
    }
    std::size_t fills = 0, subs = 0;
    for (std::size_t c = 0; c < sub.size(); ++c) {
      if (blank(sub[c])) continue;
      ++subs;
      if (c >= head.size() || blank(head[c]) || sdk::canonical_field_for_heading(sub[c])) ++fills;
    }
    if (subs >= 2 && fills * 2 >= subs && !column_number_row(sub)) continuation = true;
    if (continuation) {
      skip_until_ = header_row_ + 1;
      if (head.size() < sub.size()) head.resize(sub.size());
      for (std::size_t c = 0; c < sub.size(); ++c) {
        if (blank(sub[c]) || static_cast<long>(c) == male_date_col_ || static_cast<long>(c) == female_date_col_) continue;
        std::string s = cell_text(sub[c]);
        if (blank(head[c]) || (!sdk::canonical_field_for_heading(head[c]) && sdk::canonical_field_for_heading(s))) head[c] = s;
        else head[c] += " " + s;
      }
    }
  }
  headings_ = head;
  for (std::size_t c = 0; c < headings_.size(); ++c)
    if (blank(headings_[c])) headings_[c] = "column " + sdk::column_letter(c);
  field_of_.assign(headings_.size(), "");
  std::set<std::string> mapped;
  for (const auto& [field, heading] : opt_.fields) {
    bool found = false;
    for (std::size_t c = 0; c < headings_.size(); ++c)
      if (sdk::fold(headings_[c]) == sdk::fold(heading)) { field_of_[c] = field; mapped.insert(field); found = true; }
    if (!found) {
      error_ = opt_.file + ": sheet \"" + opt_.sheet + "\": option fields." + field + " names the column \"" + heading +
               "\", which is not in the header (row " + std::to_string(header_row_) + ")";
      return;
    }
  }
  if (male_date_col_ >= 0) mapped.insert("birth_date");
  for (std::size_t c = 0; c < headings_.size(); ++c) {
    if (!field_of_[c].empty() || static_cast<long>(c) == male_date_col_ || static_cast<long>(c) == female_date_col_) continue;
    auto f = sdk::canonical_field_for_heading(headings_[c]);
    if (f && !mapped.count(*f)) { field_of_[c] = *f; mapped.insert(*f); }
  }
  if (!opt_.id_column.empty()) {
    for (std::size_t c = 0; c < headings_.size(); ++c)
      if (sdk::fold(headings_[c]) == sdk::fold(opt_.id_column)) id_col_ = static_cast<long>(c);
    if (id_col_ < 0)
      error_ = opt_.file + ": sheet \"" + opt_.sheet + "\": option id names the column \"" + opt_.id_column +
               "\", which is not in the header (row " + std::to_string(header_row_) + ")";
  }
}

bool TableBuilder::add_row(std::size_t number, std::vector<std::string>&& cells) {
  if (stopped_ || !error_.empty()) return false;
  if (!decided_) {
    pending_.emplace_back(number, std::move(cells));
    if (pending_.size() < kHeaderSearchRows && !(opt_.header_row && number > *opt_.header_row + 1)) return true;
    decide_header();
    if (!error_.empty()) return false;
    auto rows = std::move(pending_);
    for (auto& [n, c] : rows)
      if (!emit(n, c)) return false;
    return true;
  }
  return emit(number, cells);
}

bool TableBuilder::emit(std::size_t number, const std::vector<std::string>& cells) {
  if (number <= skip_until_ || in_footer_) return true;
  if (number == skip_until_ + 1 && column_number_row(cells)) return true;
  std::size_t n = filled(cells);
  if (n == 0) return true;
  if (footer_row(cells)) {
    in_footer_ = true;
    return true;
  }
  const std::string origin = opt_.file + " sheet \"" + opt_.sheet + "\" row " + std::to_string(number);
  if (n == 1 && (id_col_ < 0 || static_cast<std::size_t>(id_col_) >= cells.size() || blank(cells[static_cast<std::size_t>(id_col_)])))
    return true;  // a section title such as "I. Phòng Nội vụ", not a person
  if (cells.size() > headings_.size()) {
    for (std::size_t c = headings_.size(); c < cells.size(); ++c)
      if (!blank(cells[c])) {
        sink_.reject(origin, "column " + sdk::column_letter(c) + " has a value but no heading");
        return true;
      }
  }
  sdk::SourceRecord rec;
  rec.origin = origin;
  if (id_col_ >= 0) {
    rec.id = static_cast<std::size_t>(id_col_) < cells.size() ? cell_text(cells[static_cast<std::size_t>(id_col_)]) : "";
    while (!rec.id.empty() && rec.id.back() == ' ') rec.id.pop_back();
    if (blank(rec.id)) {
      sink_.reject(origin, "column " + sdk::column_letter(static_cast<std::size_t>(id_col_)) + " (\"" + headings_[static_cast<std::size_t>(id_col_)] +
                               "\") is empty, but it holds the record id");
      return true;
    }
  } else {
    rec.id = "row " + std::to_string(number);
  }
  for (std::size_t c = 0; c < headings_.size(); ++c) {
    std::string v = c < cells.size() ? cell_text(cells[c]) : std::string();
    if (static_cast<long>(c) == male_date_col_ || static_cast<long>(c) == female_date_col_) {
      if (!blank(v)) {
        rec.fields["birth_date"] = v;
        rec.fields["gender"] = static_cast<long>(c) == male_date_col_ ? "Nam" : "Nữ";
      }
      continue;
    }
    if (!field_of_[c].empty()) {
      if (!blank(v)) rec.fields[field_of_[c]] = v;
    } else if (static_cast<long>(c) != id_col_) {
      rec.attributes.emplace_back(headings_[c], v);
    }
  }
  if (!sink_.emit(std::move(rec))) {
    stopped_ = true;
    return false;
  }
  return true;
}

Status TableBuilder::finish() {
  if (!decided_ && !pending_.empty()) {
    decide_header();
    if (error_.empty()) {
      auto rows = std::move(pending_);
      for (auto& [n, c] : rows)
        if (!emit(n, c)) break;
    }
  }
  if (!decided_) return Status::invalid_input(opt_.file + ": sheet \"" + opt_.sheet + "\" is empty");
  if (!error_.empty()) return Status::invalid_input(error_);
  if (stopped_) return Status::cancelled(opt_.file + ": reading stopped by the host");
  return Status::ok();
}

}  // namespace hopnhat_sheet
