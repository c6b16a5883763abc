// The Store contract, on both backends (SQLite file, PostgreSQL database): migrations, round
// trips, transactions and savepoints, deletions, counters, history, ordering, the run lock, what
// both must write alike (sessions, unit answers, the registry), and migrations of a store with data.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <tuple>
#include <vector>

#include "store/migrations.hpp"
#include "store/run_lock.hpp"
#include "store/store.hpp"
#include "store_backends.hpp"

using namespace hopnhat::store;
namespace sdk = hopnhat::sdk;

namespace {
sdk::SourceRecord record(const std::string& id, const std::string& name, const std::string& source = "party") {
  sdk::SourceRecord r;
  r.source = source;
  r.id = id;
  r.origin = "a.csv line 2";
  r.fields["full_name"] = name;
  r.attributes = {{"Ghi chú", "x\ttab\nline\\slash"}, {"A", ""}};
  r.content_hash = sdk::compute_content_hash(r);
  return r;
}
}  // namespace

TEST_CASE("both backends know the same migrations, numbered 1, 2, 3 … from their file names") {
  auto sqlite = embedded::migration_names();
  auto postgres = embedded::postgres_migration_names();
  REQUIRE(sqlite.size() == postgres.size());
  REQUIRE_FALSE(sqlite.empty());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    INFO("SQLite " << sqlite[i] << ", PostgreSQL " << postgres[i]);
    CHECK(std::stoi(std::string(sqlite[i].substr(0, 3))) == static_cast<int>(i + 1));
    CHECK(sqlite[i].substr(0, 4) == postgres[i].substr(0, 4));  // "NNN_"
    CHECK_FALSE(embedded::migration_file(sqlite[i]).empty());
    CHECK_FALSE(embedded::postgres_migration_file(postgres[i]).empty());
  }
}

TEST_CASE("a new store gets the current schema version, nothing is pending after") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  CHECK(store->pending_migrations().size() == 14);
  store->begin();
  CHECK(store->schema_version() == 14);
  CHECK(store->latest_schema_version() == 14);
  store->commit();
  CHECK(store->pending_migrations().empty());
  CHECK_THAT(store->describe(), Catch::StartsWith(ts.backend() == "sqlite" ? "SQLite" : "PostgreSQL"));
}

TEST_CASE("records, links and persons round-trip, text with tabs and line ends intact") {
  FOR_EACH_BACKEND(ts);
  {
    auto store = ts.open();
    store->begin();
    auto run = store->create_run("2026-01-01T00:00:00Z", false);
    store->put_record(record("1", "Nguyễn Văn An"), run, R"({"full_name":"Nguyễn Văn An"})");
    store->put_person({"P0000001", run, run, std::nullopt, "{}", "", ""});
    store->put_link({"party", "1", "P0000001", "linked", 1.0, "citizen_id", run, std::string("\x00\xff\\x1f", 4)});
    store->put_source_state("party", {"bookmark-1", 1}, run);
    store->finish_run(run, "succeeded", "2026-01-01T00:00:01Z", "{}");
    store->commit();
  }
  auto store = ts.open(false);
  auto recs = store->active_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].record.fields.at("full_name") == "Nguyễn Văn An");
  CHECK(recs[0].record.attributes[0] == std::make_pair(std::string("Ghi chú"), std::string("x\ttab\nline\\slash")));
  CHECK(recs[0].record.content_hash == record("1", "Nguyễn Văn An").content_hash);
  CHECK(recs[0].normalized == R"({"full_name":"Nguyễn Văn An"})");
  CHECK(store->links().at(0).score == 1.0);
  CHECK(store->links().at(0).match_keys == std::string("\x00\xff\\x1f", 4));  // bytes, a zero and a backslash included
  CHECK(store->links_of("P0000001").size() == 1);
  CHECK(store->person("P0000001")->created_run == 1);
  CHECK_FALSE(store->person("P0000009"));
  CHECK(store->record("party", "1")->record.origin == "a.csv line 2");
  CHECK(store->source_state("party")->state == "bookmark-1");
  CHECK(store->runs(10).at(0).status == "succeeded");
}

TEST_CASE("rows added as new read back like put ones, a put after an add wins, and adding a stored row fails") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run = store->create_run("2026-01-01T00:00:00Z", false);
  store->add_person({"P0000001", run, run, std::nullopt, R"({"a":1})", "", ""});
  store->add_person({"P0000002", run, run, std::nullopt, "{}", "", "P0000001"});
  store->add_record(record("1", "Nguyễn Văn An"), run, R"({"full_name":"Nguyễn Văn An"})");
  store->add_link({"party", "1", "P0000001", "linked", std::nullopt, "single", run, std::string("\x00k", 2)});
  store->put_person({"P0000001", run, run, std::nullopt, R"({"a":2})", "", ""});
  CHECK(store->person("P0000001")->golden == R"({"a":2})");
  CHECK(store->person("P0000002")->split_from == "P0000001");
  CHECK(store->person("P0000002")->merged_into.empty());
  auto recs = store->active_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].first_run == run);
  CHECK(recs[0].changed_run == run);
  CHECK(recs[0].record.attributes == record("1", "").attributes);
  REQUIRE(store->links().size() == 1);
  CHECK(store->links()[0].match_keys == std::string("\x00k", 2));
  CHECK_FALSE(store->links()[0].score);
  CHECK_THROWS([&] {  // at once, or (PostgreSQL) when a read sends the buffered insert
    store->add_link({"party", "1", "P0000002", "linked", 0.5, "probabilistic", run, "k"});
    store->links();
  }());
  store->rollback();
}

