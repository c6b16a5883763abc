#include <catch2/catch.hpp>

#include "store/store.hpp"
#include "temp_dir.hpp"

using namespace hopnhat::store;
namespace sdk = hopnhat::sdk;

namespace {
sdk::SourceRecord record(const std::string& id, const std::string& name) {
  sdk::SourceRecord r;
  r.source = "party";
  r.id = id;
  r.origin = "a.csv line 2";
  r.fields["full_name"] = name;
  r.attributes = {{"Ghi chú", "x"}, {"A", ""}};
  r.content_hash = sdk::compute_content_hash(r);
  return r;
}
}  // namespace

TEST_CASE("a new SQLite store gets the current schema version") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path / "sub" / "h.db", true);
  store->begin();
  CHECK(store->schema_version() == 5);
  store->commit();
  CHECK(std::filesystem::exists(dir.path / "sub" / "h.db"));
}

TEST_CASE("records, links and persons round-trip through a real SQLite file") {
  TempDir dir;
  auto path = dir.path / "h.db";
  {
    auto store = open_sqlite_store(path, true);
    store->begin();
    auto run = store->create_run("2026-01-01T00:00:00Z", false);
    store->put_record(record("1", "Nguyễn Văn An"), run, "{}");
    store->put_person({"P0000001", run, run, std::nullopt, "{}", "", ""});
    store->put_link({"party", "1", "P0000001", "linked", 1.0, "citizen_id", run});
    store->put_source_state("party", {"bookmark-1", 1}, run);
    store->finish_run(run, "succeeded", "2026-01-01T00:00:01Z", "{}");
    store->commit();
  }
  auto store = open_sqlite_store(path, false);
  auto recs = store->active_records();
  REQUIRE(recs.size() == 1);
  CHECK(recs[0].record.fields.at("full_name") == "Nguyễn Văn An");
  CHECK(recs[0].record.attributes[0] == std::make_pair(std::string("Ghi chú"), std::string("x")));
  CHECK(recs[0].record.content_hash == record("1", "Nguyễn Văn An").content_hash);
  CHECK(store->links().at(0).score == 1.0);
  CHECK(store->source_state("party")->state == "bookmark-1");
  CHECK(store->runs(10).at(0).status == "succeeded");
}

TEST_CASE("a person's value changes are kept with their run's date, oldest first") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path / "h.db", true);
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

TEST_CASE("a rolled-back transaction leaves nothing behind") {
  TempDir dir;
  auto path = dir.path / "h.db";
  auto store = open_sqlite_store(path, true);
  store->begin();
  store->commit();
  store->begin();
  auto run = store->create_run("t", false);
  store->put_record(record("1", "A"), run, "{}");
  store->rollback();
  CHECK(store->active_records().empty());
  CHECK(store->runs(10).empty());
}

TEST_CASE("a deleted record is no longer active; putting it again revives it") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path / "h.db", true);
  store->begin();
  store->put_record(record("1", "A"), 1, "{}");
  store->mark_deleted("party", "1", 2);
  CHECK(store->active_records().empty());
  CHECK(store->records_of("party").at(0).deleted_run == 2);
  store->put_record(record("1", "A"), 3, "{}");
  CHECK(store->active_records().size() == 1);
  CHECK(store->records_of("party").at(0).first_run == 1);
  store->commit();
}

TEST_CASE("counters count up inside the transaction") {
  TempDir dir;
  auto store = open_sqlite_store(dir.path / "h.db", true);
  store->begin();
  CHECK(store->next_counter("person") == 1);
  CHECK(store->next_counter("person") == 2);
  store->commit();
}
