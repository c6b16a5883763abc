#include "report_exporter.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_reports {

namespace sdk = hopnhat::sdk;
using sdk::Status;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FormError(path + ": cannot read the file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A quota file's line split into cells: comma or semicolon, double quotes.
std::vector<std::string> split_csv_line(const std::string& line, char sep) {
  std::vector<std::string> cells(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') cells.back() += '"', ++i;
      else if (ch == '"') quoted = false;
      else cells.back() += ch;
    } else if (ch == '"') quoted = true;
    else if (ch == sep) cells.emplace_back();
    else if (ch != '\r') cells.back() += ch;
  }
  return cells;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

// A sheet name Excel accepts: none of []:*?/\, at most 31 characters, unique in the workbook.
std::string sheet_name(std::string want, std::set<std::string>& used) {
  for (char& ch : want)
    if (std::string("[]:*?/\\").find(ch) != std::string::npos) ch = ' ';
  auto cut = [](const std::string& s, std::size_t chars) {
    std::size_t n = 0, i = 0;
    for (; i < s.size(); ++i)
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && n++ == chars) break;
    return s.substr(0, i);
  };
  want = trim(cut(want, 31));
  if (want.empty()) want = "Sheet";
  std::string name = want;
  for (int n = 2; used.count(sdk::fold(name)); ++n) name = cut(want, 26) + " (" + std::to_string(n) + ")";
  used.insert(sdk::fold(name));
  return name;
}

}  // namespace

Status ReportExporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("reports", options_json);
  std::string form = opt.required_string("form");
  std::string path = opt.required_string("path");
  std::optional<std::string> as_of = opt.string("as_of");
  std::optional<std::string> quota = opt.string("quota");
  structure_option_ = opt.string("structure").value_or("");
  merger_date_option_ = opt.string("merger_date").value_or("");
  std::string agency = opt.string("agency").value_or("");
  for (const auto& id : opt.string_list("persons")) only_persons_.insert(id);
  Status st = opt.status();
  if (!st) return st;
  path_ = sdk::resolve_path(ctx, path);

  Date day;
  if (as_of) {
    day = Date::parse(*as_of);
    if (!day.day) return Status::invalid_options("reports: option 'as_of': expected a date YYYY-MM-DD, got \"" + *as_of + "\"");
  } else {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    day = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
  }
  day_ = day;
  for (const auto& [name, value] : {std::pair{"structure", structure_option_}, std::pair{"merger_date", merger_date_option_}}) {
    if (value.empty() || (std::string(name) == "structure" && (value == "old" || value == "new"))) continue;
    if (!Date::parse(value).day || value.size() != 10)
      return Status::invalid_options(std::string("reports: option '") + name + "': expected " +
                                     (std::string(name) == "structure" ? "old, new or " : "") + "a date YYYY-MM-DD, got \"" + value + "\"");
  }
  try {
    // A name is looked up in forms/ beside the configuration first (an agency's own version),
    // then among the shipped forms; anything with a slash or ending in .json is a path.
    std::string text, shown = form;
    bool is_path = form.find('/') != std::string::npos || (form.size() > 5 && form.substr(form.size() - 5) == ".json");
    std::string local = sdk::resolve_path(ctx, is_path ? form : "forms/" + form + ".json");
    if (is_path || std::filesystem::exists(local)) {
      text = read_file(local);
      shown = local;
    } else {
      for (const auto& [name, json] : shipped_forms())
        if (name == form) text = json;
      if (text.empty()) {
        std::string names;
        for (const auto& [name, json] : shipped_forms()) names += (names.empty() ? "" : ", ") + name;
        return Status::invalid_options("reports: option 'form': no form \"" + form + "\" (shipped: " + names + "; or " + local + ")");
      }
    }
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
      throw FormError("form " + shown + ": not valid JSON (" + e.what() + ")");
    }
    form_ = parse_form(doc, shown);
    if (form_.output == "csv" && std::filesystem::path(path_).extension() == ".xlsx")
      return Status::invalid_options("reports: option 'path': the form writes CSV but the path ends in .xlsx");
    for (const auto& c : form_.columns) uses_quota_ = uses_quota_ || c.value.name == "quota";
    // A form by unit may take its quotas from the units file instead (checked in begin()).
    if (uses_quota_ && !quota && form_.rows != Form::Rows::kUnits)
      return Status::invalid_options("reports: the form " + form + " needs option 'quota' (a CSV of unit, quota)");
    quota_file_ = quota.has_value();
    if (quota) load_quota(sdk::resolve_path(ctx, *quota));
    collator_ = std::make_unique<NameCollator>();
  } catch (const std::exception& e) {
    return Status::invalid_options(std::string("reports: ") + e.what());
  }
  placeholders_.values = {{"as_of", day.shown()}, {"agency", agency}, {"year", std::to_string(day.year)},
                          {"day", std::to_string(day.day)}, {"month", std::to_string(day.month)}};
  return Status::ok();
}