TEST_CASE("the last write of a key wins, and reads see every write of the transaction") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->put_person({"P0000001", 1, 1, std::nullopt, R"({"a":1})", "", ""});
  store->put_person({"P0000001", 1, 2, std::nullopt, R"({"a":2})", "", ""});
  store->put_link({"party", "1", "P0000001", "linked", std::nullopt, "single", 1, "k1"});
  store->put_link({"party", "1", "P0000001", "review", 0.7, "probabilistic", 2, "k2"});
  CHECK(store->person("P0000001")->golden == R"({"a":2})");
  CHECK(store->links().at(0).status == "review");
  CHECK(store->links().at(0).score == Approx(0.7));
  CHECK(store->links().at(0).match_keys == "k2");
  store->commit();
}

TEST_CASE("rows come back in byte order, the same on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  for (const char* id : {"b", "B", "a", "Ă", "_x", "10", "9"}) store->put_record(record(id, "A"), 1, "{}");
  std::vector<std::string> ids;
  for (const auto& r : store->active_records()) ids.push_back(r.record.id);
  CHECK(ids == std::vector<std::string>{"10", "9", "B", "_x", "a", "b", "Ă"});
  store->commit();
}

TEST_CASE("live links come by person, then source and record id, in byte order, deleted ones not at all") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run = store->create_run("2026-01-01T00:00:00Z", false);
  for (const char* p : {"P10", "P9", "Pă", "PB"}) store->put_person({p, run, run, std::nullopt, "{}", "", ""});
  const std::vector<std::tuple<const char*, const char*, const char*, const char*>> links = {
      {"party", "2", "P9", "linked"}, {"civil", "7", "P10", "review"}, {"party", "1", "P9", "linked"},
      {"civil", "3", "Pă", "linked"}, {"office", "1", "PB", "deleted"}, {"civil", "1", "P9", "linked"},
      {"party", "10", "P10", "linked"}};
  for (const auto& [source, id, person, status] : links) store->add_link({source, id, person, status, std::nullopt, "r", run, ""});
  std::vector<std::string> seen;
  store->each_live_link([&](LinkRow&& l) { seen.push_back(l.person_id + " " + l.source + ":" + l.record_id + " " + l.status); });
  CHECK(seen == std::vector<std::string>{"P10 civil:7 review", "P10 party:10 linked", "P9 civil:1 linked", "P9 party:1 linked",
                                         "P9 party:2 linked", "Pă civil:3 linked"});
  store->commit();
}

namespace {
// The definitions of the links' indexes in a SQLite store file, in name order.
std::vector<std::string> link_index_sql(const std::filesystem::path& file) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(file.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE(sqlite3_prepare_v2(h, "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'links' AND sql IS NOT NULL "
                                "ORDER BY name", -1, &s, nullptr) == SQLITE_OK);
  std::vector<std::string> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}
}  // namespace

