// Administrators' side on a real SQLite file: accounts and the login lock-out, sessions, the
// audit chain (and a hand edit of it), decisions and their undo, and pair decisions in matching.
#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "admin/audit.hpp"
#include "admin/audit_key.hpp"
#include "admin/crypto.hpp"
#include "admin/decisions.hpp"
#include "admin/users.hpp"
#include "base/iso_time.hpp"
#include "match/engine.hpp"
#include "match/features.hpp"
#include "match/settings.hpp"
#include "merge/golden_text.hpp"
#include "store/store.hpp"
#include "store_backends.hpp"
#include "temp_dir.hpp"

using namespace hopnhat;

namespace {

std::unique_ptr<store::Store> fresh_store(TestStore& ts) {
  auto s = ts.open();
  s->begin();
  s->commit();
  return s;
}

}  // namespace

TEST_CASE("passwords are Argon2id hashes, a wrong one fails, five failures lock the account") {
  FOR_EACH_BACKEND(ts);
  auto s = fresh_store(ts);
  admin::add_user(*s, "lan", admin::Role::kReviewer, "mat-khau-dai-du", "test");
  auto u = s->user("lan");
  REQUIRE(u);
  CHECK(u->password_hash.rfind("$argon2id$", 0) == 0);
  CHECK_THROWS_AS(admin::add_user(*s, "lan", admin::Role::kViewer, "mat-khau-dai-du", "test"), admin::AdminError);
  CHECK_THROWS_WITH(admin::add_user(*s, "minh", admin::Role::kViewer, "x", "test"), Catch::Contains("at least 10"));
  // Characters, not bytes: four Vietnamese letters are 12 bytes and still four characters.
  CHECK_THROWS_WITH(admin::add_user(*s, "minh", admin::Role::kViewer, "ướởữ", "test"), Catch::Contains("at least 10"));
  CHECK_THROWS_WITH(admin::add_user(*s, "minh", admin::Role::kViewer, "          ", "test"), Catch::Contains("repeated"));
  CHECK_THROWS_WITH(admin::add_user(*s, "minh", admin::Role::kViewer, "aaaaaaaaaaaa", "test"), Catch::Contains("repeated"));
  CHECK_THROWS_WITH(admin::add_user(*s, "minh", admin::Role::kViewer, "Password123", "test"), Catch::Contains("most common"));
  CHECK_NOTHROW(admin::add_user(*s, "minh", admin::Role::kViewer, "mật khẩu của Minh", "test"));

  admin::SessionSettings settings;
  auto ok = admin::login(*s, "lan", "mat-khau-dai-du", settings);
  REQUIRE(ok.outcome == admin::LoginResult::Outcome::kOk);
  auto session = admin::find_session(*s, ok.token);
  REQUIRE(session);
  CHECK(session->role == admin::Role::kReviewer);
  CHECK(session->csrf == ok.csrf);
  CHECK_FALSE(admin::find_session(*s, admin::random_hex(32)));

  for (int i = 0; i < 4; ++i) CHECK(admin::login(*s, "lan", "sai", settings).outcome == admin::LoginResult::Outcome::kBadCredentials);
  CHECK(admin::login(*s, "lan", "sai", settings).outcome == admin::LoginResult::Outcome::kLocked);
  // Locked: even the right password is refused until the lock ends.
  CHECK(admin::login(*s, "lan", "mat-khau-dai-du", settings).outcome == admin::LoginResult::Outcome::kLocked);
  CHECK(admin::login(*s, "nobody", "mat-khau-dai-du", settings).outcome == admin::LoginResult::Outcome::kBadCredentials);

  admin::set_disabled(*s, "lan", true, "test");
  CHECK_FALSE(admin::find_session(*s, ok.token));  // disabling ends the sessions
}

