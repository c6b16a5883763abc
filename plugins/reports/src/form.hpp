// A report form as data: what one agency's form looks like (title lines, header rows with merged
// cells, columns, filters, grouping, totals, signature block) and where each cell's value comes
// from. Parsed from JSON by parse_form; every mistake is a FormError naming the JSON path.
// Plain values, safe to share between threads once parsed.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopnhat_reports {

class FormError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a value comes from.
struct ValueSpec {
  enum class Kind {
    kField,      // a canonical field's golden value
    kAttribute,  // a raw column of the first linked record that has it
    kComputed,   // stt, person_id, age, party_years, party_member, sources, review, unit, unit_code, level
    kAggregate,  // in a group row: key, count, quota, difference, records, records_matched, records_review, conflicts,
                 // read; in a unit row also code, predecessors, moved
  };
  Kind kind = Kind::kField;
  std::string name;
  std::vector<struct Condition> where;  // kAggregate count: only the persons that satisfy all
  std::string conflict_kind;            // kAggregate conflicts: only this kind ("" = all)
  std::vector<std::string> of;          // kAggregate difference: two column ids, first minus second
  bool before = false;  // kAggregate count in a unit row: {"on": "before"}, on the day before the merger
};

struct Condition {
  enum class Op { kPresent, kAbsent, kEquals, kIn, kStartsWith, kContains, kBefore, kAfter };
  ValueSpec subject;
  Op op = Op::kPresent;
  std::vector<std::string> operands;  // folded text, or dates (ISO or "{as_of}")
  bool negate = false;
};

struct Column {
  std::string id;       // for "difference"; defaults to the column's number
  std::string heading;  // the last header row's text when header_rows is absent
  double width = 0;     // 0: chosen by the value's type
  ValueSpec value;
  bool total = false;   // summed in subtotal and total rows
};

struct HeaderCell {
  std::string text;
  int cols = 1;
  int rows = 1;
};

struct SortKey {
  bool by_name = false;  // given name, middle name, family name, Vietnamese collation
  ValueSpec value;
  bool descending = false;
};

struct Signature {
  std::string title;  // "NGƯỜI LẬP BIỂU"
  std::string note;   // "(Ký, ghi rõ họ tên)"
  std::string name;   // printed under the space for the signature
};

struct CvLine {
  std::string label;
  ValueSpec value;
};

struct Form {
  std::string name;  // the file's name, for messages
  enum class Layout { kTable, kPerPerson } layout = Layout::kTable;
  /// kUnits: one row per unit valid on the structure's date, with its predecessors (placement.hpp).
  enum class Rows { kPersons, kGroups, kUnits } rows = Rows::kPersons;
  bool predecessor_rows = false;  // kUnits: a row under each unit for each unit that became it
  std::string sheet = "Báo cáo";
  std::string output = "xlsx";  // or "csv"
  bool landscape = false;
  std::vector<std::string> top_left;   // e.g. the agency's name, above the title
  std::vector<std::string> top_right;  // e.g. "Biểu số 01"
  std::string title;
  std::vector<std::string> subtitle;
  std::vector<std::vector<HeaderCell>> header_rows;
  bool number_row = false;  // the "1, 2, 3 …" row under the headers
  std::vector<Column> columns;
  std::vector<Condition> filter;
  std::optional<ValueSpec> group_by;
  bool group_by_source = false;  // {"each": "source"}: a person counts in each source of its records
  std::string group_label = "{key}";
  bool subtotals = false;
  bool total = false;
  std::string total_label = "Tổng cộng";
  std::vector<SortKey> sort;
  std::vector<Signature> signatures;
  std::vector<std::string> notes;  // lines under the table ("Ghi chú: …")
  // Per-person layout (one sheet per person: a CV).
  std::vector<CvLine> lines;
  std::string history_title;  // "" = no history table
  std::string postings_title;  // "" = no table of postings (the timeline: "tóm tắt quá trình công tác")
  std::string grades_title;    // "" = no table of grades and salary steps
  std::string sources_title;  // "" = no table of the linked records
  std::optional<ValueSpec> sheet_name;
  int max_persons = 2000;
};

/// Parses a form; `name` is used in messages ("form roster.json: /columns/2/field: …").
Form parse_form(const nlohmann::json& doc, const std::string& name);

/// The forms compiled into the plugin: (name, JSON text).
const std::vector<std::pair<std::string, std::string>>& shipped_forms();

}  // namespace hopnhat_reports
