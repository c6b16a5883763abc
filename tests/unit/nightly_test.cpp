#include <catch2/catch.hpp>

#include "merge/golden_reader.hpp"
#include "merge/golden_text.hpp"
#include "merge/survivorship.hpp"
#include "plugin/isolated.hpp"
#include "store/row_json.hpp"
#include "store/run_lock.hpp"
#include "sync/record_hash.hpp"
#include "sync/report.hpp"
#include "temp_dir.hpp"
#include "text/normalize.hpp"

using namespace hopnhat;

TEST_CASE("a second lock on a store is refused with the holder named, released, it can be taken") {
  TempDir dir;
  auto store = dir.path / "h.db";
  {
    auto first = store::RunLock::acquire(store, "a sync");
    try {
      store::RunLock::acquire(store, "another sync");
      FAIL("the second lock was granted");
    } catch (const store::LockedError& e) {
      CHECK_THAT(e.what(), Catch::Contains("pid " + std::to_string(::getpid())));
      CHECK_THAT(e.what(), Catch::Contains("a sync since"));
    }
  }
  CHECK_NOTHROW(store::RunLock::acquire(store, "a sync"));
}

TEST_CASE("records and persons survive the isolation protocol unchanged") {
  sdk::SourceRecord r;
  r.id = "HS1";
  r.origin = "a.csv line 2";
  r.fields = {{"full_name", "Đặng Thị Ánh"}, {"birth_date", "1970"}};
  r.attributes = {{"Ghi chú", "x\ny"}, {"B", ""}};
  auto back = plugin::record_from_json(nlohmann::json::parse(plugin::record_to_json(r).dump()));
  CHECK(back.id == r.id);
  CHECK(back.origin == r.origin);
  CHECK(back.fields == r.fields);
  CHECK(back.attributes == r.attributes);

  sdk::PersonRecord p;
  p.person_id = "P0000007";
  p.fields["full_name"] = {"Đặng Thị Ánh", {"office", "HS1", 3, "source_priority"}};
  p.records = {{"office", "HS1", "linked", {{"Ghi chú", "chuyển công tác"}}}, {"civil", "CB1", "review", {}}};
  p.conflicts = {{"birth_date", "value_mismatch"}};
  p.history = {{4, "2026-11-02T01:00:00Z", "position", "Chuyên viên", "Phó Trưởng phòng"}};
  auto q = plugin::person_from_json(nlohmann::json::parse(plugin::person_to_json(p).dump()));
  CHECK(q.person_id == p.person_id);
  CHECK(q.value("full_name") == "Đặng Thị Ánh");
  CHECK(q.fields["full_name"].provenance.run_id == 3);
  REQUIRE(q.records.size() == 2);
  CHECK(q.records[0].source == "office");
  CHECK(q.records[1].status == "review");
  CHECK(*q.attribute("Ghi chú") == "chuyển công tác");
  REQUIRE(q.conflicts.size() == 1);
  CHECK(q.conflicts[0].kind == "value_mismatch");
  REQUIRE(q.history.size() == 1);
  CHECK(q.history[0].new_value == "Phó Trưởng phòng");
  CHECK(q.history[0].run_id == 4);

  sdk::ExportHeader h{7, "2026-11-28T01:00:00Z", {"full_name"}, {{"party", 10, 2, 1, 7, 0, 1, ""}}, "state\nof the file", 6, {}, {}};
  auto hb = plugin::header_from_json(nlohmann::json::parse(plugin::header_to_json(h).dump()));
  CHECK(hb.run_id == 7);
  CHECK(hb.previous_state == h.previous_state);
  CHECK(hb.previous_run == 6);
  CHECK(hb.run_started_at == h.run_started_at);
  REQUIRE(hb.sources.size() == 1);
  CHECK(hb.sources[0].read == 10);
  CHECK(hb.sources[0].failed == 1);
}

