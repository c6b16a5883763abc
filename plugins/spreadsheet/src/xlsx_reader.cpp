#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "readers.hpp"
#include "xml_stream.hpp"

namespace hopnhat_sheet {

std::string number_text(double v) {
  char buf[64];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e17) std::snprintf(buf, sizeof buf, "%.0f", v);
  else std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

std::string serial_date_text(double serial) {
  long s = static_cast<long>(std::floor(serial));
  if (s < 1 || s > 2958465 || s == 60) return number_text(serial);
  long z = s - (s > 60 ? 25569 : 25568) + 719468;  // days since 1970-01-01, then civil_from_days
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
  long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02ld/%02ld/%04ld", d, m, y);
  return buf;
}

namespace {

bool builtin_date_format(int id) { return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58); }

bool custom_date_format(const std::string& code) {
  bool quoted = false, bracket = false;
  for (char c : code) {
    if (c == '"') quoted = !quoted;
    else if (c == '[') bracket = true;
    else if (c == ']') bracket = false;
    else if (!quoted && !bracket && (c == 'd' || c == 'D' || c == 'y' || c == 'Y')) return true;
  }
  return false;
}

int column_of(const char* ref) {  // "BC12" → 54 (0-based)
  int col = 0;
  for (const char* p = ref; *p && std::isalpha(static_cast<unsigned char>(*p)); ++p) col = col * 26 + (std::toupper(*p) - 'A' + 1);
  return col - 1;
}

std::string resolve_target(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  return "xl/" + target;
}

}  // namespace

