// The form engine on its own: form files with mistakes name the JSON path; Vietnamese
// collation; dates, ages and conditions; laying out groups, subtotals and merged headers.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "collation.hpp"
#include "form.hpp"
#include "layout.hpp"
#include "placement.hpp"
#include "unit_rows.hpp"
#include "values.hpp"

using namespace hopnhat_reports;
namespace sdk = hopnhat::sdk;
using nlohmann::json;

namespace {

std::string form_error(const std::string& text) {
  try {
    parse_form(json::parse(text), "f.json");
  } catch (const FormError& e) {
    return e.what();
  }
  return "";
}

sdk::PersonRecord person(const std::string& id, std::map<std::string, std::string> values) {
  sdk::PersonRecord p;
  p.person_id = id;
  for (auto& [k, v] : values) p.fields[k] = {v, {"s", id, 1, "only_value"}};
  return p;
}

ValueSpec computed(const char* name) {
  ValueSpec v;
  v.kind = ValueSpec::Kind::kComputed;
  v.name = name;
  return v;
}

}  // namespace

TEST_CASE("every shipped form parses") {
  REQUIRE(shipped_forms().size() == 6);
  for (const auto& [name, text] : shipped_forms()) {
    INFO(name);
    CHECK_NOTHROW(parse_form(json::parse(text), name));
  }
}

TEST_CASE("a wrong form names the JSON path and what was expected") {
  CHECK(form_error(R"({"columns": []})") == "form f.json: /: \"title\" is required");
  CHECK(form_error(R"({"title": "T", "columns": [{"heading": "A", "value": {"field": "ho_ten"}}]})") ==
        "form f.json: /columns/0/value/field: \"ho_ten\" is not a canonical field (see hopnhat fields)");
  CHECK_THAT(form_error(R"({"title": "T", "columns": [{"heading": "A", "value": {"field": "full_name"}, "widht": 3}]})"),
             Catch::StartsWith("form f.json: /columns/0/widht: unknown key"));
  CHECK_THAT(form_error(R"({"title": "T", "rows": "groups", "group_by": {"field": "org_unit"},
                            "columns": [{"heading": "A", "value": {"field": "full_name"}}]})"),
             Catch::Contains("/columns/0/value: a form with \"rows\": \"groups\" has aggregate columns"));
  CHECK_THAT(form_error(R"({"title": "T", "filter": [{"field": "position", "starts": ["Phó"]}],
                            "columns": [{"heading": "A", "value": {"field": "full_name"}}]})"),
             Catch::Contains("/filter/0: expected exactly one of \"is\""));
  CHECK_THAT(form_error(R"({"title": "T", "rows": "groups", "group_by": {"field": "org_unit"},
                            "columns": [{"heading": "A", "value": {"aggregate": "difference", "of": ["a", "b"]}}]})"),
             Catch::Contains("/columns/0/value/of/0: no column has the id \"a\""));
  CHECK_THAT(form_error(R"({"title": "T", "output": "pdf", "columns": [{"heading": "A", "value": {"field": "full_name"}}]})"),
             Catch::Contains("/output: expected \"xlsx\" or \"csv\", got \"pdf\""));
}

TEST_CASE("Vietnamese collation: An before Ánh before Bình before Đức, lists by given name first") {
  NameCollator c;
  CHECK(c.key("An") < c.key("Ánh"));
  CHECK(c.key("Ánh") < c.key("Bình"));
  CHECK(c.key("Dũng") < c.key("Đức"));
  CHECK(c.key("Đức") < c.key("Giang"));
  CHECK(c.key("Ư") > c.key("U"));
  // "Trần Văn An" comes before "Nguyễn Thị Bình": the given name decides first.
  CHECK(c.name_keys("Trần Văn An", "", "", "") < c.name_keys("Nguyễn Thị Bình", "", "", ""));
  // Same given name: the middle name, then the family name.
  CHECK(c.name_keys("Trần Thị An", "", "", "") < c.name_keys("Lê Văn An", "", "", ""));
  CHECK(c.name_keys("Lê Văn An", "", "", "") < c.name_keys("Trần Văn An", "", "", ""));
}

