#include "form.hpp"

#include <set>

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_reports {
namespace {

using nlohmann::json;
namespace sdk = hopnhat::sdk;

class Parser {
 public:
  explicit Parser(std::string name) : name_(std::move(name)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw FormError("form " + name_ + ": " + (path.empty() ? "/" : path) + ": " + what);
  }

  const json& member(const json& obj, const std::string& path, const char* key, json::value_t type, bool required) const {
    static const json kNull;
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) fail(path, std::string("\"") + key + "\" is required");
      return kNull;
    }
    bool ok = it->type() == type || (type == json::value_t::number_float && it->is_number()) ||
              (type == json::value_t::number_integer && it->is_number_integer());
    if (!ok) fail(path + "/" + key, std::string("expected ") + type_name(type) + ", got " + it->type_name());
    return *it;
  }
  std::string text(const json& obj, const std::string& path, const char* key, const std::string& fallback) const {
    const json& v = member(obj, path, key, json::value_t::string, false);
    return v.is_null() ? fallback : v.get<std::string>();
  }
  bool flag(const json& obj, const std::string& path, const char* key, bool fallback) const {
    const json& v = member(obj, path, key, json::value_t::boolean, false);
    return v.is_null() ? fallback : v.get<bool>();
  }
  std::vector<std::string> lines(const json& obj, const std::string& path, const char* key) const {
    const json& v = obj.find(key) == obj.end() ? json() : obj.at(key);
    if (v.is_null()) return {};
    if (v.is_string()) return {v.get<std::string>()};
    if (!v.is_array()) fail(path + "/" + key, std::string("expected a string or an array of strings, got ") + v.type_name());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_string()) fail(path + "/" + key + "/" + std::to_string(i), "expected a string");
      out.push_back(v[i]);
    }
    return out;
  }
  void only_keys(const json& obj, const std::string& path, std::initializer_list<const char*> keys) const {
    std::set<std::string> allowed(keys.begin(), keys.end());
    for (auto& [k, v] : obj.items())
      if (!allowed.count(k)) {
        std::string list;
        for (const char* a : keys) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(path + "/" + k, "unknown key (expected one of: " + list + ")");
      }
  }

  ValueSpec value(const json& v, const std::string& path, bool aggregate_allowed, bool unit_rows = false) const {
    if (!v.is_object()) fail(path, std::string("expected an object such as {\"field\": \"full_name\"}, got ") + v.type_name());
    ValueSpec s;
    int kinds = 0;
    if (v.contains("field")) {
      ++kinds;
      s.kind = ValueSpec::Kind::kField;
      s.name = text(v, path, "field", "");
      if (!sdk::find_field(s.name)) fail(path + "/field", "\"" + s.name + "\" is not a canonical field (see hopnhat fields)");
    }
    if (v.contains("attribute")) {
      ++kinds;
      s.kind = ValueSpec::Kind::kAttribute;
      s.name = text(v, path, "attribute", "");
      if (s.name.empty()) fail(path + "/attribute", "expected a column name");
    }
    if (v.contains("computed")) {
      ++kinds;
      s.kind = ValueSpec::Kind::kComputed;
      s.name = text(v, path, "computed", "");
      static const std::set<std::string> kComputed{"stt",     "person_id", "age",       "party_years", "party_member",
                                                   "sources", "review",    "unit",      "unit_code",   "level"};
      if (!kComputed.count(s.name))
        fail(path + "/computed", "\"" + s.name + "\" is not one of stt, person_id, age, party_years, party_member, sources, review, "
                                 "unit, unit_code, level");
    }
    if (v.contains("aggregate")) {
      ++kinds;
      if (!aggregate_allowed)
        fail(path + "/aggregate", "aggregates belong to columns of a form with \"rows\": \"groups\" or \"units\"");
      s.kind = ValueSpec::Kind::kAggregate;
      s.name = text(v, path, "aggregate", "");
      static const std::set<std::string> kAggregates{"key",     "count",          "quota",     "difference", "records", "records_matched",
                                                     "records_review", "conflicts", "read", "code",       "predecessors", "moved"};
      if (!kAggregates.count(s.name))
        fail(path + "/aggregate", "\"" + s.name + "\" is not one of key, count, quota, difference, records, records_matched, "
                                  "records_review, conflicts, read, code, predecessors, moved");
      const bool unit_only = s.name == "code" || s.name == "predecessors" || s.name == "moved";
      if (unit_only && !unit_rows) fail(path + "/aggregate", "\"" + s.name + "\" belongs to a form with \"rows\": \"units\"");
      if (unit_rows && (s.name == "records" || s.name == "records_matched" || s.name == "records_review" || s.name == "read"))
        fail(path + "/aggregate", "\"" + s.name + "\" counts per source: a form with \"rows\": \"groups\" and {\"each\": \"source\"}");
      if (v.contains("on")) {
        const std::string on = text(v, path, "on", "");
        if (on != "before" && on != "as_of") fail(path + "/on", "expected \"before\" (the day before the merger) or \"as_of\", got \"" + on + "\"");
        if (s.name != "count") fail(path + "/on", "only a count is counted on another day");
        if (!unit_rows) fail(path + "/on", "belongs to a form with \"rows\": \"units\"");
        s.before = on == "before";
      }
      if (v.contains("where")) s.where = conditions(v["where"], path + "/where");
      s.conflict_kind = text(v, path, "kind", "");
      if (s.name == "difference") {
        s.of = lines(v, path, "of");
        if (s.of.size() != 2) fail(path + "/of", "expected two column ids: [\"counted\", \"quota\"]");
      }
    }
    if (kinds != 1) fail(path, "expected exactly one of \"field\", \"attribute\", \"computed\", \"aggregate\"");
    for (auto& [k, x] : v.items())
      if (k != "field" && k != "attribute" && k != "computed" && k != "aggregate" && k != "where" && k != "kind" && k != "of" &&
          k != "on")
        fail(path + "/" + k, "unknown key");
    return s;
  }

  std::vector<Condition> conditions(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, std::string("expected an array of conditions, got ") + v.type_name());
    std::vector<Condition> out;
    for (std::size_t i = 0; i < v.size(); ++i) out.push_back(condition(v[i], path + "/" + std::to_string(i)));
    return out;
  }

  Condition condition(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "expected a condition such as {\"field\": \"position\", \"starts_with\": [\"Phó\"]}");
    Condition c;
    json subject = json::object();
    for (const char* k : {"field", "attribute", "computed"})
      if (v.contains(k)) subject[k] = v[k];
    c.subject = value(subject, path, false);
    int ops = 0;
    auto operands = [&](const char* key, Condition::Op op, bool fold) {
      if (!v.contains(key)) return;
      ++ops;
      c.op = op;
      c.operands = lines(v, path, key);
      if (c.operands.empty()) fail(path + "/" + key, "expected at least one value");
      if (fold)
        for (auto& o : c.operands) o = sdk::fold(o);
    };
    if (v.contains("is")) {
      ++ops;
      std::string is = text(v, path, "is", "");
      if (is == "present") c.op = Condition::Op::kPresent;
      else if (is == "absent") c.op = Condition::Op::kAbsent;
      else fail(path + "/is", "expected \"present\" or \"absent\", got \"" + is + "\"");
    }
    operands("equals", Condition::Op::kEquals, true);
    operands("in", Condition::Op::kIn, true);
    operands("starts_with", Condition::Op::kStartsWith, true);
    operands("contains", Condition::Op::kContains, true);
    operands("before", Condition::Op::kBefore, false);
    operands("after", Condition::Op::kAfter, false);
    if (ops != 1) fail(path, "expected exactly one of \"is\", \"equals\", \"in\", \"starts_with\", \"contains\", \"before\", \"after\"");
    c.negate = flag(v, path, "not", false);
    for (auto& [k, x] : v.items())
      if (!std::set<std::string>{"field", "attribute", "computed", "is", "equals", "in", "starts_with", "contains", "before",
                                 "after", "not"}.count(k))
        fail(path + "/" + k, "unknown key");
    return c;
  }

 private:
  static const char* type_name(json::value_t t) {
    switch (t) {
      case json::value_t::string: return "a string";
      case json::value_t::boolean: return "true or false";
      case json::value_t::array: return "an array";
      case json::value_t::object: return "an object";
      case json::value_t::number_integer: return "an integer";
      default: return "a number";
    }
  }
  std::string name_;
};

}  // namespace