TEST_CASE("a name without an account locks like an account, and what is not a name stays out of the audit log") {
  FOR_EACH_BACKEND(ts);
  auto s = fresh_store(ts);
  admin::add_user(*s, "lan", admin::Role::kReviewer, "mat-khau-dai-du", "test");
  admin::SessionSettings settings;
  using O = admin::LoginResult::Outcome;
  // The same answers, try by try, for a real account and for a name nobody has (the process keeps
  // the latter's failures: a fresh name for each backend).
  const std::string nobody = "khong-ai-" + admin::random_hex(4);
  for (const std::string& name : {std::string("lan"), nobody}) {
    for (int i = 0; i < 4; ++i) CHECK(admin::login(*s, name, "sai", settings).outcome == O::kBadCredentials);
    auto fifth = admin::login(*s, name, "sai", settings);
    CHECK(fifth.outcome == O::kLocked);
    CHECK(base::seconds_until(fifth.locked_until) > settings.lock_s - 5);
    CHECK(base::seconds_until(fifth.locked_until) <= settings.lock_s);
    CHECK(admin::login(*s, name, "mat-khau-dai-du", settings).outcome == O::kLocked);
  }
  // A megabyte "name": refused, and the log keeps its size, not its bytes.
  const std::string huge(1 << 20, 'x');
  CHECK(admin::login(*s, huge, "sai", settings).outcome == O::kBadCredentials);
  CHECK(admin::login(*s, "tên có dấu", "sai", settings).outcome == O::kBadCredentials);
  auto last = s->last_audit();
  REQUIRE(last);
  CHECK(last->actor == "-");
  CHECK(last->detail.size() < 100);
  CHECK(nlohmann::json::parse(last->detail)["bytes"] == std::string("tên có dấu").size());
  CHECK(admin::verify_audit(*s).entries > 0);
}

TEST_CASE("seconds until an ISO time") {
  CHECK(base::seconds_until(base::now_iso(300)) > 290);
  CHECK(base::seconds_until(base::now_iso(300)) <= 300);
  CHECK(base::seconds_until(base::now_iso(-60)) < 0);
  CHECK(base::seconds_until("not a time") == 0);
}

TEST_CASE("the audit chain verifies, and a hand-edited entry is named") {
  FOR_EACH_BACKEND(ts);
  {
    auto s = fresh_store(ts);
    for (int i = 0; i < 5; ++i) admin::audit(*s, "lan", "decision.choose", {{"decision", i}});
    auto check = admin::verify_audit(*s);
    CHECK(check.entries == 5);
    CHECK_FALSE(check.first_broken);
  }
  // The store refuses edits…
  CHECK_THROWS_WITH(ts.exec("UPDATE audit_log SET actor = 'x' WHERE seq = 3"), Catch::Contains("append-only"));
  // …so someone goes around it: the chain still names the entry.
  ts.exec(ts.backend() == "sqlite" ? "DROP TRIGGER audit_log_no_update" : "DROP TRIGGER audit_log_no_update ON audit_log");
  ts.exec("UPDATE audit_log SET detail = '{\"decision\":99}' WHERE seq = 3");
  auto s = ts.open(false);
  auto check = admin::verify_audit(*s);
  REQUIRE(check.first_broken);
  CHECK(*check.first_broken == 3);
  CHECK_THAT(check.problem, Catch::Contains("does not match its hash"));
}

TEST_CASE("a removed audit entry breaks the chain at that place") {
  FOR_EACH_BACKEND(ts);
  {
    auto s = fresh_store(ts);
    for (int i = 0; i < 4; ++i) admin::audit(*s, "lan", "login", nlohmann::json::object());
  }
  CHECK_THROWS_WITH(ts.exec("DELETE FROM audit_log WHERE seq = 2"), Catch::Contains("append-only"));
  ts.exec(ts.backend() == "sqlite" ? "DROP TRIGGER audit_log_no_delete" : "DROP TRIGGER audit_log_no_update ON audit_log");
  ts.exec("DELETE FROM audit_log WHERE seq = 2");
  auto s = ts.open(false);
  auto check = admin::verify_audit(*s);
  REQUIRE(check.first_broken);
  CHECK(*check.first_broken == 2);
}

