#include "server/api.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <regex>
#include <set>

#include "admin/audit.hpp"
#include "admin/crypto.hpp"
#include "admin/decision_rules.hpp"
#include "base/iso_time.hpp"
#include "admin/decisions.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "merge/golden_text.hpp"
#include "org/places.hpp"
#include "store/conflict_query.hpp"
#include "sync/open_store.hpp"
#include "sync/timelines.hpp"
#include "sync/unit_cases.hpp"

namespace hopnhat::server {

using nlohmann::json;

namespace {

Reply error(int status, const std::string& message) {
  Reply r;
  r.status = status;
  r.body = {{"error", message}};
  return r;
}

std::string query(const Request& r, const std::string& key, const std::string& fallback = "") {
  auto it = r.query.find(key);
  return it == r.query.end() ? fallback : it->second;
}

// A parameter that is not a number in range: answered 400 with the parameter named (never a 500
// from std::stoll, never a page offset that overflows).
struct BadParameter : std::runtime_error {
  using std::runtime_error::runtime_error;
};

long long parse_number(const std::string& text, const std::string& name, long long lo, long long hi) {
  long long v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
    throw BadParameter(name + ": expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", got \"" +
                       text.substr(0, 40) + "\"");
  return v;
}

long long query_number(const Request& r, const std::string& key, long long fallback, long long lo, long long hi) {
  std::string v = query(r, key);
  return v.empty() ? fallback : parse_number(v, key, lo, hi);
}

// An id in a path (digits, by the route's pattern), within what the store's ids can be.
long long path_id(const std::string& digits) { return parse_number(digits, "the id in the path", 1, (1LL << 53)); }

json golden_of(const std::optional<store::PersonRow>& p) {
  if (!p || p->golden.empty()) return json::object();
  return merge::decode_golden(p->golden);
}

// Days between two ISO 8601 timestamps (by their dates).
long long days_between(const std::string& from, const std::string& to) {
  auto days = [](const std::string& iso) -> long long {
    if (iso.size() < 10) return 0;
    int y = std::stoi(iso.substr(0, 4)), m = std::stoi(iso.substr(5, 2)), d = std::stoi(iso.substr(8, 2));
    y -= m <= 2;  // days from civil (Howard Hinnant)
    long long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = static_cast<unsigned>(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe);
  };
  return days(to) - days(from);
}

// The canonical fields' headings in both languages, and which are critical, for the pages.
const json& field_labels() {
  static const json kLabels = [] {
    json labels = json::object();
    for (const auto& f : sdk::kCanonicalFields)
      labels[std::string(f.name)] = {{"vi", f.label_vi}, {"en", f.label_en}, {"critical", f.critical}};
    return labels;
  }();
  return kLabels;
}

}  // namespace

Api::Api(const config::Config& config) : config_(config) {
  store_ = sync::open_store(config, true);
  store_->begin();  // applies the migrations a store from an older hopnhat lacks
  store_->commit();
}

Reply Api::handle(const Request& r) {
  // A login takes the store's lock only around its quick steps (login() below): the password
  // check, slow on purpose, runs outside it, so a flood of logins does not stall other users.
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  if (!(r.method == "POST" && r.path == "/api/login")) lock.lock();
  try {
    if (r.method == "POST" && r.path == "/api/login") return login(r);
    std::optional<admin::Session> session;
    if (!r.cookie_token.empty()) session = admin::find_session(*store_, r.cookie_token);
    if (!session) return error(401, "not logged in (POST /api/login)");
    if (r.method == "POST" && !admin::equal_constant_time(r.csrf_header, session->csrf))
      return error(403, "the X-CSRF-Token header is missing or does not match the session");
    return route(r, session);
  } catch (const admin::AdminError& e) {
    using K = admin::AdminError::Kind;
    return error(e.kind() == K::kNotFound ? 404 : e.kind() == K::kConflict ? 409 : e.kind() == K::kForbidden ? 403 : 400, e.what());
  } catch (const store::StoreError& e) {
    // SQLite has one writer: a running sync holds it until it commits.
    std::string what = e.what();
    if (what.find("locked") != std::string::npos || what.find("busy") != std::string::npos) {
      Reply busy = error(503, "a sync is running and holds the store; try again in a minute");
      busy.retry_after = "60";
      return busy;
    }
    spdlog::error("serve: {}", what);
    return error(500, "the store failed: " + what);
  } catch (const BadParameter& e) {
    return error(400, e.what());
  } catch (const json::exception& e) {
    return error(400, std::string("the request body is not the JSON expected: ") + e.what());
  } catch (const std::exception& e) {
    spdlog::error("serve: {}", e.what());
    return error(500, e.what());
  }
}

Reply Api::route(const Request& r, const std::optional<admin::Session>& session) {
  static const std::regex kConflict(R"(/api/conflicts/(\d+))"), kResolve(R"(/api/conflicts/(\d+)/resolve)"),
      kPerson(R"(/api/persons/([A-Za-z0-9_-]+))"), kUndo(R"(/api/decisions/(\d+)/undo)"),
      kUserAction(R"(/api/users/([A-Za-z0-9._-]+)/(disable|enable))");
  std::smatch m;
  const admin::Role role = session->role;
  const std::string& who = session->user.name;
  auto transaction = [&](auto&& body) {
    store_->begin();
    try {
      Reply out = body();
      store_->commit();
      return out;
    } catch (...) {
      store_->rollback();
      throw;
    }
  };
  if (r.method == "GET") {
    if (r.path == "/api/me") return Reply{200, {{"user", who}, {"role", session->user.role}, {"csrf", session->csrf}}, "", ""};
    if (r.path == "/api/dashboard") return dashboard();
    if (r.path == "/api/conflicts") return conflicts(r);
    if (std::regex_match(r.path, m, kConflict)) return conflict(path_id(m[1]));
    if (std::regex_match(r.path, m, kPerson)) return person(m[1]);
    if (r.path == "/api/runs") return runs();
    if (r.path == "/api/decisions") return decisions();
    if (r.path == "/api/rules") return rules();
    if (r.path == "/api/audit") return audit(r);
    if (r.path == "/api/units") return units(r);
    if (r.path == "/api/users") return role == admin::Role::kAdmin ? users() : error(403, "only admins manage users");
    return error(404, "no such resource: " + r.path);
  }
  if (r.method != "POST") return error(405, "use GET or POST");
  if (r.path == "/api/logout")
    return transaction([&] {
      admin::logout(*store_, *session);
      Reply out;
      out.body = {{"ok", true}};
      out.set_cookie = "hopnhat_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
      return out;
    });
  if (std::regex_match(r.path, m, kResolve)) {
    if (role < admin::Role::kReviewer) return error(403, "viewers read; reviewers and admins decide");
    auto request = admin::parse_resolve_request(json::parse(r.body));
    return transaction([&] {
      auto d = admin::resolve_conflict(*store_, path_id(m[1]), request, who, config_.organisation.get());
      return Reply{200, {{"decision", admin::decision_json(d)}}, "", ""};
    });
  }
  if (r.path == "/api/rules/preview" || r.path == "/api/rules") {
    // A rule decides many cases at once: previewed by reviewers, applied by admins.
    const bool apply = r.path == "/api/rules";
    if (role < (apply ? admin::Role::kAdmin : admin::Role::kReviewer))
      return error(403, apply ? "only admins add rules that decide many cases" : "viewers read; reviewers and admins decide");
    std::vector<std::string> sources;
    for (const auto& s : config_.sources) sources.push_back(s.name);
    auto request = admin::parse_rule_request(json::parse(r.body), sources);
    return transaction([&] {
      const merge::SurvivorshipRules base{config_.source_priority, config_.field_priority, admin::active_rules(*store_)};
      if (!apply) return Reply{200, admin::rule_preview_json(admin::preview_rule(*store_, request, base)), "", ""};
      auto applied = admin::apply_rule(*store_, request, base, who);
      return Reply{200, {{"rule", admin::decision_json(applied.rule)}, {"decided", admin::rule_preview_json(applied.decided)}}, "", ""};
    });
  }
  if (std::regex_match(r.path, m, kUndo)) {
    if (role < admin::Role::kReviewer) return error(403, "viewers read; reviewers and admins decide");
    return transaction([&] {
      auto d = admin::undo_decision(*store_, path_id(m[1]), who);
      return Reply{200, {{"decision", admin::decision_json(d)}}, "", ""};
    });
  }
  if (r.path == "/api/users" || std::regex_match(r.path, m, kUserAction)) {
    if (role != admin::Role::kAdmin) return error(403, "only admins manage users");
    return transaction([&] {
      if (r.path == "/api/users") {
        json b = json::parse(r.body);
        auto new_role = admin::parse_role(b.value("role", ""));
        if (!new_role) throw admin::AdminError(admin::AdminError::Kind::kInvalid, "/role: expected viewer, reviewer or admin");
        admin::add_user(*store_, b.value("name", ""), *new_role, b.value("password", ""), who);
      } else {
        admin::set_disabled(*store_, m[1], m[2] == "disable", who);
      }
      return Reply{200, {{"ok", true}}, "", ""};
    });
  }
  return error(404, "no such resource: " + r.path);
}

Reply Api::units(const Request& r) {
  if (!config_.organisation) return error(404, "the configuration names no organisation (docs/organisation.md)");
  const std::string as_of = query(r, "as_of", org::today_iso());
  if (!org::is_iso_date(as_of)) throw BadParameter("as_of: expected a date YYYY-MM-DD");
  auto runs = store_->runs(1);
  auto head = store_->last_audit();
  const std::string key = as_of + "|" + std::to_string(runs.empty() ? 0 : runs.front().id) + "|" + std::to_string(head ? head->seq : 0);
  if (key != units_key_) {
    const org::PositionLevels levels(config_.head_titles, config_.deputy_titles);
    units_page_ = sync::headcount_json(sync::count_units(*store_, *config_.organisation, levels, as_of), *config_.organisation);
    units_key_ = key;
  }
  return Reply{200, units_page_, "", ""};
}

Reply Api::rules() {
  json out = json::array();
  for (const auto& d : store_->decisions(true))
    if (d.kind == "rule") out.push_back(admin::decision_json(d));
  json sources = json::array();
  for (const auto& s : config_.sources) sources.push_back(s.name);
  return Reply{200, {{"rules", out}, {"sources", sources}}, "", ""};
}

Reply Api::login(const Request& r) {
  json body = json::parse(r.body);
  if (!body.is_object() || !body.contains("user") || !body.contains("password") || !body["user"].is_string() ||
      !body["password"].is_string())
    return error(400, "expected {\"user\": \"…\", \"password\": \"…\"}");
  const std::string name = body["user"], password = body["password"];
  auto in_transaction = [&](auto&& step) {
    std::lock_guard<std::mutex> lock(mutex_);
    store_->begin();
    try {
      auto value = step();
      store_->commit();  // failed attempts count too
      return value;
    } catch (...) {
      store_->rollback();
      throw;
    }
  };
  const admin::LoginAttempt attempt = in_transaction([&] { return admin::begin_login(*store_, name); });
  bool password_ok = false;
  if (!attempt.hash_to_check.empty()) {
    // Argon2id costs 64 MiB and tens of milliseconds: at most as many at once as there are
    // cores; past that a login waits a moment, then is asked to come back.
    if (!verify_slots_.try_acquire_for(std::chrono::seconds(2))) {
      Reply busy = error(503, "too many logins at this moment; try again in a few seconds");
      busy.retry_after = "5";
      return busy;
    }
    try {
      password_ok = admin::check_login_password(attempt, password);
    } catch (...) {
      verify_slots_.release();
      throw;
    }
    verify_slots_.release();
  }
  const admin::LoginResult result =
      in_transaction([&] { return admin::finish_login(*store_, attempt, password_ok, sessions_); });
  if (result.outcome == admin::LoginResult::Outcome::kLocked) {
    Reply out = error(429, "too many failed logins; the account is locked until " + result.locked_until);
    out.retry_after = std::to_string(std::max<long long>(1, base::seconds_until(result.locked_until)));
    return out;
  }
  if (result.outcome != admin::LoginResult::Outcome::kOk) return error(401, "wrong user name or password");
  Reply out;
  out.body = {{"csrf", result.csrf}, {"user", result.user.name}, {"role", result.user.role}};
  out.set_cookie = "hopnhat_session=" + result.token + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                   std::to_string(sessions_.lifetime_s) + (r.tls ? "; Secure" : "");
  return out;
}

Reply Api::dashboard() {
  // Counted, not read (a million persons, a hundred thousand cases): persons change only in runs,
  // so the last run that committed says how many there are; the cases are counted by the store.
  std::optional<std::int64_t> persons;
  const auto last_runs = store_->runs(20);
  for (const auto& run : last_runs) {
    if ((run.status != "succeeded" && run.status != "partial") || run.dry_run || run.report.empty()) continue;
    const json report = json::parse(run.report);
    if (report.contains("persons") && report["persons"].contains("total")) persons = report["persons"]["total"].get<std::int64_t>();
    break;
  }
  if (!persons) persons = store_->active_person_count();
  json by_kind = json::object();
  std::int64_t settled = 0;
  for (const auto& [key, n] : store_->live_conflict_counts()) {
    const auto colon = key.rfind(':');
    const std::string kind = key.substr(0, colon), status = key.substr(colon + 1);
    if (status == "settled") {
      settled += n;
      continue;
    }
    const std::string shown = kind + (status == "deferred" ? ":deferred" : "");
    by_kind[shown] = by_kind.value(shown, std::int64_t{0}) + n;
  }
  std::int64_t orphaned = 0;
  for (const auto& d : store_->decisions(false)) orphaned += d.status == "orphaned";
  json runs = json::array();
  for (std::size_t i = 0; i < last_runs.size() && i < 5; ++i) {
    const auto& run = last_runs[i];
    json report = run.report.empty() ? json::object() : json::parse(run.report);
    runs.push_back({{"id", run.id}, {"started_at", run.started_at}, {"status", run.status}, {"dry_run", run.dry_run},
                    {"persons", report.value("persons", json::object())}, {"conflicts", report.value("conflicts", json::object())}});
  }
  return Reply{200, {{"persons", *persons}, {"conflicts", by_kind}, {"settled", settled}, {"orphaned_decisions", orphaned}, {"runs", runs}}, "", ""};
}

Reply Api::conflicts(const Request& r) {
  const std::string status = query(r, "status", "open");
  const long long min_age = query_number(r, "min_age_days", 0, 0, 1000000);
  const long long per_page = std::min(query_number(r, "per_page", 25, 1, 1000000), 200LL);  // more than 200: 200
  const long long page = query_number(r, "page", 1, 1, 1000000000);
  store::ConflictQuery q;
  // "open" is the queue as the UI shows it; another status lists those; "all", everything.
  if (status == "open") q.statuses = {"open"};
  else if (status != "all") q.statuses = {status};
  q.kind = query(r, "kind");
  q.unit = query(r, "unit");
  q.source = query(r, "source");
  q.sort = query(r, "sort", "severity");
  q.limit = per_page;
  q.offset = (page - 1) * per_page;
  // The runs give a case its age: opened at least `min_age` days ago = opened by a run started
  // by then (runs are numbered in the order they start).
  std::map<std::int64_t, std::string> run_started;
  for (const auto& run : store_->runs(1000000)) run_started[run.id] = run.started_at;
  const std::string now = base::now_iso();
  if (min_age > 0) {
    q.max_opened_run = 0;
    for (const auto& [id, started] : run_started)
      if (days_between(started, now) >= min_age) q.max_opened_run = id;
  }
  const store::ConflictPage found = store_->conflict_page(q);
  json items = json::array();
  for (const auto& c : found.rows) {
    const std::vector<std::string> srcs = store::sources_of_column(c.sources);
    auto started = run_started.find(c.opened_run);
    items.push_back({{"id", c.id}, {"kind", c.kind}, {"field", c.field}, {"status", c.status}, {"person_id", c.person_id},
                     {"severity", c.severity}, {"severity_label", admin::severity_label(c.severity)},
                     {"person_name", c.person_name}, {"unit", c.unit}, {"sources", srcs},
                     {"opened_run", c.opened_run}, {"opened_at", started == run_started.end() ? "" : started->second},
                     {"age_days", started == run_started.end() ? 0 : days_between(started->second, now)}});
  }
  return Reply{200, {{"total", found.total}, {"page", page}, {"per_page", per_page}, {"items", items},
                     {"units", store_->conflict_units(q.statuses)}, {"sources", store_->conflict_sources(q.statuses)}}, "", ""};
}

json Api::record_json(const std::string& source, const std::string& record_id) {
  auto rec = store_->record(source, record_id);
  if (!rec) return {{"source", source}, {"record_id", record_id}, {"missing", true}};
  // The normalised values decide what differs ("1" and "Nam" are the same gender); the raw ones are shown.
  json normalized = json::object();
  if (!rec->normalized.empty() && rec->normalized != "{}") {
    json n = json::parse(rec->normalized);
    for (auto& [k, v] : n.items())
      if (v.is_string()) normalized[k] = v;
  }
  return {{"source", source}, {"record_id", record_id}, {"origin", rec->record.origin}, {"fields", rec->record.fields},
          {"normalized", normalized}, {"changed_run", rec->changed_run}, {"deleted", rec->deleted_run.has_value()}};
}

json Api::explanation(const std::string& a, const std::string& b) {
  // The explainer loads every active record: build it once per run, not per request.
  auto runs = store_->runs(1);
  std::int64_t newest = runs.empty() ? 0 : runs.front().id;
  if (!explainer_ || explainer_run_ != newest) {
    explainer_.reset();
    explainer_ = std::make_unique<sync::Explainer>(*store_, config_.match);
    explainer_run_ = newest;
  }
  json out = sync::Explainer::to_json(explainer_->explain(a, b), a, b);
  out["cluster"] = sync::Explainer::to_json(explainer_->cluster(a, b));  // the two persons as wholes
  return out;
}

Reply Api::conflict(std::int64_t id) {
  auto c = store_->conflict(id);
  if (!c) return error(404, "no conflict #" + std::to_string(id));
  json out = admin::conflict_json(*c);
  out["person"] = {{"id", c->person_id}, {"golden", golden_of(store_->person(c->person_id))}};
  json records = json::array();
  // A unit or posting case's candidates are units, not records.
  if (c->kind != "unit_unresolved" && c->kind != "unit_split" && c->kind != "posting_disputed")
    for (const auto& cand : out["candidates"]) records.push_back(record_json(cand.value("source", ""), cand.value("record_id", "")));
  out["records"] = records;
  if (c->kind == "match_review" && out["candidates"].size() == 2) {
    try {
      out["explanation"] = explanation(out["candidates"][0]["source"].get<std::string>() + ":" + out["candidates"][0]["record_id"].get<std::string>(),
                                       out["candidates"][1]["source"].get<std::string>() + ":" + out["candidates"][1]["record_id"].get<std::string>());
    } catch (const std::exception& e) {
      out["explanation"] = {{"error", e.what()}};
    }
  }
  json decisions = json::array();
  for (const auto& d : store_->decisions(false))
    if (d.conflict_id == id) decisions.push_back(admin::decision_json(d));
  out["decisions"] = decisions;
  out["field_labels"] = field_labels();
  return Reply{200, out, "", ""};
}

Reply Api::person(const std::string& id) {
  auto p = store_->person(id);
  if (!p) return error(404, "no person " + id);
  json records = json::array();
  for (const auto& l : store_->links_of(id)) {
    json r = record_json(l.source, l.record_id);
    r["link_status"] = l.status;
    r["score"] = l.score ? json(*l.score) : json();
    r["rule"] = l.rule;
    records.push_back(r);
  }
  json history = json::array();
  for (const auto& h : store_->person_changes(id))
    history.push_back({{"run", h.run_id}, {"at", h.changed_at}, {"field", h.field}, {"old", h.old_value}, {"new", h.new_value}});
  json decisions = json::array();
  for (const auto& d : store_->decisions(false)) {
    bool about = d.person_id == id;
    for (const auto& [s, rid] : d.records)
      for (const auto& l : records) about = about || (l["source"] == s && l["record_id"] == rid);
    if (about) decisions.push_back(admin::decision_json(d));
  }
  json conflicts = json::array();
  for (const auto& c : store_->conflicts(false))
    if (c.person_id == id) conflicts.push_back({{"id", c.id}, {"kind", c.kind}, {"field", c.field}, {"status", c.status}});
  json golden = golden_of(p);
  // Postings, grades and party events merged per period (docs/organisation.md), oldest first.
  json timeline = json::array();
  auto golden_text = [&](const char* f) { return golden.contains(f) ? golden[f].value("value", "") : std::string(); };
  const sync::Timelines timelines(*store_, config_.organisation.get(), id,
                                  org::PositionLevels(config_.head_titles, config_.deputy_titles));
  for (const auto& t : timelines.of(id, golden_text("org_unit"), golden_text("position"))) {
    timeline.push_back({{"kind", t.kind}, {"from", t.from}, {"to", t.to}, {"fields", t.fields}, {"unit_code", t.unit_code},
                        {"sources", t.sources}, {"inferred", t.inferred}});
    if (!t.level.empty()) timeline.back()["level"] = t.level;
  }
  org::annotate_places(golden, *config_.places);  // "now": the administrative unit of today, where a place names an older one
  return Reply{200, {{"id", p->id}, {"created_run", p->created_run}, {"updated_run", p->updated_run},
                     {"retired_run", p->retired_run ? json(*p->retired_run) : json()}, {"merged_into", p->merged_into},
                     {"split_from", p->split_from}, {"golden", golden}, {"records", records}, {"history", history},
                     {"timeline", timeline}, {"decisions", decisions}, {"conflicts", conflicts}, {"field_labels", field_labels()}}, "", ""};
}

Reply Api::runs() {
  json out = json::array();
  for (const auto& run : store_->runs(100)) {
    json report = run.report.empty() ? json::object() : json::parse(run.report);
    out.push_back({{"id", run.id}, {"started_at", run.started_at}, {"finished_at", run.finished_at}, {"status", run.status},
                   {"dry_run", run.dry_run}, {"sources", report.value("sources", json::array())},
                   {"persons", report.value("persons", json::object())}, {"conflicts", report.value("conflicts", json::object())},
                   {"decisions", report.value("decisions", json::object())}, {"error", report.value("error", "")}});
  }
  return Reply{200, {{"runs", out}}, "", ""};
}

Reply Api::decisions() {
  json out = json::array();
  for (const auto& d : store_->decisions(false)) out.push_back(admin::decision_json(d));
  std::reverse(out.begin(), out.end());
  return Reply{200, {{"decisions", out}}, "", ""};
}

Reply Api::audit(const Request& r) {
  const long long limit = std::min(query_number(r, "limit", 100, 1, 1000000), 1000LL);
  auto last = store_->last_audit();
  std::int64_t from = last ? std::max<std::int64_t>(0, last->seq - limit) : 0;
  json entries = json::array();
  for (const auto& a : store_->audit(from, limit))
    entries.push_back({{"seq", a.seq}, {"at", a.at}, {"actor", a.actor}, {"action", a.action}, {"detail", json::parse(a.detail)}, {"hash", a.hash}});
  std::reverse(entries.begin(), entries.end());
  auto check = admin::verify_audit(*store_);
  json verify = {{"entries", check.entries}, {"intact", !check.first_broken}};
  if (check.first_broken) verify["first_broken"] = *check.first_broken, verify["problem"] = check.problem;
  verify["proven"] = check.proven;
  verify["not_proven"] = check.unproven;
  return Reply{200, {{"entries", entries}, {"verify", verify}}, "", ""};
}

Reply Api::users() {
  json out = json::array();
  for (const auto& u : store_->users())
    out.push_back({{"name", u.name}, {"role", u.role}, {"disabled", u.disabled}, {"created_at", u.created_at}});
  return Reply{200, {{"users", out}}, "", ""};
}

}  // namespace hopnhat::server