void ReportExporter::load_quota(const std::string& path) {
  std::istringstream in(read_file(path));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (n == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    if (trim(line).empty()) continue;
    char sep = line.find(';') != std::string::npos && line.find(',') == std::string::npos ? ';' : ',';
    auto cells = split_csv_line(line, sep);
    if (cells.size() < 2) throw FormError(path + " line " + std::to_string(n) + ": expected two columns: unit, quota");
    std::string unit = trim(cells[0]), value = trim(cells[1]);
    char* end = nullptr;
    double q = std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0') {
      if (n == 1) continue;  // the heading row
      throw FormError(path + " line " + std::to_string(n) + ", column 2: expected a number, got \"" + value + "\"");
    }
    quota_[sdk::fold(unit)] = {unit, q};
  }
}

Status ReportExporter::begin(const sdk::ExportHeader& header) {
  header_ = header;
  written_ = 0;
  person_rows_.clear();
  groups_.clear();
  cv_persons_.clear();
  unit_rows_.reset();
  units_ = sdk::UnitMap(header.units, header.crosswalk);
  // The dates: the report's (as_of), the structure's, and the merger's (the latest crosswalk
  // edge begun by as_of, unless the options name one).
  const std::string as_of = day_.iso();
  std::string merger = merger_date_option_;
  if (merger.empty())
    for (const auto& e : header.crosswalk)
      if (e.valid_from <= as_of && e.valid_from > merger) merger = e.valid_from;
  bool needs_before = structure_option_ == "old";
  for (const auto& c : form_.columns) needs_before = needs_before || c.value.before || c.value.name == "moved";
  if (needs_before && merger.empty())
    return Status::invalid_options("reports: the form " + form_.name + (structure_option_ == "old" ? " asks for the old structure" : " counts the staff before a merger") +
                                   ", but no crosswalk edge of the units begins by " + as_of + ": set option 'merger_date'");
  const std::string before = merger.empty() ? "" : sdk::day_before(merger);
  std::string structure = as_of;
  if (structure_option_ == "old") structure = before;
  else if (!structure_option_.empty() && structure_option_ != "new") structure = structure_option_;
  placer_ = std::make_unique<Placer>(units_, as_of, structure);
  eval_ = std::make_unique<Evaluator>(day_, placer_.get());
  placeholders_.values["structure"] = Date::parse(structure).shown();
  placeholders_.values["merger_date"] = merger.empty() ? "" : Date::parse(merger).shown();
  placeholders_.values["before"] = before.empty() ? "" : Date::parse(before).shown();
  if (form_.rows != Form::Rows::kUnits) return Status::ok();
  if (uses_quota_ && !quota_file_ &&
      std::none_of(header.units.begin(), header.units.end(), [](const sdk::UnitPeriod& u) { return u.quota >= 0; }))
    return Status::invalid_options("reports: the form " + form_.name +
                                   " shows the quota: give option 'quota' (a CSV of unit, quota) or a quota column in the units file");
  if (needs_before) {
    placer_before_ = std::make_unique<Placer>(units_, before, before);
    eval_before_ = std::make_unique<Evaluator>(Date::parse(before), placer_before_.get());
  }
  unit_rows_ = std::make_unique<UnitRows>(form_, *placer_, *eval_, needs_before ? placer_before_.get() : nullptr,
                                          needs_before ? eval_before_.get() : nullptr, quota_);
  return Status::ok();
}