TEST_CASE("a keyed audit chain: rewriting with recomputed hashes, removing the newest entry and a changed checkpoint are all seen") {
  FOR_EACH_BACKEND(ts);
  TempDir keys;
  auto key = std::make_shared<admin::AuditKey>(keys.path / "audit.key", keys.path / "audit.head");
  auto keyed_store = [&] {
    auto s = ts.open(false);
    s->set_audit_signer(key);
    return s;
  };
  {
    auto s = fresh_store(ts);
    // Two entries from before the key (an older hopnhat): plain hashes, reported as such.
    for (int i = 0; i < 2; ++i) admin::audit(*s, "lan", "login", nlohmann::json::object());
    s->set_audit_signer(key);
    s->begin();
    for (int i = 0; i < 4; ++i) admin::audit(*s, "lan", "decision.choose", {{"decision", i}});
    CHECK_FALSE(key->checkpoint());  // not before the entries are committed
    s->commit();
    CHECK(key->checkpoint()->seq == 6);
    const auto mode = std::filesystem::status(keys.path / "audit.key").permissions() & std::filesystem::perms::all;
    CHECK(mode == (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    CHECK(s->last_audit()->hash.rfind("hmac:", 0) == 0);
    auto check = admin::verify_audit(*s);
    CHECK_FALSE(check.first_broken);
    CHECK(check.keyed == 4);
    CHECK(check.unkeyed == 2);
    CHECK_THAT(check.proven.at(1), Catch::Contains("names entry 6"));
    CHECK_THAT(check.unproven.at(0), Catch::Contains("2 entries from before the key"));
    // A transaction that rolls back leaves the checkpoint where it was.
    s->begin();
    admin::audit(*s, "lan", "login", nlohmann::json::object());
    s->rollback();
    CHECK(key->checkpoint()->seq == 6);
  }
  ts.exec(ts.backend() == "sqlite" ? "DROP TRIGGER audit_log_no_update" : "DROP TRIGGER audit_log_no_update ON audit_log");
  if (ts.backend() == "sqlite") ts.exec("DROP TRIGGER audit_log_no_delete");

  SECTION("rewriting an entry and recomputing every later hash without the key") {
    auto s = keyed_store();
    std::vector<store::AuditRow> rows = s->audit(0, 100);
    std::string prev = rows[3].prev_hash;
    for (std::size_t i = 3; i < rows.size(); ++i) {
      store::AuditRow& r = rows[i];
      if (i == 3) r.detail = R"({"decision":99})";
      r.prev_hash = prev;
      r.hash = "hmac:" + admin::audit_hash(r);  // the best an intruder without the key can do
      ts.exec("UPDATE audit_log SET detail = '" + r.detail + "', prev_hash = '" + r.prev_hash + "', hash = '" + r.hash +
              "' WHERE seq = " + std::to_string(r.seq));
      prev = r.hash;
    }
    auto check = admin::verify_audit(*s);
    REQUIRE(check.first_broken);
    CHECK(*check.first_broken == 4);
    CHECK_THAT(check.problem, Catch::Contains("keyed hash"));
  }
  SECTION("removing the newest entry") {
    ts.exec("DELETE FROM audit_log WHERE seq = 6");
    auto s = keyed_store();
    auto check = admin::verify_audit(*s);
    REQUIRE(check.first_broken);
    CHECK_THAT(check.problem, Catch::Contains("names entry 6 but the log ends at entry 5"));
  }
  SECTION("a checkpoint edited by hand, or none at all") {
    std::ofstream(keys.path / "audit.head") << R"({"seq": 5, "hash": "x", "at": "2026-01-01T00:00:00Z", "mac": "00"})";
    auto s = keyed_store();
    CHECK_THAT(admin::verify_audit(*s).problem, Catch::Contains("does not verify under the key"));
    std::filesystem::remove(keys.path / "audit.head");
    auto check = admin::verify_audit(*s);
    CHECK_FALSE(check.first_broken);
    CHECK_THAT(check.unproven.back(), Catch::Contains("there is no checkpoint"));
  }
  SECTION("a key others may read is refused") {
    std::filesystem::permissions(keys.path / "audit.key", std::filesystem::perms::group_read, std::filesystem::perm_options::add);
    auto s = keyed_store();
    auto fresh_key = std::make_shared<admin::AuditKey>(keys.path / "audit.key", keys.path / "audit.head");
    s->set_audit_signer(fresh_key);
    CHECK_THROWS_WITH(admin::audit(*s, "lan", "login", nlohmann::json::object()), Catch::Contains("chmod 600"));
  }
}

TEST_CASE("a person with too many records is confirmed as one, or two of its records are kept apart, and no other action applies") {
  using Catch::Contains;
  auto body = [](const char* text) { return admin::parse_resolve_request(nlohmann::json::parse(text)); };
  CHECK(body(R"({"action": "different", "candidates": [1, 4]})").candidates == std::vector<std::int64_t>{1, 4});
  CHECK_THROWS_WITH(body(R"({"action": "different", "candidates": [1]})"), Contains("/candidates: expected the ids of two records"));
  CHECK_THROWS_WITH(body(R"({"action": "different", "candidates": ["1", 2]})"), Contains("/candidates"));
  CHECK_THROWS_WITH(body(R"({"action": "split"})"), Contains("confirm"));

  FOR_EACH_BACKEND(ts);
  auto s = fresh_store(ts);
  s->begin();
  auto run = s->create_run("2026-01-01T00:00:00Z", false);
  s->put_person({"P0000001", run, run, std::nullopt, "", "", ""});
  auto id = s->put_conflict({0, "P0000001", "", "oversized_person", "open",
                             R"([{"id":1,"source":"a","record_id":"1"},{"id":2,"source":"a","record_id":"2"},{"id":3,"source":"b","record_id":"7"}])", run, std::nullopt});
  s->commit();
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"choose", 1, "", "", {}}, "lan"), Contains("use confirm, different with two candidates, or defer"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"different", 0, "", "", {}}, "lan"), Contains("name two different records"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"different", 0, "", "", {1, 4}}, "lan"), Contains("expected ids from 1 to 3"));
  auto d = admin::resolve_conflict(*s, id, {"different", 0, "", "", {1, 3}}, "lan");
  CHECK(d.kind == "different");
  CHECK(d.records == std::vector<std::pair<std::string, std::string>>{{"a", "1"}, {"b", "7"}});
  admin::undo_decision(*s, d.id, "lan");
  auto c = admin::resolve_conflict(*s, id, {"confirm", 0, "", "one person", {}}, "lan");
  CHECK(c.kind == "confirm");
  CHECK(c.records.size() == 3);
  CHECK(s->conflict(id)->status == "resolved");
}