TEST_CASE("a record's normalised values round-trip through the store's JSON, invalid ones marked") {
  auto n = text::normalize_record({{"full_name", "  nguyễn văn an "}, {"birth_date", "không rõ"}, {"gender", "1"}, {"unknown", "x"}});
  CHECK(n.values().at("full_name") == "Nguyễn Văn An");
  CHECK(n.values().at("gender") == "Nam");
  CHECK_FALSE(n.valid("birth_date"));
  CHECK_FALSE(n.values().count("unknown"));
  nlohmann::json expected = n.values();  // the text is what the JSON library would write
  expected["!invalid"] = n.invalid();
  CHECK(text::to_json_text(n) == expected.dump());
  auto back = text::normalized_from_json(text::to_json_text(n));
  CHECK(back.values() == n.values());
  CHECK(back.invalid() == n.invalid());
  CHECK(text::normalize_record({{"family_name", "Lê"}, {"given_name", "Lợi"}}).values().at("full_name") == "Lê Lợi");
}

TEST_CASE("a golden record's stored text reads back as its JSON shape, whatever its characters") {
  record::StoredRecord r, q;
  r.record.source = "nguồn \"A\"";
  r.record.id = "id\\1\t\x01";
  r.changed_run = 12345678901;
  q.record.source = "party";
  q.record.id = "decision";  // an id that looks like a rule is not one
  q.changed_run = 2;
  merge::GoldenRecord g;
  g.values.push_back({"org_unit", "Phòng \"Nội vụ\"\n\x1f\x7f,\"decision\"]", &r, "source_priority"});
  g.values.push_back({"phone", "0912", &q, "only_value"});
  g.values.push_back({"birth_date", "", &r, "source_priority"});  // written in key order, not in this one
  const std::string text = g.to_text();
  CHECK(text == merge::encode_golden(g.to_json()));  // the direct writer and the tree's agree byte for byte
  CHECK(merge::decode_golden(text) == g.to_json());
  CHECK(merge::is_compact_golden(text));
  CHECK(text.find("12345678901") == text.rfind("12345678901"));  // a provenance shared is written once
  CHECK_FALSE(merge::golden_has_decision(text));
  CHECK(merge::GoldenRecord{}.to_text() == R"({"p":[],"f":{}})");
  CHECK(merge::decode_golden(merge::GoldenRecord{}.to_text()) == nlohmann::json::object());
  CHECK_THROWS_WITH(merge::decode_golden(R"({"p":[],"f":{"phone":["1",0]}})"), Catch::Contains("not valid"));
  CHECK_THROWS_WITH(merge::decode_golden("[1]"), Catch::Contains("not a JSON object"));
}

TEST_CASE("golden records stored before the compact layout read as they were written") {
  const nlohmann::json shape = {
      {"birth_date", {{"value", "1965-09-12"}, {"source", "civil"}, {"record_id", "C1"}, {"run", 3}, {"rule", "decision"}}},
      {"phone", {{"value", "0912"}, {"source", "party"}, {"record_id", "9"}, {"run", 1}, {"rule", "only_value"}}}};
  for (const std::string& text : {shape.dump(), merge::encode_golden(shape)}) {
    INFO(text);
    CHECK(merge::decode_golden(text) == shape);
    CHECK(merge::golden_has_decision(text));
    merge::GoldenReader reader;
    std::map<std::string, sdk::PersonValue> values;
    reader.read("P1", text, values);
    REQUIRE(values.size() == 2);
    CHECK(values["birth_date"].value == "1965-09-12");
    CHECK(values["birth_date"].provenance.record_id == "C1");
    CHECK(values["birth_date"].provenance.run_id == 3);
    CHECK(values["birth_date"].provenance.rule == "decision");
    CHECK(values["phone"].provenance.source == "party");
    std::set<std::string, std::less<>> fields;
    reader.add_fields("P1", text, fields);
    CHECK(fields == std::set<std::string, std::less<>>{"birth_date", "phone"});
  }
  merge::GoldenReader reader;
  std::map<std::string, sdk::PersonValue> values;
  CHECK_THROWS_WITH(reader.read("P7", R"({"p":[],"f":{"phone":["1",3]}})", values), Catch::Contains("person P7"));
}