Status ReportExporter::write(const sdk::PersonRecord& p) {
  if (!only_persons_.empty() && !only_persons_.count(p.person_id)) return Status::ok();
  if (!eval_->holds_all(form_.filter, p)) return Status::ok();
  ++written_;
  if (form_.layout == Form::Layout::kPerPerson) {
    if (static_cast<int>(cv_persons_.size()) >= form_.max_persons)
      return Status::invalid_input("reports: form " + form_.name + " makes one sheet per person and more than " +
                                   std::to_string(form_.max_persons) + " persons pass its filter; narrow it with a filter or option 'persons'");
    cv_persons_.push_back(p);
    return Status::ok();
  }
  if (form_.rows == Form::Rows::kGroups) {
    collect_groups(p);
    return Status::ok();
  }
  if (form_.rows == Form::Rows::kUnits) {
    unit_rows_->add(p);
    return Status::ok();
  }
  PersonRow row;
  row.person_id = p.person_id;
  for (const auto& c : form_.columns) row.cells.push_back(eval_->cell(c.value, p));
  if (form_.group_by) {
    row.group = eval_->cell(*form_.group_by, p).text;
    row.group_key = row.group.empty() ? std::string(1, '\xff') : collator_->key(row.group);  // "not given" last
  }
  for (const auto& key : form_.sort) {
    if (key.by_name) {
      auto k = collator_->name_keys(p.value("full_name"), p.value("family_name"), p.value("middle_name"), p.value("given_name"));
      for (auto& part : k) row.sort.push_back({std::nullopt, std::move(part), key.descending});
      continue;
    }
    std::string v = eval_->raw(key.value, p);
    char* end = nullptr;
    double x = std::strtod(v.c_str(), &end);
    if (!v.empty() && *end == '\0' && key.value.kind != ValueSpec::Kind::kField) row.sort.push_back({x, "", key.descending});
    else row.sort.push_back({std::nullopt, collator_->key(v), key.descending});
  }
  person_rows_.push_back(std::move(row));
  return Status::ok();
}

GroupRow& ReportExporter::group(const std::string& label) {
  std::string folded = sdk::fold(label);
  auto it = groups_.find(folded);
  if (it == groups_.end()) {
    GroupRow g{label.empty() ? "(không ghi)" : label, label.empty() ? std::string(1, '\xff') : collator_->key(label),
               std::vector<double>(form_.columns.size(), 0.0), {}, {}};
    it = groups_.emplace(folded, std::move(g)).first;
  }
  return it->second;
}

void ReportExporter::collect_groups(const sdk::PersonRecord& p) {
  std::set<std::string> sources;
  if (form_.group_by_source)
    for (const auto& r : p.records) sources.insert(r.source);
  else
    sources.insert(form_.group_by ? eval_->cell(*form_.group_by, p).text : "");
  for (const auto& label : sources) {
    GroupRow& g = group(label);
    for (std::size_t c = 0; c < form_.columns.size(); ++c) {
      const ValueSpec& v = form_.columns[c].value;
      auto in_group = [&](const sdk::LinkedRecord& r) { return !form_.group_by_source || r.source == label; };
      if (v.name == "count") {
        if (eval_->holds_all(v.where, p)) g.values[c] += 1;
      } else if (v.name == "records" || v.name == "records_review" || v.name == "records_matched") {
        for (const auto& r : p.records) {
          if (!in_group(r)) continue;
          if (v.name == "records" || (v.name == "records_review" && r.status == "review") ||
              (v.name == "records_matched" && r.status == "linked" && p.records.size() > 1))
            g.values[c] += 1;
        }
      } else if (v.name == "conflicts") {
        for (const auto& k : p.conflicts)
          if (v.conflict_kind.empty() || k.kind == v.conflict_kind) g.values[c] += 1;
      }
    }
  }
}