TEST_CASE("a decision resolves its case at once, is audited, and its undo opens the case again") {
  FOR_EACH_BACKEND(ts);
  auto s = fresh_store(ts);
  s->begin();
  auto run = s->create_run("2026-01-01T00:00:00Z", false);
  s->put_person({"P0000001", run, run, std::nullopt, R"({"birth_date":{"value":"1965","source":"party","record_id":"9","run":1,"rule":"source_priority"}})", "", ""});
  auto id = s->put_conflict({0, "P0000001", "birth_date", "value_mismatch", "open",
                             R"([{"source":"party","record_id":"9","value":"1965"},{"source":"civil","record_id":"C1","value":"1965-09-12"}])", run, std::nullopt});
  s->commit();

  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"same", 0, "", "", {}}, "lan"), Catch::Contains("decides a possible match"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"choose", 3, "", "", {}}, "lan"), Catch::Contains("/candidate: expected 1 to 2"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"value", 0, "1965-13-45", "giấy khai sinh", {}}, "lan"), Catch::Contains("not a valid birth_date"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"value", 0, "12/9/1965", "", {}}, "lan"), Catch::Contains("needs a reason"));

  auto d = admin::resolve_conflict(*s, id, {"choose", 2, "", "hồ sơ gốc", {}}, "lan");
  CHECK(d.value == "1965-09-12");
  CHECK(s->conflict(id)->status == "resolved");
  CHECK(merge::is_compact_golden(s->person("P0000001")->golden));  // stored in the older layout, written in the new
  auto golden = merge::decode_golden(s->person("P0000001")->golden);
  CHECK(golden["birth_date"]["value"] == "1965-09-12");
  CHECK(golden["birth_date"]["rule"] == "decision");
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"defer", 0, "", "", {}}, "lan"), Catch::Contains("is resolved, not open"));

  admin::undo_decision(*s, d.id, "minh");
  CHECK(s->conflict(id)->status == "open");
  CHECK(s->decision(d.id)->status == "undone");
  CHECK(s->decision(d.id)->undone_by == "minh");
  auto typed = admin::resolve_conflict(*s, id, {"value", 0, "12/9/1965", "giấy khai sinh", {}}, "lan");
  CHECK(typed.value == "1965-09-12");  // normalised like a source's value

  std::vector<std::string> actions;
  for (const auto& a : s->audit(0, 100)) actions.push_back(a.action);
  CHECK(actions == std::vector<std::string>{"decision.choose", "decision.undo", "decision.value"});
  CHECK_FALSE(admin::verify_audit(*s).first_broken);
}