TEST_CASE("links of a first run: the indexes set aside come back as they were, and a failed run keeps them") {
  FOR_EACH_BACKEND(ts);
  const bool sqlite = ts.backend() == "sqlite";
  std::vector<std::string> indexes;
  {
    auto store = ts.open();
    store->begin();  // the schema
    store->commit();
    if (sqlite) indexes = link_index_sql(ts.sqlite_path());
    if (sqlite) REQUIRE(indexes.size() == 2);  // links_by_person, links_key
    store->set_reference_checks(false);
    store->begin();
    auto run = store->create_run("2026-01-01T00:00:00Z", false);
    for (const char* p : {"P1", "P2"}) store->add_person({p, run, run, std::nullopt, "{}", "", ""});
    CHECK(store->set_link_indexes_aside() == sqlite);  // PostgreSQL keeps them
    store->add_link({"party", "2", "P2", "linked", std::nullopt, "r", run, ""});
    store->add_link({"party", "1", "P1", "review", std::nullopt, "r", run, ""});
    store->add_link({"civil", "9", "P1", "linked", std::nullopt, "r", run, ""});
    store->restore_link_indexes();
    store->commit();
    std::vector<std::string> seen;
    store->each_live_link([&](LinkRow&& l) { seen.push_back(l.person_id + " " + l.source + ":" + l.record_id); });
    CHECK(seen == std::vector<std::string>{"P1 civil:9", "P1 party:1", "P2 party:2"});
  }
  if (!sqlite) return;
  CHECK(link_index_sql(ts.sqlite_path()) == indexes);

  auto store = ts.open(false);
  store->set_reference_checks(false);
  store->begin();
  CHECK_FALSE(store->set_link_indexes_aside());  // the table holds links: each new one goes in its place
  store->rollback();
  // A run that fails between the two: nothing of it stays, the indexes included.
  store.reset();
  ts.exec("DELETE FROM links");
  store = ts.open(false);
  store->set_reference_checks(false);
  store->begin();
  REQUIRE(store->set_link_indexes_aside());
  store->add_link({"party", "1", "P1", "linked", std::nullopt, "r", 1, ""});
  store->add_link({"party", "1", "P2", "linked", std::nullopt, "r", 1, ""});  // the same key twice: the unique index refuses it
  CHECK_THROWS(store->restore_link_indexes());
  store->rollback();
  CHECK(link_index_sql(ts.sqlite_path()) == indexes);
  // The same store object, in the next run, sets them aside and makes them again.
  store->begin();
  REQUIRE(store->set_link_indexes_aside());
  CHECK(link_index_sql(ts.sqlite_path()) == indexes);  // another connection sees the last commit
  store->add_link({"party", "1", "P1", "linked", std::nullopt, "r", 1, ""});
  store->restore_link_indexes();
  store->commit();
  store.reset();
  CHECK(link_index_sql(ts.sqlite_path()) == indexes);
  // With reference checks on, a person's write would look for its links without an index.
  store = ts.open(false);
  store->begin();
  CHECK_FALSE(store->set_link_indexes_aside());
  store->rollback();
}

TEST_CASE("a person's value changes are kept with their run's date, oldest first") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto r1 = store->create_run("2026-01-01T00:00:00Z", false);
  store->put_person({"P0000001", r1, r1, std::nullopt, "{}", "", ""});
  store->put_person({"P0000002", r1, r1, std::nullopt, "{}", "", ""});
  auto r2 = store->create_run("2026-02-01T00:00:00Z", false);
  store->put_person_change({"P0000001", r2, "2026-02-01T00:00:00Z", "position", "Chuyên viên", "Phó Trưởng phòng"});
  auto r3 = store->create_run("2026-03-01T00:00:00Z", false);
  store->put_person_change({"P0000001", r3, "2026-03-01T00:00:00Z", "position", "Phó Trưởng phòng", "Trưởng phòng"});
  store->put_person_change({"P0000002", r3, "2026-03-01T00:00:00Z", "org_unit", "Văn phòng", ""});
  store->commit();
  auto one = store->person_changes("P0000001");
  REQUIRE(one.size() == 2);
  CHECK(one[0].new_value == "Phó Trưởng phòng");
  CHECK(one[1].changed_at == "2026-03-01T00:00:00Z");
  CHECK(store->person_changes("").size() == 3);
  CHECK(store->person_changes("P0000009").empty());
}

TEST_CASE("a person's view run: set by writes, marked by runs and administrators, read by exports") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  auto ids = [&](std::int64_t since) {
    std::vector<std::string> out;
    store->each_person_changed_since(since, [&](PersonRow&& p) { out.push_back(p.id + (p.retired_run ? "-" : "")); });
    return out;
  };
  store->begin();
  auto r1 = store->create_run("t", false);
  for (const char* id : {"P0000003", "P0000001", "P0000002", "P0000004"}) store->add_person({id, r1, r1, std::nullopt, "{}", "", ""});
  store->commit();
  CHECK(ids(0) == std::vector<std::string>{"P0000001", "P0000002", "P0000003", "P0000004"});
  CHECK(ids(r1).empty());

  store->begin();
  auto r2 = store->create_run("t", false);
  store->put_person({"P0000002", r1, r2, r2, "{}", "", ""});  // retired by run 2
  store->mark_views_changed({"P0000004"}, r2);                // its links changed, its golden record not
  auto cid = store->put_conflict({0, "P0000003", "birth_date", "value_mismatch", "open", "[]", r2, std::nullopt});
  store->commit();
  CHECK(ids(r1) == std::vector<std::string>{"P0000002-", "P0000004"});

  // An administrator between runs: marked 0, seen by every export until a run takes it.
  store->begin();
  store->set_conflict_status(cid, "resolved");
  store->commit();
  CHECK(ids(r2) == std::vector<std::string>{"P0000003"});
  store->begin();
  auto r3 = store->create_run("t", false);
  store->claim_outside_view_changes(r3);
  store->commit();
  CHECK(ids(r2) == std::vector<std::string>{"P0000003"});
  CHECK(ids(r3).empty());

  CHECK_FALSE(store->export_state("roster"));
  store->begin();
  store->put_export_state("roster", {"csv", "state\nof it", {"full_name", "birth_date"}, r3});
  store->put_export_state("roster", {"csv", "newer", {"full_name"}, r3});
  store->commit();
  auto st = store->export_state("roster");
  REQUIRE(st);
  CHECK(st->plugin == "csv");
  CHECK(st->state == "newer");
  CHECK(st->fields == std::vector<std::string>{"full_name"});
  CHECK(st->run_id == r3);
}

