// A person's history merged per period (core/org/timeline.hpp) and counted on a date
// (core/org/headcount.hpp).
#include <catch2/catch.hpp>

#include "org/headcount.hpp"
#include "hopnhat/sdk/history.hpp"
#include "org/timeline.hpp"

using namespace hopnhat;
using org::StatedRow;

namespace {

StatedRow posting(const std::string& source, const std::string& id, const std::string& unit, const std::string& from,
                  const std::string& to, const std::string& position = "Chuyên viên") {
  return {source, id, {"posting", from, to, {{"unit", unit}, {"position", position}}, source + " line 1"}, false};
}

// Units by their folded names, as a registry would resolve them.
std::string unit_code(const std::string& text) {
  if (text == "Phòng Nội vụ" || text == "P. Nội vụ") return "PNV";
  if (text == "Phòng Tổ chức - Nội vụ") return "TCNV";
  if (text == "Văn phòng" || text == "VP") return "VP";
  return "";
}

}  // namespace

TEST_CASE("history rows are checked and their dates read as ISO, naming the row that is wrong") {
  std::vector<sdk::HistoryRow> rows = {{"posting", "01/07/2025", "", {{"unit", "Phòng Nội vụ"}}, "qtct.csv line 2"},
                                       {"grade", "07/2020", "2025", {{"grade_code", "01.003"}}, "luong.csv line 3"}};
  CHECK_FALSE(org::normalize_history(rows));
  CHECK(rows[0].from == "2025-07-01");
  CHECK(rows[1].from == "2020-07");
  CHECK(rows[1].to == "2025");

  std::vector<sdk::HistoryRow> bad_date = {{"posting", "31/02/2025", "", {{"unit", "X"}}, "qtct.csv line 4"}};
  auto problem = org::normalize_history(bad_date);
  REQUIRE(problem);
  CHECK_THAT(*problem, Catch::Contains("qtct.csv line 4") && Catch::Contains("31/02/2025") && Catch::Contains("not a date"));

  std::vector<sdk::HistoryRow> reversed = {{"posting", "2025-07-01", "2024-01-01", {{"unit", "X"}}, "qtct.csv line 5"}};
  CHECK_THAT(*org::normalize_history(reversed), Catch::Contains("after the last day"));
  std::vector<sdk::HistoryRow> no_unit = {{"posting", "2025-07-01", "", {{"position", "Chuyên viên"}}, "qtct.csv line 6"}};
  CHECK_THAT(*org::normalize_history(no_unit), Catch::Contains("needs its unit"));
  std::vector<sdk::HistoryRow> kind = {{"salary", "2025-07-01", "", {}, "x line 7"}};
  CHECK_THAT(*org::normalize_history(kind), Catch::Contains("expected posting, grade or party"));
}

TEST_CASE("rows of two sources for one unit over overlapping days are one period with both sources") {
  auto t = org::merge_timeline({posting("civil", "CB1", "Phòng Nội vụ", "2015-03-01", "2025-06-30"),
                                posting("party", "9", "P. Nội vụ", "2016-01-01", "2025-06-30"),
                                posting("civil", "CB1", "Phòng Tổ chức - Nội vụ", "2025-07-01", "")},
                               unit_code);
  REQUIRE(t.size() == 2);
  CHECK(t[0].unit_code == "PNV");
  CHECK(t[0].from == "2015-03-01");
  CHECK(t[0].to == "2025-06-30");
  CHECK(t[0].sources == std::vector<std::string>{"civil:CB1", "party:9"});
  CHECK(t[1].unit_code == "TCNV");
  CHECK(t[1].to.empty());
  CHECK(org::posting_on(t, "2025-06-30")->unit_code == "PNV");
  CHECK(org::posting_on(t, "2025-07-01")->unit_code == "TCNV");
  CHECK(org::posting_on(t, "2014-12-31") == nullptr);  // before they joined
  CHECK(org::current_disputes(t, "2026-01-01").empty());
}