std::vector<GroupRow> ReportExporter::finish_groups() {
  // Every unit with a quota has a row, staffed or not; every source has a row, read or not.
  for (std::size_t c = 0; c < form_.columns.size(); ++c) {
    if (form_.columns[c].value.name == "quota")
      for (const auto& [folded, unit] : quota_) group(unit.first);
    if (form_.columns[c].value.name == "read" && form_.group_by_source)
      for (const auto& s : header_.sources) group(s.name);
  }
  std::vector<GroupRow> rows;
  for (auto& [folded, g] : groups_) {
    for (std::size_t c = 0; c < form_.columns.size(); ++c) {
      const ValueSpec& v = form_.columns[c].value;
      if (v.name == "quota") {
        auto q = quota_.find(folded);
        g.values[c] = q == quota_.end() ? 0 : q->second.second;
      } else if (v.name == "read") {
        for (const auto& s : header_.sources)
          if (s.name == g.label) g.values[c] = static_cast<double>(s.read);
      }
    }
    fill_differences(form_, g);  // after the values they refer to
    rows.push_back(g);
  }
  return rows;
}

Status ReportExporter::finish(sdk::ExportResult& result) {
  result.written = written_;
  result.target = path_;
  if (ctx_->dry_run()) return Status::ok();
  placeholders_.values["count"] = std::to_string(written_);
  std::vector<Sheet> sheets;
  if (form_.layout == Form::Layout::kPerPerson) {
    std::vector<std::pair<std::array<std::string, 3>, std::size_t>> order;  // one sheet per person, in name order
    for (std::size_t i = 0; i < cv_persons_.size(); ++i) {
      const auto& p = cv_persons_[i];
      order.push_back({collator_->name_keys(p.value("full_name"), p.value("family_name"), p.value("middle_name"), p.value("given_name")), i});
    }
    std::stable_sort(order.begin(), order.end());
    std::vector<sdk::PersonRecord> sorted;
    for (const auto& [key, i] : order) sorted.push_back(std::move(cv_persons_[i]));
    cv_persons_ = std::move(sorted);
    std::vector<std::string> names;
    std::set<std::string> used;
    for (const auto& p : cv_persons_)
      names.push_back(sheet_name(form_.sheet_name ? eval_->raw(*form_.sheet_name, p) : p.person_id, used));
    sheets = lay_out_per_person(form_, cv_persons_, names, *eval_, placeholders_);
    if (sheets.empty()) {  // a workbook needs a sheet: say that nobody passed the filter
      Sheet s;
      s.name = form_.sheet;
      s.at(0, 0) = {"(không có ai trong danh sách)", std::nullopt, 0, 0, 0, Role::kPlain};
      sheets.push_back(std::move(s));
    }
  } else if (form_.rows == Form::Rows::kGroups) {
    sheets.push_back(lay_out_groups(form_, finish_groups(), placeholders_));
  } else if (form_.rows == Form::Rows::kUnits) {
    sheets.push_back(lay_out_groups(form_, unit_rows_->finish(), placeholders_));
  } else {
    sheets.push_back(lay_out_persons(form_, std::move(person_rows_), placeholders_));
  }
  std::error_code ec;
  std::filesystem::path target(path_);
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), ec);
  // Written beside the target, then renamed: a reader never sees half a report.
  const std::string temp = sdk::temp_path_beside(path_, form_.output == "csv" ? ".csv" : ".xlsx");
  try {
    if (form_.output == "csv") write_csv(sheets.front(), temp);
    else write_xlsx(sheets, temp);
  } catch (const std::exception& e) {
    std::filesystem::remove(temp, ec);
    return Status::io_error(std::string("reports: ") + e.what());
  }
  if (auto replaced = sdk::replace_file(temp, path_); !replaced) {
    std::filesystem::remove(temp, ec);
    return Status::io_error("reports: " + replaced.message());
  }
  return Status::ok();
}

}  // namespace hopnhat_reports