TEST_CASE("a rolled-back transaction leaves nothing behind") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->commit();
  store->begin();
  auto run = store->create_run("t", false);
  store->put_record(record("1", "A"), run, "{}");
  store->rollback();
  CHECK(store->active_records().empty());
  CHECK(store->runs(10).empty());
}

TEST_CASE("rolling back to a savepoint undoes one source alone") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->put_record(record("1", "A", "civil"), 1, "{}");
  store->savepoint("source");
  store->put_record(record("2", "B", "party"), 1, "{}");
  store->put_source_state("party", {"x", 1}, 1);
  store->rollback_to("source");
  store->release("source");
  store->savepoint("source");
  store->put_record(record("3", "C", "office"), 1, "{}");
  store->release("source");
  store->commit();
  std::vector<std::string> ids;
  for (const auto& r : store->active_records()) ids.push_back(r.record.source + ":" + r.record.id);
  CHECK(ids == std::vector<std::string>{"civil:1", "office:3"});
  CHECK_FALSE(store->source_state("party"));
}

TEST_CASE("records come back in key order whatever order they were written in, over several runs") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  // Written out of key order, sources interleaved, some deleted and some revived in later runs:
  // the rows of a source no longer lie together.
  store->begin();
  for (const char* id : {"30", "10", "20"}) store->add_record(record(id, std::string("P") + id, "party"), 1, "{}");
  for (const char* id : {"b", "a"}) store->add_record(record(id, std::string("C") + id, "civil"), 1, "{}");
  store->commit();
  store->begin();
  store->add_record(record("05", "P05", "party"), 2, "{}");
  store->add_record(record("c", "Cc", "civil"), 2, "{}");
  store->mark_deleted("party", "10", 2);
  store->mark_deleted("civil", "a", 2);
  store->put_record(record("a", "Ca2", "civil"), 2, "{}");  // revived, changed
  store->add_record(record("00", "P00", "party"), 2, "{}");
  store->commit();
  std::vector<std::string> keys;
  for (const auto& r : store->active_records()) keys.push_back(r.record.source + ":" + r.record.id + ":" + r.record.fields.at("full_name"));
  CHECK(keys == std::vector<std::string>{"civil:a:Ca2", "civil:b:Cb", "civil:c:Cc", "party:00:P00", "party:05:P05", "party:20:P20",
                                         "party:30:P30"});
  std::vector<std::string> matching;
  for (const auto& r : store->active_records_for_matching(0)) matching.push_back(r.record.source + ":" + r.record.id);
  CHECK(matching == std::vector<std::string>{"civil:a", "civil:b", "civil:c", "party:00", "party:05", "party:20", "party:30"});
  auto states = store->record_states("party");
  std::vector<std::string> party;
  for (const auto& st : states) party.push_back(st.record_id + (st.deleted ? "-" : "+"));
  std::sort(party.begin(), party.end());
  CHECK(party == std::vector<std::string>{"00+", "05+", "10-", "20+", "30+"});
  CHECK(store->record_states("office").empty());
  // Links too, written person by person.
  store->begin();
  store->put_person({"P1", 2, 2, std::nullopt, "{}", "", ""});
  store->put_person({"P2", 2, 2, std::nullopt, "{}", "", ""});
  for (auto [src, id, person] : {std::tuple{"party", "30", "P1"}, {"civil", "b", "P1"}, {"party", "05", "P2"}, {"civil", "a", "P2"}})
    store->add_link({src, id, person, "linked", std::nullopt, "match", 2, ""});
  store->put_link({"civil", "b", "P2", "linked", 0.9, "match", 3, "k"});  // moved to the other person
  store->commit();
  std::vector<std::string> links;
  for (const auto& l : store->links()) links.push_back(l.source + ":" + l.record_id + ">" + l.person_id);
  CHECK(links == std::vector<std::string>{"civil:a>P2", "civil:b>P2", "party:05>P2", "party:30>P1"});
}

TEST_CASE("records read for matching leave out the values of the run that holds them, and only those") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->add_record(record("1", "A"), 1, R"({"full_name":"A"})");
  store->add_record(record("2", "B"), 1, "{}");  // an older store's row: no normalised values yet
  store->commit();
  store->begin();
  store->put_record(record("1", "A2"), 2, R"({"full_name":"A2"})");
  store->add_record(record("3", "C"), 2, R"({"full_name":"C"})");
  store->commit();
  auto describe = [](const std::vector<StoredRecord>& rows) {
    std::vector<std::string> out;
    for (const auto& r : rows)
      out.push_back(r.record.id + "|" + r.normalized + "|" + (r.record.fields.empty() ? "" : r.record.fields.at("full_name")));
    return out;
  };
  // Run 2 holds what it stored: those rows come bare; the rest as always, the raw fields only
  // where the normalised values are missing.
  CHECK(describe(store->active_records_for_matching(2)) == std::vector<std::string>{"1||", "2|{}|B", "3||"});
  CHECK(describe(store->active_records_for_matching(0)) ==
        std::vector<std::string>{R"(1|{"full_name":"A2"}|)", "2|{}|B", R"(3|{"full_name":"C"}|)"});
}