TEST_CASE("an undated golden unit joins a dated posting of its unit without keeping it open") {
  // The office sheet still names Phòng Nội vụ; the civil-service history says the person moved.
  std::vector<StatedRow> rows = {posting("civil", "CB1", "Phòng Nội vụ", "2015-03-01", "2025-06-30"),
                                 posting("civil", "CB1", "Phòng Tổ chức - Nội vụ", "2025-07-01", "")};
  rows.push_back(*org::inferred_posting("P. Nội vụ", "Chuyên viên"));
  auto t = org::merge_timeline(rows, unit_code);
  REQUIRE(t.size() == 2);
  CHECK(t[0].to == "2025-06-30");
  CHECK(t[0].sources.back() == "golden:org_unit");
  CHECK(org::posting_on(t, "2026-01-01")->unit_code == "TCNV");
  CHECK(org::current_disputes(t, "2026-01-01").empty());

  // A golden unit no dated posting names stands alone, open: two current units in dispute.
  rows.back() = *org::inferred_posting("Văn phòng", "");
  t = org::merge_timeline(rows, unit_code);
  REQUIRE(t.size() == 3);
  CHECK(t.back().inferred);
  CHECK(org::current_disputes(t, "2026-01-01").size() == 2);
  // An administrator's answer ends the dispute, and the posting it names is the one of the day.
  std::vector<sdk::PersonPeriod> decided = t;
  decided.back().sources.push_back("decision:#5");
  CHECK(org::current_disputes(decided, "2026-01-01").empty());
  CHECK(org::posting_on(decided, "2026-01-01") == &decided.back());
  CHECK_FALSE(org::inferred_posting("  ", ""));

  // Joined after the merger; the system's own unit column still names the unit before it: the
  // undated unit joins the dated posting of its successor, no dispute.
  auto pnv_became_tcnv = [](const std::string& old_code, const std::string& new_code) { return old_code == "PNV" && new_code == "TCNV"; };
  t = org::merge_timeline({posting("civil", "CB2", "Phòng Tổ chức - Nội vụ", "2025-09-01", ""),
                           *org::inferred_posting("Phòng Nội vụ", "Chuyên viên")},
                          unit_code, pnv_became_tcnv);
  REQUIRE(t.size() == 1);
  CHECK(t[0].sources == std::vector<std::string>{"civil:CB2", "golden:org_unit"});
  CHECK(org::current_disputes(t, "2026-01-01").empty());
  CHECK(org::posting_on(t, "2025-01-01") == nullptr);
}

TEST_CASE("touching periods of one unit and position join, a grade lasts until the next, a party event is a day") {
  auto t = org::merge_timeline({posting("civil", "CB1", "VP", "2010-01-01", "2012-12-31"),
                                posting("civil", "CB1", "Văn phòng", "2013-01-01", "2014-05-31"),
                                {"civil", "CB1", {"grade", "2010-01", "", {{"grade_code", "01.003"}, {"salary_step", "1"}}, ""}, false},
                                {"civil", "CB1", {"grade", "2013-01", "", {{"grade_code", "01.003"}, {"salary_step", "2"}}, ""}, false},
                                {"party", "9", {"party", "2011-05-19", "", {{"event", "admitted"}}, ""}, false}},
                               unit_code);
  REQUIRE(t.size() == 4);
  CHECK(t[0].kind == "grade");
  CHECK(t[0].to == "2012-12-31");  // the day before the next grade
  CHECK(t[1].to.empty());
  CHECK(t[2].kind == "party");
  CHECK(t[2].to == "2011-05-19");
  CHECK(t[3].kind == "posting");
  CHECK(t[3].from == "2010-01-01");
  CHECK(t[3].to == "2014-05-31");
  CHECK(org::first_day("2024-02") == "2024-02-01");
  CHECK(org::last_day("2024-02") == "2024-02-29");
  CHECK(org::last_day("2023") == "2023-12-31");
}

