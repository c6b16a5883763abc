#include <cstdlib>

#include "readers.hpp"
#include "xml_stream.hpp"

namespace hopnhat_sheet {

std::string read_ods(const std::string& path, const SheetChoice& choice, const ReadLimits& limits, const RowSink& sink) {
  ZipArchive zip(path, limits.max_uncompressed);
  if (!zip.has("content.xml")) throw SheetError(path + ": not an ODS spreadsheet (content.xml is missing)");
  int table_index = 0;
  bool active = false, done = false, found = false, stop = false;
  std::string sheet_name;
  std::size_t row_number = 0, row_repeat = 1;
  std::vector<std::string> cells;
  std::size_t col = 0, col_repeat = 1;
  std::string cell_value, cell_text;
  bool in_cell = false, in_p = false, first_p = true;
  XmlStream x(path + ": content.xml",
              {[&](const char* n, const char** a) {
                 auto l = local_name(n);
                 if (done) return;
                 if (l == "table") {
                   ++table_index;
                   const char* name = attribute(a, "name");
                   std::string nm = name ? name : "";
                   active = choice.name.empty() ? (choice.number <= 1 ? table_index == 1 : table_index == choice.number)
                                                : nm == choice.name;
                   if (active) { sheet_name = nm; found = true; row_number = 0; }
                 } else if (!active) {
                   return;
                 } else if (l == "table-row") {
                   const char* rep = attribute(a, "number-rows-repeated");
                   row_repeat = rep ? static_cast<std::size_t>(std::atol(rep)) : 1;
                   cells.clear();
                   col = 0;
                 } else if (l == "table-cell" || l == "covered-table-cell") {
                   const char* rep = attribute(a, "number-columns-repeated");
                   col_repeat = rep ? static_cast<std::size_t>(std::atol(rep)) : 1;
                   cell_value.clear();
                   cell_text.clear();
                   first_p = true;
                   in_cell = true;
                   const char* type = attribute(a, "value-type");
                   std::string t = type ? type : "";
                   if (t == "float" || t == "percentage" || t == "currency") {
                     const char* v = attribute(a, "value");
                     if (v) cell_value = number_text(std::strtod(v, nullptr));
                   } else if (t == "date") {
                     const char* v = attribute(a, "date-value");  // 1965-09-12[T…]
                     if (v && std::string(v).size() >= 10) {
                       std::string d(v);
                       cell_value = d.substr(8, 2) + "/" + d.substr(5, 2) + "/" + d.substr(0, 4);
                     }
                   } else if (t == "boolean") {
                     const char* v = attribute(a, "boolean-value");
                     cell_value = v && std::string(v) == "true" ? "TRUE" : "FALSE";
                   }
                 } else if (l == "p" && in_cell) {
                   if (!first_p) cell_text.push_back('\n');
                   first_p = false;
                   in_p = true;
                 } else if (l == "s" && in_p) {
                   const char* c = attribute(a, "c");
                   cell_text.append(c ? static_cast<std::size_t>(std::atoi(c)) : 1, ' ');
                 }
               },
               [&](const char* n) {
                 auto l = local_name(n);
                 if (done || !active) {
                   if (l == "table" && active) done = true;
                   return;
                 }
                 if (l == "p") {
                   in_p = false;
                 } else if (l == "table-cell" || l == "covered-table-cell") {
                   in_cell = false;
                   std::string text = cell_value.empty() ? cell_text : cell_value;
                   if (!text.empty()) {
                     if (col + col_repeat > 16384) throw SheetError(path + ": sheet \"" + sheet_name + "\": more than 16384 columns");
                     cells.resize(col + col_repeat);
                     for (std::size_t k = 0; k < col_repeat; ++k) cells[col + k] = text;
                   }
                   col += col_repeat;  // empty repeated cells are counted, never materialised
                 } else if (l == "table-row") {
                   bool empty = cells.empty();
                   for (std::size_t k = 0; k < row_repeat && !stop; ++k) {
                     ++row_number;
                     if (empty) {
                       if (row_number > limits.max_rows) { row_number = limits.max_rows; break; }  // trailing blank rows
                       continue;
                     }
                     if (row_number > limits.max_rows)
                       throw SheetError(path + ": sheet \"" + sheet_name + "\" has more than " + std::to_string(limits.max_rows) +
                                        " rows (option max_rows)");
                     std::vector<std::string> copy = cells;
                     if (!sink(row_number, std::move(copy))) stop = true;
                   }
                   if (stop) done = true;
                 } else if (l == "table") {
                   done = true;
                 }
               },
               [&](std::string_view t) {
                 if (in_p) cell_text.append(t);
               }});
  zip.stream("content.xml", [&](std::string_view c) {
    if (!done) x.feed(c);
  });
  if (!done) x.feed({}, true);
  if (!found) throw SheetError(path + ": no such sheet" + (choice.name.empty() ? "" : " named \"" + choice.name + "\""));
  return sheet_name;
}

}  // namespace hopnhat_sheet