TEST_CASE("a deleted record is no longer active, putting it again revives it") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->put_record(record("1", "A"), 1, "{}");
  store->mark_deleted("party", "1", 2);
  CHECK(store->active_records().empty());
  CHECK(store->record("party", "1").value().deleted_run == 2);
  store->put_record(record("1", "A"), 3, "{}");
  CHECK(store->active_records().size() == 1);
  CHECK(store->record("party", "1").value().first_run == 1);
  store->commit();
}

TEST_CASE("new cases are numbered one after another, readable and updatable before and after the run commits") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run = store->create_run("t", false);
  store->put_person({"P1", run, run, std::nullopt, "{}", "", ""});
  auto a = store->put_conflict({0, "P1", "birth_date", "value_mismatch", "open", "[]", run, std::nullopt});
  auto b = store->put_conflict({0, "P1", "gender", "value_mismatch", "open", "[]", run, std::nullopt});
  CHECK(a == 1);
  CHECK(b == 2);
  store->put_conflict({b, "P1", "gender", "value_mismatch", "closed", "[1]", run, run});  // still a new one
  auto c = store->conflict(b);
  REQUIRE(c);
  CHECK(c->status == "closed");
  CHECK(c->candidates == "[1]");
  CHECK(store->conflicts(true).size() == 1);
  store->commit();
  store->begin();
  store->put_conflict({0, "P1", "full_name", "value_mismatch", "open", "[]", run, std::nullopt});
  store->rollback();  // its number is given again
  store->begin();
  CHECK(store->put_conflict({0, "P1", "full_name", "value_mismatch", "open", "[]", run, std::nullopt}) == 3);
  store->commit();
  CHECK(store->conflicts(false).size() == 3);
}

TEST_CASE("the queue: pages filtered, ordered and counted by the store, alike on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run1 = store->create_run("2026-01-01T00:00:00Z", false);
  for (const char* p : {"P1", "P2", "P3"}) store->put_person({p, run1, run1, std::nullopt, "{}", "", ""});
  auto put = [&](const char* person, const char* field, const char* kind, const char* status, int severity, const char* name,
                 const char* unit, const char* sources, std::int64_t run) {
    hopnhat::store::ConflictRow c{0, person, field, kind, status, "[]", run, std::nullopt};
    c.severity = severity;
    c.person_name = name;
    c.unit = unit;
    c.sources = sources;
    return store->put_conflict(c);
  };
  auto a = put("P1", "birth_date", "value_mismatch", "open", 5, "Trần Văn An", "Phòng Nội vụ", ",civil,party,", run1);
  auto b = put("P2", "full_name", "value_mismatch", "open", 3, "Lê Thị Bình", "Văn phòng", ",office,party,", run1);
  auto run2 = store->create_run("2026-01-02T00:00:00Z", false);
  auto c = put("P3", "", "oversized_person", "open", 6, "Nguyễn Văn Cường", "Phòng Nội vụ", ",civil,office,party,", run2);
  put("P1", "gender", "value_mismatch", "settled", 3, "Trần Văn An", "Phòng Nội vụ", ",civil,party,", run2);
  put("P2", "birth_date", "value_mismatch", "closed", 5, "Lê Thị Bình", "Văn phòng", ",office,party,", run1);
  store->commit();

  auto ids = [](const hopnhat::store::ConflictPage& p) {
    std::vector<std::int64_t> out;
    for (const auto& r : p.rows) out.push_back(r.id);
    return out;
  };
  hopnhat::store::ConflictQuery q;
  q.statuses = {"open"};
  auto page = store->conflict_page(q);
  CHECK(page.total == 3);
  CHECK(ids(page) == std::vector<std::int64_t>{c, a, b});  // the most severe first
  CHECK(page.rows[0].person_name == "Nguyễn Văn Cường");
  CHECK(page.rows[0].sources == ",civil,office,party,");
  q.sort = "oldest";
  CHECK(ids(store->conflict_page(q)) == std::vector<std::int64_t>{a, b, c});
  q.sort = "person";
  CHECK(ids(store->conflict_page(q)) == std::vector<std::int64_t>{b, c, a});  // byte order of the names
  q.sort = "severity";
  q.limit = 1;
  q.offset = 1;
  page = store->conflict_page(q);
  CHECK(page.total == 3);
  CHECK(ids(page) == std::vector<std::int64_t>{a});
  q.limit = 25;
  q.offset = 0;
  q.unit = "Phòng Nội vụ";
  CHECK(ids(store->conflict_page(q)) == std::vector<std::int64_t>{c, a});
  q.unit.clear();
  q.source = "office";
  CHECK(ids(store->conflict_page(q)) == std::vector<std::int64_t>{c, b});
  q.source = "offic";  // a source is matched whole
  CHECK(store->conflict_page(q).total == 0);
  q.source.clear();
  q.kind = "value_mismatch";
  q.max_opened_run = run1;
  CHECK(ids(store->conflict_page(q)) == std::vector<std::int64_t>{a, b});
  q = {};
  q.statuses = {"settled"};
  CHECK(store->conflict_page(q).total == 1);
  CHECK(store->conflict_page({}).total == 5);  // every status

  CHECK(store->conflict_units({"open"}) == std::vector<std::string>{"Phòng Nội vụ", "Văn phòng"});
  CHECK(store->conflict_sources({"open"}) == std::vector<std::string>{"civil", "office", "party"});
  auto counts = store->live_conflict_counts();
  CHECK(counts == std::map<std::string, std::int64_t>{{"oversized_person:open", 1}, {"value_mismatch:open", 2}, {"value_mismatch:settled", 1}});
}