TEST_CASE("a golden reader reusing one map leaves in it exactly the values of the last record read") {
  auto golden = [](std::vector<std::pair<std::string, std::string>> fields) {
    nlohmann::json g = nlohmann::json::object();
    for (const auto& [k, v] : fields) g[k] = {{"value", v}, {"source", "s" + k}, {"record_id", v}, {"run", 2}, {"rule", "r"}};
    return g;
  };
  const std::vector<nlohmann::json> persons = {
      golden({{"birth_date", "1965"}, {"full_name", "Lê Văn Tám"}, {"phone", "0912"}}),
      golden({{"full_name", "Trần Thị Bé"}}),                                         // fewer
      golden({{"address", "Huế"}, {"full_name", "Ngô Ba"}, {"zz_last", "x"}}),        // before, between, after
      golden({}),                                                                     // none
      golden({{"birth_date", "1970"}, {"gender", "Nữ"}})};
  merge::GoldenReader reused, fresh_reader;
  std::map<std::string, sdk::PersonValue> values;
  for (const auto& g : persons) {
    for (const std::string& text : {merge::encode_golden(g), g.dump(), std::string(R"({"p":[["s","1",1,"r"]],"f":{"z":["2",0],"a":["1",0]}})")}) {
      INFO(text);
      reused.read("P1", text, values);
      std::map<std::string, sdk::PersonValue> fresh;
      fresh_reader.read("P1", text, fresh);
      REQUIRE(values.size() == fresh.size());
      for (const auto& [k, v] : fresh) {
        REQUIRE(values.count(k));
        CHECK(values[k].value == v.value);
        CHECK(values[k].provenance.source == v.provenance.source);
        CHECK(values[k].provenance.record_id == v.provenance.record_id);
      }
    }
    CHECK(values.size() == 2);  // the last text: fields out of key order, read all the same
  }
  reused.read("P2", R"({"p":[],"f":{"a":["1"]}})", values);  // a value listed without its provenance
  REQUIRE(values.size() == 1);
  CHECK(values["a"].value == "1");
  CHECK(values["a"].provenance.source.empty());
  CHECK(values["a"].provenance.rule.empty());
}

TEST_CASE("a record's raw fields are stored as the JSON library writes them, text that is not UTF-8 is refused") {
  sdk::SourceRecord r;
  r.fields = {{"full_name", "Nguyễn \"Văn\" An\t"}, {"birth_date", "1/2/1965\x01"}, {"org_unit", "a\\b"}};
  nlohmann::json expected = r.fields;
  CHECK(store::fields_json(r) == expected.dump());
  r.fields["hometown"] = "H\xe0 N\xf4i";  // Windows-1258 bytes, never decoded
  CHECK_THROWS_AS(store::fields_json(r), std::invalid_argument);
  // Raw columns likewise, and they read back as they were.
  std::vector<std::pair<std::string, std::string>> pairs{{"Ghi chú", "a \"b\"\n\x02"}, {"Mã", "\\x"}, {"", ""}};
  nlohmann::json as_array = nlohmann::json::array();
  for (const auto& [k, v] : pairs) as_array.push_back({k, v});
  CHECK(store::pairs_json(pairs) == as_array.dump());
  CHECK(store::read_pairs_json(store::pairs_json(pairs)) == pairs);
  CHECK(store::pairs_json({}) == "[]");
  CHECK(store::read_pairs_json("[]").empty());
  CHECK_THROWS_AS(store::pairs_json({{"x", "\xff"}}), std::invalid_argument);
}