TEST_CASE("a unit case is answered with a unit, kept as an alias of its text, and the undo removes it") {
  FOR_EACH_BACKEND(ts);
  auto s = fresh_store(ts);
  const org::OrgRegistry units = org::OrgRegistry::from_rows(
      {{"VP", "Văn phòng", "party", "", "", "", {}, 2}, {"PNV", "Phòng Nội vụ", "state", "", "", "", {}, 3}}, {});
  s->begin();
  auto run = s->create_run("2026-01-01T00:00:00Z", false);
  s->put_person({"P0000001", run, run, std::nullopt, "", "", ""});
  auto id = s->put_conflict({0, "P0000001", "Chi bộ Cơ quan", "unit_unresolved", "open",
                             R"J([{"code":"VP","name":"Văn phòng","value":"Văn phòng (VP)","persons":12}])J", run, std::nullopt});
  s->commit();
  CHECK(admin::case_severity(*s->conflict(id), nlohmann::json::parse(s->conflict(id)->candidates)) == 4);  // 12 persons unplaced

  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"same", 0, "", "", {}}, "lan", &units), Catch::Contains("does not answer which unit"));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"value", 0, "NOPE", "", {}}, "lan", &units), Catch::Contains("no unit has the code \"NOPE\""));
  CHECK_THROWS_WITH(admin::resolve_conflict(*s, id, {"value", 0, "VP", "", {}}, "lan", nullptr), Catch::Contains("names no organisation"));
  CHECK(s->unit_aliases().empty());

  auto d = admin::resolve_conflict(*s, id, {"choose", 1, "", "", {}}, "lan", &units);
  CHECK(d.kind == "unit");
  CHECK(d.value == "VP");
  CHECK(s->conflict(id)->status == "resolved");
  CHECK(s->unit_aliases() == std::map<std::string, std::string>{{"Chi bộ Cơ quan", "VP"}});
  admin::undo_decision(*s, d.id, "minh");
  CHECK(s->unit_aliases().empty());
  CHECK(s->conflict(id)->status == "open");

  // A typed code; undone after the text was given another unit, the newer answer stays.
  auto typed = admin::resolve_conflict(*s, id, {"value", 0, " PNV ", "", {}}, "lan", &units);
  CHECK(typed.value == "PNV");
  s->put_unit_alias("Chi bộ Cơ quan", "VP", "cli:minh", "2026-01-02T00:00:00Z");
  admin::undo_decision(*s, typed.id, "minh");
  CHECK(s->unit_aliases() == std::map<std::string, std::string>{{"Chi bộ Cơ quan", "VP"}});

  std::vector<std::string> actions;
  for (const auto& a : s->audit(0, 100)) actions.push_back(a.action);
  CHECK(actions == std::vector<std::string>{"unit.alias", "decision.unit", "unit.alias.remove", "decision.undo", "unit.alias",
                                            "decision.unit", "decision.undo"});
}

TEST_CASE("pair decisions: same joins even different citizen IDs, different keeps records apart") {
  std::deque<sdk::SourceRecord> records;
  std::vector<const sdk::SourceRecord*> inputs;
  auto add = [&](const char* src, const char* id, const char* name, const char* cccd) {
    sdk::SourceRecord r;
    r.source = src;
    r.id = id;
    r.fields = {{"full_name", name}, {"birth_date", "1980-03-04"}, {"gender", "Nam"}, {"citizen_id", cccd}};
    records.push_back(r);
    inputs.push_back(&records.back());
  };
  add("civil", "C1", "Trần Văn Bình", "001080001234");
  add("office", "O1", "Trần Văn Bình", "001080001234");
  add("party", "P1", "Lê Thị Hoa", "001180009999");
  add("office", "O2", "Lê Thị Hoa", "001180008888");  // a typo in one system: different valid IDs
  auto settings = match::default_settings();
  match::FeatureTable f(inputs, settings);
  auto plain = match::run_matching(f, settings);
  CHECK(plain.cluster_of[0] == plain.cluster_of[1]);
  CHECK(plain.cluster_of[2] != plain.cluster_of[3]);

  match::PairDecisions decided;
  decided.same = {{2, 3}};
  decided.different = {{0, 1}};
  auto after = match::run_matching(f, settings, decided);
  CHECK(after.cluster_of[2] == after.cluster_of[3]);
  CHECK(after.rule[2] == "decision");
  CHECK(after.cluster_of[0] != after.cluster_of[1]);  // even with the same citizen ID
  for (const auto& p : after.review) CHECK_FALSE((p.a == 0 && p.b == 1));
}