TEST_CASE("counters count up inside the transaction, old runs are pruned") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  CHECK(store->next_counter("person") == 1);
  CHECK(store->next_counter("person") == 2);
  for (int i = 0; i < 5; ++i) store->put_model(store->create_run("t", false), "{}");
  CHECK(store->prune_runs(2) == 3);
  CHECK(store->runs(10).size() == 2);
  CHECK(store->latest_model());
  store->commit();
  store->begin();  // committed: counting goes on from there
  CHECK(store->next_counter("person") == 3);
  store->rollback();
  store->begin();  // rolled back: the number is given again
  CHECK(store->next_counter("person") == 3);
  store->savepoint("s");
  CHECK(store->next_counter("person") == 4);
  store->rollback_to("s");
  store->release("s");
  CHECK(store->next_counter("person") == 4);
  store->commit();
  auto again = ts.open();
  again->begin();
  CHECK(again->next_counter("person") == 5);
  again->commit();
}

TEST_CASE("one run at a time: a second store object cannot take the run lock") {
  FOR_EACH_BACKEND(ts);
  auto first = ts.open();
  first->begin();
  first->commit();
  first->lock_runs("a sync");
  auto second = ts.open(false);
  try {
    second->lock_runs("another sync");
    FAIL("the lock was taken twice");
  } catch (const LockedError& e) {
    CHECK_THAT(e.what(), Catch::Contains("a sync"));
    CHECK_THAT(e.what(), Catch::Contains("holds its lock"));
  }
  first.reset();  // released with its owner
  auto third = ts.open(false);
  CHECK_NOTHROW(third->lock_runs("a sync"));
}

TEST_CASE("a link to a missing person: refused at commit with reference checks, found by integrity_problems without") {
  FOR_EACH_BACKEND(ts);
  {
    auto store = ts.open();
    store->begin();
    auto run = store->create_run("2026-01-01T00:00:00Z", false);
    store->add_link({"party", "1", "P0000404", "linked", 1.0, "citizen_id", run, ""});
    CHECK_THROWS(store->commit());
    store->rollback();
  }
  auto store = ts.open(false);
  CHECK(store->integrity_problems().empty());
  if (ts.backend() != "sqlite") return;  // PostgreSQL always checks; nothing to turn off
  store.reset();
  store = ts.open(false);
  store->set_reference_checks(false);
  store->begin();
  auto run = store->create_run("2026-01-01T00:00:00Z", false);
  store->add_record(record("1", "An"), run, "{}");
  store->add_link({"party", "1", "P0000404", "linked", 1.0, "citizen_id", run, ""});
  store->commit();
  CHECK(store->integrity_problems() == std::vector<std::string>{"1 rows of links reference a row of persons that does not exist"});
}

TEST_CASE("integrity_problems names what a run keeps true and a store breaks") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run = store->create_run("2026-01-01T00:00:00Z", false);
  store->add_person({"P1", run, run, std::nullopt, "{}", "", ""});
  store->add_person({"P2", run, run, run, "{}", "", ""});  // retired
  store->add_person({"P3", run, run, std::nullopt, "{}", "", ""});  // no record at all
  store->add_record(record("1", "An"), run, "{}");
  store->add_record(record("2", "Bình"), run, "{}");  // no link
  store->add_record(record("3", "Chi"), run, "{}");
  store->add_link({"party", "1", "P1", "linked", 1.0, "citizen_id", run, ""});
  store->add_link({"party", "3", "P2", "linked", 1.0, "citizen_id", run, ""});
  store->add_link({"party", "9", "P1", "linked", 1.0, "citizen_id", run, ""});  // no such record
  store->add_link({"party", "8", "P1", "deleted", 1.0, "citizen_id", run, ""});  // ended: fine
  store->commit();
  CHECK(store->integrity_problems() == std::vector<std::string>{"1 live links name a source record that is deleted or missing",
                                                                "1 active source records have no live link (no person)",
                                                                "1 live links name a retired person",
                                                                "1 persons not retired have no live link"});
  store->begin();
  store->add_link({"party", "2", "P3", "linked", 1.0, "citizen_id", run, ""});
  store->put_link({"party", "3", "P1", "linked", 1.0, "citizen_id", run, ""});
  store->put_link({"party", "9", "P1", "deleted", 1.0, "citizen_id", run, ""});
  store->commit();
  CHECK(store->integrity_problems().empty());
}