TEST_CASE("dates keep their precision; ages and years in the Party count whole years") {
  CHECK(Date::parse("1965-09-12").shown() == "12/09/1965");
  CHECK(Date::parse("1965-09").shown() == "09/1965");
  CHECK(Date::parse("1965").shown() == "1965");
  CHECK(Date::parse("12/09/1965").year == 0);
  Date as_of = Date::parse("2026-09-12");
  CHECK(years_between(Date::parse("1965-09-12"), as_of) == 61);
  CHECK(years_between(Date::parse("1965-09-13"), as_of) == 60);
  CHECK(years_between(Date::parse("1965"), as_of) == 61);
  Evaluator eval(as_of);
  auto p = person("P1", {{"birth_date", "1980-10-01"}, {"party_join_date", "2010-05-19"}, {"position", "Phó Trưởng phòng"}});
  CHECK(eval.raw(computed("age"), p) == "45");
  CHECK(eval.raw(computed("party_years"), p) == "16");
  CHECK(eval.raw(computed("party_member"), p) == "x");
  Evaluator before_joining(Date::parse("2009-01-01"));
  CHECK(before_joining.raw(computed("party_member"), p).empty());
  ValueSpec birth;
  birth.name = "birth_date";
  Cell born = eval.cell(birth, p);
  CHECK(born.role == Role::kDate);
  CHECK(born.day == 1);
  CHECK(born.month == 10);
}

TEST_CASE("conditions compare folded text and dates against the report's date") {
  Form f = parse_form(json::parse(R"({"title": "T", "columns": [{"heading": "A", "value": {"field": "full_name"}}],
      "filter": [{"field": "position", "starts_with": ["PHO"]}, {"field": "party_join_date", "before": "{as_of}"},
                 {"field": "org_unit", "in": ["Văn phòng", "Phòng Nội vụ"]}, {"field": "email", "is": "present", "not": true}]})"),
                      "f.json");
  Evaluator eval(Date::parse("2026-01-01"));
  auto yes = person("P1", {{"position", "Phó Chánh Văn phòng"}, {"party_join_date", "2010"}, {"org_unit", "VĂN PHÒNG"}});
  auto later = person("P2", {{"position", "Phó Chánh Văn phòng"}, {"party_join_date", "2026-03-01"}, {"org_unit", "Văn phòng"}});
  auto head = person("P3", {{"position", "Chánh Văn phòng"}, {"party_join_date", "2010"}, {"org_unit", "Văn phòng"}});
  auto mail = person("P4", {{"position", "Phó Chánh Văn phòng"}, {"party_join_date", "2010"}, {"org_unit", "Văn phòng"}, {"email", "a@b.vn"}});
  CHECK(eval.holds_all(f.filter, yes));
  CHECK_FALSE(eval.holds_all(f.filter, later));
  CHECK_FALSE(eval.holds_all(f.filter, head));
  CHECK_FALSE(eval.holds_all(f.filter, mail));
}

TEST_CASE("a grouped list has section rows, subtotals, a total and merged two-row headers") {
  Form f = parse_form(json::parse(R"({"title": "T", "group_by": {"field": "org_unit"}, "group_label": "{roman}. {key}",
      "subtotals": true, "total": true,
      "header_rows": [[{"text": "STT", "rows": 2}, {"text": "Người", "cols": 2}], ["Họ tên", "Hệ số"]],
      "columns": [{"heading": "STT", "value": {"computed": "stt"}}, {"heading": "Họ tên", "value": {"field": "full_name"}},
                  {"heading": "Hệ số", "value": {"field": "salary_coefficient"}, "total": true}]})"),
                      "f.json");
  Evaluator eval(Date::parse("2026-01-01"));
  std::vector<PersonRow> rows;
  NameCollator col;
  for (auto [id, name, unit, coef] : {std::tuple{"P1", "Lê Văn Bình", "Văn phòng", "2.34"}, {"P2", "Trần An", "Văn phòng", "3.00"},
                                      {"P3", "Đỗ Thị Hoa", "Phòng Nội vụ", "4.40"}}) {
    auto p = person(id, {{"full_name", name}, {"org_unit", unit}, {"salary_coefficient", coef}});
    PersonRow r{id, {}, unit, col.key(unit), {}};
    for (const auto& c : f.columns) r.cells.push_back(eval.cell(c.value, p));
    for (auto& k : col.name_keys(name, "", "", "")) r.sort.push_back({std::nullopt, k});
    rows.push_back(r);
  }
  Sheet s = lay_out_persons(f, rows, Placeholders{});
  auto text = [&](int r, int c) { return s.at(r, c).text; };
  const int head = 2;  // title, blank line
  CHECK(text(head, 0) == "STT");
  CHECK(text(head, 1) == "Người");
  CHECK(text(head + 1, 1) == "Họ tên");
  CHECK(text(head + 1, 2) == "Hệ số");
  int b = s.body_first;
  CHECK(b == head + 2);
  CHECK(text(b, 0) == "I. Phòng Nội vụ");
  CHECK(text(b + 1, 1) == "Đỗ Thị Hoa");
  CHECK(text(b + 2, 0) == "Cộng");
  CHECK(*s.at(b + 2, 2).number == Approx(4.40));
  CHECK(text(b + 3, 0) == "II. Văn phòng");
  CHECK(text(b + 4, 1) == "Trần An");  // An before Bình
  CHECK(text(b + 4, 0) == "2");        // numbering runs on across sections
  CHECK(text(b + 5, 1) == "Lê Văn Bình");
  CHECK(*s.at(b + 6, 2).number == Approx(5.34));
  CHECK(text(b + 7, 0) == "Tổng cộng");
  CHECK(*s.at(b + 7, 2).number == Approx(9.74));
  bool merged_header = false;
  for (const auto& m : s.merges) merged_header = merged_header || (m.first_row == head && m.first_col == 1 && m.last_col == 2);
  CHECK(merged_header);
}