TEST_CASE("survivorship: field priority, then source priority, understood values first, with provenance") {
  record::StoredRecord party, civil;
  party.record.source = "party";
  party.record.id = "1";
  party.changed_run = 2;
  civil.record.source = "civil";
  civil.record.id = "CB1";
  civil.changed_run = 1;
  auto np = text::normalize_record({{"full_name", "Lê Văn Tám"}, {"birth_date", "12/09/1965"}, {"party_unit", "Chi bộ 1"}});
  auto nc = text::normalize_record({{"full_name", "LE VAN TAM"}, {"birth_date", "09/12/1965"}, {"grade_code", "01.003"}});
  merge::SurvivorshipRules rules{{"civil", "party"}, {{"birth_date", {"party", "civil"}}}, {}};
  auto golden = merge::build_golden({&party, &civil}, {&np, &nc}, rules);
  auto g = golden.to_json();
  CHECK(merge::decode_golden(golden.to_text()) == g);
  CHECK(g["birth_date"]["value"] == "1965-09-12");  // field priority: party first
  CHECK(g["birth_date"]["source"] == "party");
  CHECK(g["full_name"]["value"] == "Lê Văn Tám");  // same name once folded: the spelling with diacritics,
  CHECK(g["full_name"]["source"] == "party");       // though civil comes first
  CHECK(g["full_name"]["rule"] == "agreement");
  CHECK(g["party_unit"]["rule"] == "only_value");
  CHECK(g["grade_code"]["run"] == 1);
  REQUIRE(golden.conflicts.size() == 1);                         // the birth dates disagree
  CHECK(golden.conflicts[0].field == "birth_date");
  CHECK(golden.conflicts[0].candidates.size() == 2);
}

TEST_CASE("a record's content hash: XXH3 now, and a store's older FNV hashes still compare") {
  sdk::SourceRecord r;  // a party record as a store written by an older hopnhat holds it
  r.id = "10000007";
  r.fields = {{"birth_date", "02/04/1972"}, {"citizen_id", "027172644595"}, {"full_name", "Nguyễn Thị Tiên"},
              {"gender", "Nữ"}, {"hometown", "Đà Nẵng"}, {"party_card_no", "10000007"}, {"party_join_date", "08/05/2008"},
              {"party_official_date", "13/02/2009"}, {"party_unit", "Chi bộ Nội vụ"}};
  r.content_hash = sdk::compute_content_hash(r);
  CHECK(r.content_hash.size() == 33);
  CHECK(r.content_hash[0] == '2');
  const std::string stored = "8b1434d54f2c467370b3181bfca83af0";  // what that store keeps
  CHECK(sync::legacy_content_hash(r) == stored);
  CHECK(sync::same_content(stored, r));
  CHECK(sync::same_content(r.content_hash, r));
  sdk::SourceRecord moved = r;
  moved.fields["hometown"] = "Huế";
  moved.content_hash = sdk::compute_content_hash(moved);
  CHECK_FALSE(sync::same_content(stored, moved));
  CHECK_FALSE(sync::same_content(r.content_hash, moved));
  sdk::SourceRecord split = r;  // the same bytes cut elsewhere are other content
  split.attributes = {{"a", "bc"}};
  sdk::SourceRecord split2 = r;
  split2.attributes = {{"ab", "c"}};
  CHECK(sdk::compute_content_hash(split) != sdk::compute_content_hash(split2));
}

TEST_CASE("a run report whose messages hold bytes that are not UTF-8 is still written, those bytes as U+FFFD") {
  sync::RunReport report;
  report.status = "failed";
  // A server's page cut in the middle of "ệ": the parser's message quotes the bytes it read.
  report.error = "source civil: the answer is not valid JSON (cut short?): last read: 'Nội v\xE1\xBB'";
  std::string text;
  REQUIRE_NOTHROW(text = report.json_text());
  CHECK(nlohmann::json::parse(text)["error"].get<std::string>().find("Nội v\xEF\xBF\xBD") != std::string::npos);
}