TEST_CASE("administrators' unit answers are kept, replaced and removed alike on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->put_unit_alias("Chi bộ Cơ quan", "VP", "lan", "2026-12-06T00:00:00Z");
  store->put_unit_alias("P. TC-NV", "TCNV", "lan", "2026-12-06T00:00:00Z");
  store->put_unit_alias("Chi bộ Cơ quan", "VPHU", "quan", "2026-12-06T01:00:00Z");  // said again: the newer answer
  store->commit();
  CHECK(store->unit_aliases() == std::map<std::string, std::string>{{"Chi bộ Cơ quan", "VPHU"}, {"P. TC-NV", "TCNV"}});
  store->begin();
  CHECK(store->delete_unit_alias("P. TC-NV"));
  CHECK_FALSE(store->delete_unit_alias("P. TC-NV"));
  store->commit();
  CHECK(store->unit_aliases().size() == 1);
}

TEST_CASE("the organisation's registry rows are kept, replaced and removed alike on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  store->put_org_row("unit", "VP@", R"({"code":"VP"})", 1);
  store->put_org_row("crosswalk", "A>B@2025-07-01", R"({"old_code":"A"})", 1);
  store->put_org_row("unit", "VP@", R"({"code":"VP","name":"Văn phòng"})", 2);  // changed by a later run
  store->commit();
  using Rows = std::map<std::pair<std::string, std::string>, std::string>;
  CHECK(store->org_rows() == Rows{{{"crosswalk", "A>B@2025-07-01"}, R"({"old_code":"A"})"}, {{"unit", "VP@"}, R"({"code":"VP","name":"Văn phòng"})"}});
  store->begin();
  store->delete_org_row("crosswalk", "A>B@2025-07-01");
  store->commit();
  CHECK(store->org_rows().size() == 1);
}

TEST_CASE("a record's history is kept with it, replaced with it, and read by person, alike on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  auto run = store->create_run("2026-01-01T00:00:00Z", false);
  store->add_person({"P0000001", run, run, std::nullopt, "{}", "", ""});
  sdk::SourceRecord dated = record("CB1", "Nguyễn Văn An", "civil");
  dated.history = {{"posting", "2015-03-01", "2025-06-30", {{"unit", "Phòng Nội vụ"}, {"position", "Chuyên viên"}}, "qtct.csv line 2"},
                   {"posting", "2025-07-01", "", {{"unit", "Phòng Tổ chức - Nội vụ"}}, "qtct.csv line 3"}};
  dated.content_hash = sdk::compute_content_hash(dated);
  CHECK(dated.content_hash != record("CB1", "Nguyễn Văn An", "civil").content_hash);
  store->add_record(dated, run, "{}");             // added (PostgreSQL: copied)
  store->add_record(record("1", "Nguyễn Văn An"), run, "{}");  // no history: NULL
  store->add_link({"civil", "CB1", "P0000001", "linked", std::nullopt, "single", run, ""});
  store->add_link({"party", "1", "P0000001", "linked", std::nullopt, "single", run, ""});
  store->commit();
  auto recs = store->active_records();
  REQUIRE(recs.size() == 2);
  for (const auto& r : recs) CHECK(r.record.history == (r.record.id == "CB1" ? dated.history : std::vector<sdk::HistoryRow>{}));
  std::vector<std::string> seen;
  store->each_linked_history([&](const std::string& person, const std::string& source, const std::string& id, std::vector<sdk::HistoryRow>&& rows) {
    seen.push_back(person + " " + source + ":" + id + " " + std::to_string(rows.size()));
  });
  CHECK(seen == std::vector<std::string>{"P0000001 civil:CB1 2"});
  store->begin();
  dated.history.pop_back();  // the source now states one row: replaced (PostgreSQL: merged)
  store->put_record(dated, run, "{}");
  store->commit();
  CHECK(store->record("civil", "CB1")->record.history.size() == 1);
}

TEST_CASE("a session written again for its token replaces the whole row, alike on both backends") {
  FOR_EACH_BACKEND(ts);
  auto store = ts.open();
  store->begin();
  for (const char* name : {"lan", "quan"}) store->put_user({name, "reviewer", "hash", false, "2026-12-06T00:00:00Z", 0, ""});
  store->put_session({"h1", "lan", "csrf-1", "2026-12-06T00:00:00Z", "2026-12-06T08:00:00Z"});
  store->put_session({"h1", "quan", "csrf-2", "2026-12-06T01:00:00Z", "2026-12-06T09:00:00Z"});
  store->commit();
  auto s = store->session("h1");
  REQUIRE(s);
  CHECK(s->user == "quan");
  CHECK(s->csrf == "csrf-2");
  CHECK(s->created_at == "2026-12-06T01:00:00Z");
  CHECK(s->expires_at == "2026-12-06T09:00:00Z");
}