namespace {

// The worked example of docs/organisation.md: BTC and PNV become TCNV on 2025-07-01; LDTBXH is
// split over PNVLD and PVHXH (partial); VP goes on.
sdk::UnitMap district() {
  return sdk::UnitMap({{"BTC", "Ban Tổ chức Huyện ủy", "party", "", "", "2025-06-30", 10},
                       {"PNV", "Phòng Nội vụ", "state", "", "", "2025-06-30", 8},
                       {"TCNV", "Cơ quan Tổ chức - Nội vụ", "state", "", "2025-07-01", "", 15},
                       {"LDTBXH", "Phòng Lao động - Thương binh và Xã hội", "state", "", "", "2025-06-30", 6},
                       {"PNVLD", "Phòng Nội vụ và Lao động", "state", "", "2025-07-01", "", 4},
                       {"PVHXH", "Phòng Văn hóa - Xã hội", "state", "", "2025-07-01", "", 5},
                       {"VP", "Văn phòng", "state", "", "", "", 7}},
                      {{"BTC", "TCNV", "2025-07-01", false, ""},
                       {"PNV", "TCNV", "2025-07-01", false, ""},
                       {"LDTBXH", "PNVLD", "2025-07-01", true, ""},
                       {"LDTBXH", "PVHXH", "2025-07-01", true, ""}});
}

sdk::PersonPeriod posting(const char* code, const char* from, const char* to, const char* level = "staff") {
  sdk::PersonPeriod p;
  p.kind = "posting";
  p.from = from;
  p.to = to;
  p.unit_code = code;
  p.fields["unit"] = code;
  p.level = level;
  return p;
}

sdk::PersonRecord posted(const std::string& id, std::vector<sdk::PersonPeriod> timeline) {
  sdk::PersonRecord p = person(id, {{"full_name", "Nguyễn Văn " + id}});
  p.timeline = std::move(timeline);
  return p;
}

}  // namespace