Form parse_form(const json& doc, const std::string& name) {
  Parser p(name);
  if (!doc.is_object()) p.fail("", "a form is a JSON object");
  p.only_keys(doc, "", {"$comment", "layout", "rows", "sheet", "output", "orientation", "top_left", "top_right", "title",
                        "subtitle", "header_rows", "number_row", "columns", "filter", "group_by", "group_label", "subtotals",
                        "total", "total_label", "sort", "signatures", "notes", "lines", "history", "sources", "sheet_name", "postings", "grades",
                        "max_persons", "predecessors"});
  Form f;
  f.name = name;
  std::string layout = p.text(doc, "", "layout", "table");
  if (layout == "per_person") f.layout = Form::Layout::kPerPerson;
  else if (layout != "table") p.fail("/layout", "expected \"table\" or \"per_person\", got \"" + layout + "\"");
  std::string rows = p.text(doc, "", "rows", "persons");
  if (rows == "groups") f.rows = Form::Rows::kGroups;
  else if (rows == "units") f.rows = Form::Rows::kUnits;
  else if (rows != "persons") p.fail("/rows", "expected \"persons\", \"groups\" or \"units\", got \"" + rows + "\"");
  f.predecessor_rows = p.flag(doc, "", "predecessors", false);
  if (f.predecessor_rows && f.rows != Form::Rows::kUnits) p.fail("/predecessors", "belongs to a form with \"rows\": \"units\"");
  f.sheet = p.text(doc, "", "sheet", f.sheet);
  if (f.sheet.empty() || f.sheet.size() > 31 || f.sheet.find_first_of("[]:*?/\\") != std::string::npos)
    p.fail("/sheet", "a sheet name has 1 to 31 characters and none of [ ] : * ? / \\");
  f.output = p.text(doc, "", "output", "xlsx");
  if (f.output != "xlsx" && f.output != "csv") p.fail("/output", "expected \"xlsx\" or \"csv\", got \"" + f.output + "\"");
  std::string orientation = p.text(doc, "", "orientation", "portrait");
  if (orientation == "landscape") f.landscape = true;
  else if (orientation != "portrait") p.fail("/orientation", "expected \"portrait\" or \"landscape\"");
  f.top_left = p.lines(doc, "", "top_left");
  f.top_right = p.lines(doc, "", "top_right");
  f.title = p.member(doc, "", "title", json::value_t::string, true).get<std::string>();
  f.subtitle = p.lines(doc, "", "subtitle");
  f.notes = p.lines(doc, "", "notes");
  const bool units = f.rows == Form::Rows::kUnits;
  const bool groups = f.rows == Form::Rows::kGroups || units;

  if (f.layout == Form::Layout::kTable) {
    const json& cols = p.member(doc, "", "columns", json::value_t::array, true);
    if (cols.empty()) p.fail("/columns", "a table needs at least one column");
    std::set<std::string> ids;
    for (std::size_t i = 0; i < cols.size(); ++i) {
      std::string path = "/columns/" + std::to_string(i);
      const json& c = cols[i];
      if (!c.is_object()) p.fail(path, "expected an object with \"heading\" and \"value\"");
      p.only_keys(c, path, {"id", "heading", "width", "value", "total"});
      Column col;
      col.id = p.text(c, path, "id", std::to_string(i + 1));
      if (!ids.insert(col.id).second) p.fail(path + "/id", "\"" + col.id + "\" is used by another column");
      col.heading = p.text(c, path, "heading", "");
      const json& w = p.member(c, path, "width", json::value_t::number_float, false);
      if (!w.is_null()) {
        col.width = w.get<double>();
        if (col.width <= 0 || col.width > 255) p.fail(path + "/width", "expected a width between 1 and 255");
      }
      col.value = p.value(p.member(c, path, "value", json::value_t::object, true), path + "/value", groups, units);
      if (groups && col.value.kind != ValueSpec::Kind::kAggregate &&
          !(col.value.kind == ValueSpec::Kind::kComputed && col.value.name == "stt"))
        p.fail(path + "/value", "a form with \"rows\": \"" + rows + "\" has aggregate columns ({\"aggregate\": \"count\"}, …)");
      col.total = p.flag(c, path, "total", false);
      f.columns.push_back(std::move(col));
    }
    for (std::size_t i = 0; i < f.columns.size(); ++i)
      for (std::size_t k = 0; k < f.columns[i].value.of.size(); ++k)
        if (!ids.count(f.columns[i].value.of[k]))
          p.fail("/columns/" + std::to_string(i) + "/value/of/" + std::to_string(k), "no column has the id \"" + f.columns[i].value.of[k] + "\"");
    if (doc.contains("header_rows")) {
      const json& hr = p.member(doc, "", "header_rows", json::value_t::array, true);
      for (std::size_t r = 0; r < hr.size(); ++r) {
        std::string path = "/header_rows/" + std::to_string(r);
        if (!hr[r].is_array()) p.fail(path, "expected an array of cells");
        std::vector<HeaderCell> row;
        for (std::size_t k = 0; k < hr[r].size(); ++k) {
          std::string cp = path + "/" + std::to_string(k);
          const json& c = hr[r][k];
          HeaderCell cell;
          if (c.is_string()) cell.text = c;
          else if (c.is_object()) {
            p.only_keys(c, cp, {"text", "cols", "rows"});
            cell.text = p.text(c, cp, "text", "");
            const json& cs = p.member(c, cp, "cols", json::value_t::number_integer, false);
            const json& rs = p.member(c, cp, "rows", json::value_t::number_integer, false);
            if (!cs.is_null()) cell.cols = cs.get<int>();
            if (!rs.is_null()) cell.rows = rs.get<int>();
            if (cell.cols < 1 || cell.rows < 1 || cell.rows > static_cast<int>(hr.size() - r))
              p.fail(cp, "\"cols\" is at least 1 and \"rows\" at least 1, within the header rows");
          } else p.fail(cp, "expected a string or {\"text\", \"cols\", \"rows\"}");
          row.push_back(cell);
        }
        f.header_rows.push_back(std::move(row));
      }
    }
    f.number_row = p.flag(doc, "", "number_row", false);
    f.total = p.flag(doc, "", "total", false);
    f.subtotals = p.flag(doc, "", "subtotals", false);
    f.total_label = p.text(doc, "", "total_label", f.total_label);
  } else {
    if (f.output != "xlsx") p.fail("/output", "a per_person form writes one sheet per person: only \"xlsx\"");
    const json& lines = p.member(doc, "", "lines", json::value_t::array, true);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string path = "/lines/" + std::to_string(i);
      if (!lines[i].is_object()) p.fail(path, "expected {\"label\", \"value\"}");
      p.only_keys(lines[i], path, {"label", "value"});
      f.lines.push_back({p.text(lines[i], path, "label", ""),
                         p.value(p.member(lines[i], path, "value", json::value_t::object, true), path + "/value", false)});
    }
    f.history_title = p.text(doc, "", "history", "");
    f.postings_title = p.text(doc, "", "postings", "");
    f.grades_title = p.text(doc, "", "grades", "");
    f.sources_title = p.text(doc, "", "sources", "");
    if (doc.contains("sheet_name")) f.sheet_name = p.value(doc["sheet_name"], "/sheet_name", false);
    const json& mp = p.member(doc, "", "max_persons", json::value_t::number_integer, false);
    if (!mp.is_null()) f.max_persons = mp.get<int>();
    if (f.max_persons < 1) p.fail("/max_persons", "expected a positive number");
  }

  if (doc.contains("filter")) f.filter = p.conditions(doc["filter"], "/filter");
  if (doc.contains("group_by")) {
    const json& g = doc["group_by"];
    if (g.is_object() && g.contains("each")) {
      if (g["each"] != "source") p.fail("/group_by/each", "expected \"source\"");
      f.group_by_source = true;
    } else {
      f.group_by = p.value(g, "/group_by", false);
    }
  }
  if (units && (f.group_by || f.group_by_source)) p.fail("/group_by", "a form with \"rows\": \"units\" groups by unit already");
  if (groups && !units && !f.group_by && !f.group_by_source) p.fail("", "a form with \"rows\": \"groups\" needs \"group_by\"");
  f.group_label = p.text(doc, "", "group_label", f.group_label);
  if (doc.contains("sort")) {
    const json& s = p.member(doc, "", "sort", json::value_t::array, true);
    for (std::size_t i = 0; i < s.size(); ++i) {
      std::string path = "/sort/" + std::to_string(i);
      SortKey key;
      if (s[i] == "name") key.by_name = true;
      else if (s[i].is_object()) {
        key.descending = s[i].value("descending", false);
        json subject = s[i];
        subject.erase("descending");
        key.value = p.value(subject, path, groups, units);
      } else p.fail(path, "expected \"name\" or a value such as {\"field\": \"birth_date\", \"descending\": true}");
      f.sort.push_back(std::move(key));
    }
  } else if (!groups) {
    f.sort.push_back(SortKey{true, {}, false});  // Vietnamese lists: given, middle, family name
  }
  if (doc.contains("signatures")) {
    const json& s = p.member(doc, "", "signatures", json::value_t::array, true);
    for (std::size_t i = 0; i < s.size(); ++i) {
      std::string path = "/signatures/" + std::to_string(i);
      if (!s[i].is_object()) p.fail(path, "expected {\"title\", \"note\", \"name\"}");
      p.only_keys(s[i], path, {"title", "note", "name"});
      f.signatures.push_back({p.text(s[i], path, "title", ""), p.text(s[i], path, "note", ""), p.text(s[i], path, "name", "")});
    }
  }
  return f;
}

}  // namespace hopnhat_reports