TEST_CASE("a store of schema 8 that holds data is carried to today's schema, its rows intact") {
  FOR_EACH_BACKEND(ts);
  // The store as a hopnhat of schema 8 left it: its eight migrations, its bookkeeping, its rows.
  const bool pg = ts.backend() == "postgres";
  const auto names = pg ? embedded::postgres_migration_names() : embedded::migration_names();
  ts.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT)");
  for (std::size_t i = 0; i < 8; ++i) {
    ts.exec(std::string(pg ? embedded::postgres_migration_file(names[i]) : embedded::migration_file(names[i])));
    ts.exec("INSERT INTO schema_migrations(version, name) VALUES (" + std::to_string(i + 1) + ", '" + std::string(names[i]) + "')");
  }
  const std::string golden = R"({"full_name":{"value":"Lê Văn Tám","source":"party","record_id":"7","run":1,"rule":"only_value"}})";
  ts.exec("INSERT INTO runs(id, started_at, finished_at, status, dry_run, report) VALUES "
          "(1, '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', 'succeeded', FALSE, '{}'), "
          "(2, '2026-01-02T00:00:00Z', '2026-01-02T00:01:00Z', 'succeeded', FALSE, '{}')");
  ts.exec("INSERT INTO persons(id, created_run, updated_run, retired_run, golden) VALUES "
          "('P0000001', 1, 2, NULL, '" + golden + "'), ('P0000002', 1, 1, 2, '{}')");
  ts.exec("INSERT INTO conflicts(id, person_id, field, kind, status, candidates, opened_run, closed_run) VALUES "
          "(1, 'P0000001', 'birth_date', 'value_mismatch', 'open', '[]', 2, NULL)");
  ts.exec("INSERT INTO source_records(source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized) "
          "VALUES ('party', '9', 'h9', 'a.csv line 3', '{\"full_name\":\"B\"}', '[]', 1, 1, NULL, '{}'), "
          "('civil', '7', 'h7', 'b.csv line 2', '{\"full_name\":\"Lê Văn Tám\"}', '[]', 1, 2, NULL, '{}'), "
          "('party', '8', 'h8', 'a.csv line 2', '{}', '[]', 1, 1, 2, '{}')");
  ts.exec("INSERT INTO links(source, record_id, person_id, status, score, rule, run_id) VALUES "
          "('party', '9', 'P0000001', 'linked', 0.98, 'match', 2), ('civil', '7', 'P0000001', 'linked', NULL, 'citizen_id', 1)");

  auto store = ts.open(false);
  CHECK(store->pending_migrations().size() == store->latest_schema_version() - 8u);
  store->begin();  // the migrations it lacks are applied inside the next transaction
  store->commit();
  CHECK(store->schema_version() == store->latest_schema_version());
  CHECK(store->pending_migrations().empty());
  auto p1 = store->person("P0000001");
  REQUIRE(p1);
  CHECK(p1->golden == golden);
  CHECK(store->person("P0000002")->retired_run == 2);
  // 009 back-fills the run that last changed what exports show from the last update.
  auto viewed_after = [&](std::int64_t run) {
    std::vector<std::string> out;
    store->each_person_changed_since(run, [&](PersonRow&& p) { out.push_back(p.id); });
    return out;
  };
  CHECK(viewed_after(0) == std::vector<std::string>{"P0000001", "P0000002"});
  CHECK(viewed_after(1) == std::vector<std::string>{"P0000001"});
  CHECK(viewed_after(2).empty());
  auto c = store->conflict(1);
  REQUIRE(c);
  CHECK(c->status == "open");
  CHECK(c->severity == 0);  // 010: filled by the next run
  CHECK(store->unit_aliases().empty());  // 011
  CHECK(store->org_rows().empty());      // 012
  // 014 moves the source records to a rowid table: the same rows, in key order, the deleted one apart.
  std::vector<std::string> keys;
  for (const auto& r : store->active_records()) keys.push_back(r.record.source + ":" + r.record.id + ":" + r.record.fields.at("full_name"));
  CHECK(keys == std::vector<std::string>{"civil:7:Lê Văn Tám", "party:9:B"});
  CHECK(store->record("party", "8")->deleted_run == 2);
  CHECK(store->record_states("party").size() == 2);
  std::vector<std::string> links;
  for (const auto& l : store->links()) links.push_back(l.source + ":" + l.record_id + ">" + l.person_id + ":" + l.rule);
  CHECK(links == std::vector<std::string>{"civil:7>P0000001:citizen_id", "party:9>P0000001:match"});
  CHECK(store->links_of("P0000001").size() == 2);
  // The migrated store takes new rows like a new one.
  store->begin();
  store->put_unit_alias("Chi bộ Cơ quan", "VP", "lan", "2026-12-06T00:00:00Z");
  store->commit();
  CHECK(store->unit_aliases().size() == 1);
}