std::string read_xlsx(const std::string& path, const SheetChoice& choice, const ReadLimits& limits, const RowSink& sink) {
  ZipArchive zip(path, limits.max_uncompressed);
  if (!zip.has("xl/workbook.xml")) throw SheetError(path + ": not an XLSX workbook (xl/workbook.xml is missing)");

  // Sheets and where they are.
  std::vector<std::pair<std::string, std::string>> sheets;  // (name, relationship id)
  {
    XmlStream x(path + ": xl/workbook.xml", {[&](const char* n, const char** a) {
                                               if (local_name(n) == "sheet") {
                                                 const char* name = attribute(a, "name");
                                                 const char* id = attribute(a, "id");
                                                 sheets.emplace_back(name ? name : "", id ? id : "");
                                               }
                                             },
                                             nullptr, nullptr});
    x.feed(zip.read("xl/workbook.xml"), true);
  }
  std::map<std::string, std::string> targets;
  if (zip.has("xl/_rels/workbook.xml.rels")) {
    XmlStream x(path + ": xl/_rels/workbook.xml.rels", {[&](const char* n, const char** a) {
                                                          if (local_name(n) == "Relationship" && attribute(a, "Id") && attribute(a, "Target"))
                                                            targets[attribute(a, "Id")] = attribute(a, "Target");
                                                        },
                                                        nullptr, nullptr});
    x.feed(zip.read("xl/_rels/workbook.xml.rels"), true);
  }
  if (sheets.empty()) throw SheetError(path + ": the workbook has no sheets");
  std::size_t pick = 0;
  if (!choice.name.empty()) {
    pick = sheets.size();
    for (std::size_t i = 0; i < sheets.size(); ++i)
      if (sheets[i].first == choice.name) pick = i;
    if (pick == sheets.size()) throw SheetError(path + ": no sheet named \"" + choice.name + "\"");
  } else if (choice.number > 0) {
    if (static_cast<std::size_t>(choice.number) > sheets.size())
      throw SheetError(path + ": sheet " + std::to_string(choice.number) + " asked for, the workbook has " + std::to_string(sheets.size()));
    pick = static_cast<std::size_t>(choice.number - 1);
  }
  const std::string sheet_name = sheets[pick].first;
  std::string part = targets.count(sheets[pick].second) ? resolve_target(targets[sheets[pick].second])
                                                        : "xl/worksheets/sheet" + std::to_string(pick + 1) + ".xml";

  // Shared strings and which styles are dates.
  std::vector<std::string> shared;
  if (zip.has("xl/sharedStrings.xml")) {
    std::string cur;
    bool in_si = false, in_t = false, in_phonetic = false;
    XmlStream x(path + ": xl/sharedStrings.xml",
                {[&](const char* n, const char**) {
                   auto l = local_name(n);
                   if (l == "si") { in_si = true; cur.clear(); }
                   else if (l == "t") in_t = true;
                   else if (l == "rPh") in_phonetic = true;
                 },
                 [&](const char* n) {
                   auto l = local_name(n);
                   if (l == "si") { shared.push_back(cur); in_si = false; }
                   else if (l == "t") in_t = false;
                   else if (l == "rPh") in_phonetic = false;
                 },
                 [&](std::string_view t) {
                   if (in_si && in_t && !in_phonetic) cur.append(t);
                 }});
    zip.stream("xl/sharedStrings.xml", [&](std::string_view c) { x.feed(c); });
    x.feed({}, true);
  }
  std::vector<bool> date_style;
  if (zip.has("xl/styles.xml")) {
    std::set<int> custom_dates;
    bool in_xfs = false;
    XmlStream x(path + ": xl/styles.xml", {[&](const char* n, const char** a) {
                                             auto l = local_name(n);
                                             if (l == "numFmt" && attribute(a, "numFmtId") && attribute(a, "formatCode") &&
                                                 custom_date_format(attribute(a, "formatCode")))
                                               custom_dates.insert(std::atoi(attribute(a, "numFmtId")));
                                             else if (l == "cellXfs") in_xfs = true;
                                             else if (l == "xf" && in_xfs) {
                                               int id = attribute(a, "numFmtId") ? std::atoi(attribute(a, "numFmtId")) : 0;
                                               date_style.push_back(builtin_date_format(id) || custom_dates.count(id));
                                             }
                                           },
                                           [&](const char* n) {
                                             if (local_name(n) == "cellXfs") in_xfs = false;
                                           },
                                           nullptr});
    x.feed(zip.read("xl/styles.xml"), true);
  }

  // The sheet, streamed row by row.
  std::size_t row_number = 0;
  std::vector<std::string> cells;
  int col = -1;
  std::string type, value;
  int style = 0;
  bool in_v = false, in_t = false, stop = false;
  auto flush_row = [&] {
    if (stop) return;
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    if (!sink(row_number, std::move(cells))) stop = true;
    cells.clear();
  };
  XmlStream x(path + ": sheet \"" + sheet_name + "\"",
              {[&](const char* n, const char** a) {
                 auto l = local_name(n);
                 if (l == "row") {
                   const char* r = attribute(a, "r");
                   row_number = r ? static_cast<std::size_t>(std::atol(r)) : row_number + 1;
                   if (row_number > limits.max_rows)
                     throw SheetError(path + ": sheet \"" + sheet_name + "\" has more than " + std::to_string(limits.max_rows) +
                                      " rows (option max_rows)");
                   cells.clear();
                   col = -1;
                 } else if (l == "c") {
                   const char* r = attribute(a, "r");
                   col = r ? column_of(r) : col + 1;
                   if (col < 0 || col > 16383) throw SheetError(path + ": sheet \"" + sheet_name + "\" row " + std::to_string(row_number) + ": bad cell reference");
                   const char* t = attribute(a, "t");
                   type = t ? t : "n";
                   const char* s = attribute(a, "s");
                   style = s ? std::atoi(s) : 0;
                   value.clear();
                 } else if (l == "v") {
                   in_v = true;
                 } else if (l == "t") {
                   in_t = true;
                 }
               },
               [&](const char* n) {
                 auto l = local_name(n);
                 if (l == "v") in_v = false;
                 else if (l == "t") in_t = false;
                 else if (l == "c") {
                   std::string text;
                   if (type == "s") {
                     std::size_t idx = value.empty() ? shared.size() : static_cast<std::size_t>(std::atol(value.c_str()));
                     if (idx >= shared.size())
                       throw SheetError(path + ": sheet \"" + sheet_name + "\" row " + std::to_string(row_number) + ": a shared string that does not exist");
                     text = shared[idx];
                   } else if (type == "inlineStr" || type == "str" || type == "e") {
                     text = value;
                   } else if (type == "b") {
                     text = value == "1" ? "TRUE" : "FALSE";
                   } else if (!value.empty()) {
                     double v = std::strtod(value.c_str(), nullptr);
                     bool is_date = style >= 0 && static_cast<std::size_t>(style) < date_style.size() && date_style[static_cast<std::size_t>(style)];
                     text = is_date ? serial_date_text(v) : number_text(v);
                   }
                   if (cells.size() <= static_cast<std::size_t>(col)) cells.resize(static_cast<std::size_t>(col) + 1);
                   cells[static_cast<std::size_t>(col)] = std::move(text);
                 } else if (l == "row") {
                   flush_row();
                 }
               },
               [&](std::string_view t) {
                 if (in_v || in_t) value.append(t);
               }});
  try {
    zip.stream(part, [&](std::string_view c) {
      if (!stop) x.feed(c);
    });
    if (!stop) x.feed({}, true);
  } catch (const SheetError&) {
    throw;
  }
  return sheet_name;
}

}  // namespace hopnhat_sheet