TEST_CASE("a person is counted by the posting of the day, carried to the structure asked, never guessed") {
  const sdk::UnitMap map = district();
  const Placer now(map, "2025-08-01", "2025-08-01"), old(map, "2025-08-01", "2025-06-30");
  // Moved from PNV into TCNV: TCNV now, PNV in the old structure.
  auto moved = posted("a", {posting("PNV", "2010-01-01", "2025-06-30"), posting("TCNV", "2025-07-01", "", "deputy")});
  CHECK(now.place(moved).code == "TCNV");
  CHECK(Evaluator(Date::parse("2025-08-01"), &now).raw(computed("level"), moved) == "deputy");
  CHECK(old.place(moved).code == "PNV");
  // Joined TCNV after the merger: two predecessors, none of them theirs.
  auto joined = posted("b", {posting("TCNV", "2025-07-15", "")});
  CHECK(now.place(joined).code == "TCNV");
  CHECK(old.place(joined).code.empty());
  CHECK(old.place(joined).reason == "predecessors");
  // The undated golden unit of before the merger is carried to the new one.
  auto undated = posted("c", {posting("BTC", "", "")});
  undated.timeline[0].inferred = true;
  CHECK(now.place(undated).code == "TCNV");
  // A split unit: the person's own posting after it decides; without one, not placed.
  auto split_known = posted("d", {posting("LDTBXH", "2012-01-01", "2025-06-30"), posting("PVHXH", "2025-07-01", "")});
  CHECK(now.place(split_known).code == "PVHXH");
  CHECK(Placer(map, "2025-06-01", "2025-08-01").place(split_known).code == "PVHXH");
  auto split_unknown = posted("e", {posting("LDTBXH", "", "")});
  CHECK(now.place(split_unknown).reason == "split");
  // Left before the day: not on the staff.
  auto left = posted("f", {posting("VP", "2010-01-01", "2024-12-31")});
  CHECK(now.place(left).reason == "not_posted");
  CHECK(now.label(now.place(moved)) == "Cơ quan Tổ chức - Nội vụ");
}

TEST_CASE("the merger form: staff before under the new unit, taken over, after, heads, one row per predecessor") {
  const Form form = parse_form(json::parse(shipped_forms().at(2).second), "merger");
  REQUIRE(shipped_forms().at(2).first == "merger");
  const sdk::UnitMap map = district();
  const Placer now(map, "2025-08-01", "2025-08-01"), before(map, "2025-06-30", "2025-06-30");
  const Evaluator eval_now(Date::parse("2025-08-01"), &now), eval_before(Date::parse("2025-06-30"), &before);
  const QuotaByName no_quota;
  UnitRows rows(form, now, eval_now, &before, &eval_before, no_quota);
  rows.add(posted("1", {posting("BTC", "2010-01-01", "2025-06-30", "head"), posting("TCNV", "2025-07-01", "", "head")}));
  rows.add(posted("2", {posting("PNV", "2010-01-01", "2025-06-30", "head"), posting("TCNV", "2025-07-01", "", "deputy")}));
  rows.add(posted("3", {posting("PNV", "2010-01-01", "2025-06-30")}));  // left with the merger
  rows.add(posted("4", {posting("TCNV", "2025-07-15", "")}));           // joined after it
  rows.add(posted("5", {posting("LDTBXH", "2012-01-01", "2025-06-30"), posting("PVHXH", "2025-07-01", "")}));
  rows.add(posted("6", {posting("LDTBXH", "2012-01-01", "2025-06-30")}));  // split, left: nobody can say where
  rows.add(posted("7", {posting("VP", "2012-01-01", "")}));
  const std::vector<GroupRow> out = rows.finish();
  // Columns: stt, key, code, quota, before, moved, after, difference, heads before/after, deputies before/after.
  auto find = [&](const std::string& label) -> const GroupRow& {
    for (const auto& g : out)
      if (g.label == label) return g;
    FAIL("no row " << label);
    return out.front();
  };
  const GroupRow& tcnv = find("Cơ quan Tổ chức - Nội vụ");
  CHECK(tcnv.values == std::vector<double>{0, 0, 0, 15, 3, 2, 3, -12, 2, 1, 0, 1});
  REQUIRE(tcnv.children.size() == 2);
  CHECK(tcnv.children[0].label == "– từ Ban Tổ chức Huyện ủy");
  CHECK(tcnv.children[0].values == std::vector<double>{0, 0, 0, 10, 1, 1, 1, -9, 1, 1, 0, 0});
  CHECK(tcnv.children[1].values == std::vector<double>{0, 0, 0, 8, 2, 1, 1, -7, 1, 0, 0, 1});
  const GroupRow& pvhxh = find("Phòng Văn hóa - Xã hội");
  CHECK(pvhxh.values[4] == 1);  // the split unit's person counted where they went
  CHECK(pvhxh.values[5] == 1);
  const GroupRow& unplaced = find("(chưa xác định đơn vị)");
  CHECK(unplaced.values[4] == 1);  // the split unit's person who left: no new unit to count under
  CHECK(unplaced.values[6] == 0);
  CHECK(find("Văn phòng").values[4] == 1);
  CHECK(out.size() == 5);  // the four units of 2025-08-01, and the unplaced
}