TEST_CASE("the headcount places a person with postings by the posting of the day, and not at all without one") {
  auto units = org::OrgRegistry::from_rows(
      {{"PNV", "Phòng Nội vụ", "state", "", "", "2025-06-30", {}, 2},
       {"VP", "Văn phòng", "party", "", "", "", {}, 3},
       {"TCNV", "Phòng Tổ chức - Nội vụ", "state", "", "2025-07-01", "", {}, 4}},
      {{"PNV", "TCNV", "2025-07-01", false, "QĐ", 2}});
  const org::UnitResolver resolver(units);
  auto unit_of = [&](const std::string& text) { return resolver.resolve(text).code; };
  std::vector<org::PersonPlace> persons = {
      {"P1", "Phòng Nội vụ", "", "Trưởng phòng", {}},  // no history: by golden values
      {"P2", "Phòng Nội vụ", "", "Chuyên viên",
       org::merge_timeline({posting("civil", "CB2", "Văn phòng", "2010-01-01", "2024-03-31"),
                            posting("civil", "CB2", "Phòng Nội vụ", "2024-04-01", "", "Phó Trưởng phòng")},
                           unit_of)},
      {"P3", "Văn phòng", "", "Chuyên viên", org::merge_timeline({posting("civil", "CB3", "Văn phòng", "2025-09-01", "")}, unit_of)}};
  auto before = org::count_heads(units, resolver, org::PositionLevels(), persons, "2024-01-01");
  auto count = [](const org::Headcount& h, const std::string& code) {
    for (const auto& u : h.units)
      if (u.unit->code == code) return std::make_pair(u.headcount, u.deputies);
    return std::make_pair(std::int64_t{-1}, std::int64_t{-1});
  };
  CHECK(count(before, "PNV") == std::make_pair(std::int64_t{1}, std::int64_t{0}));  // P1
  CHECK(count(before, "VP") == std::make_pair(std::int64_t{1}, std::int64_t{0}));   // P2 before the transfer
  CHECK(before.not_posted == 1);                                                    // P3 not yet
  CHECK(before.by_posting == 1);
  auto after = org::count_heads(units, resolver, org::PositionLevels(), persons, "2026-01-01");
  CHECK(count(after, "TCNV") == std::make_pair(std::int64_t{2}, std::int64_t{1}));  // P1 carried, P2 a deputy
  CHECK(count(after, "VP") == std::make_pair(std::int64_t{1}, std::int64_t{0}));    // P3
  CHECK(after.not_posted == 0);
}

TEST_CASE("a history table finds its columns by the Vietnamese headings, or the ones named, and says what is missing") {
  sdk::HistoryTable table;
  REQUIRE(sdk::HistoryTable::open({"Mã cán bộ", "TỪ NGÀY", "Đến ngày", "Đơn vị công tác", "Chức vụ"}, "posting", "Mã cán bộ", {},
                                  "qtct.xlsx, sheet 1, row 1", table)
              .is_ok());
  std::string id;
  sdk::HistoryRow row;
  REQUIRE(table.row({" CB1 ", "01/07/2025", "", "Phòng Tổ chức - Nội vụ", "Chuyên viên"}, "qtct.xlsx, sheet 1, row 2", id, row));
  CHECK(id == "CB1");
  CHECK(row == sdk::HistoryRow{"posting", "01/07/2025", "", {{"unit", "Phòng Tổ chức - Nội vụ"}, {"position", "Chuyên viên"}},
                               "qtct.xlsx, sheet 1, row 2"});
  CHECK_FALSE(table.row({"", "Người lập biểu"}, "x", id, row));  // a note under the table

  auto st = sdk::HistoryTable::open({"Mã", "Từ ngày", "Bậc"}, "grade", "Mã", {}, "luong.csv, line 1", table);
  CHECK_THAT(st.message(), Catch::Contains("luong.csv, line 1: a grade history needs a column for grade_code (e.g. \"Mã ngạch\")"));
  st = sdk::HistoryTable::open({"Mã", "Ngày", "Việc"}, "party", "Mã", {{"event", "Sự việc"}}, "dang.csv, line 1", table);
  CHECK_THAT(st.message(), Catch::Contains("the column \"Sự việc\" named for event is not in the header"));
  CHECK(sdk::HistoryTable::open({"Mã", "Ngày", "Việc"}, "party", "Mã", {{"event", "Việc"}}, "dang.csv, line 1", table).is_ok());
  CHECK_THAT(sdk::HistoryTable::open({"Mã"}, "posting", "Số hiệu", {}, "a.csv, line 1", table).message(),
             Catch::Contains("the id column \"Số hiệu\" is not in the header"));
  // A column the kind does not have is refused, whichever plugin names it.
  CHECK_THAT(sdk::HistoryTable::open({"Mã", "Từ ngày", "Đơn vị"}, "posting", "Mã", {{"grade_code", "Đơn vị"}}, "q.xlsx, sheet 2", table).message(),
             Catch::Contains("q.xlsx, sheet 2: columns.grade_code: a posting row has from, to and the columns of its kind"));
  CHECK(sdk::HistoryTable::column_problem("posting", "unit", "") == "the column heading must not be empty");
  CHECK(sdk::HistoryTable::column_problem("grade", "salary_step", "Bậc").empty());
}
