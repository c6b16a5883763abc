#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <variant>

#include "base/memory.hpp"
#include "store/conflict_query.hpp"
#include "store/invariants.hpp"
#include "store/migrations.hpp"
#include "store/run_lock.hpp"
#include "store/row_json.hpp"
#include "store/sqlite_db.hpp"
#include "store/store.hpp"

namespace hopnhat::store {
namespace {

// The inserts the put_* writes extend with ON CONFLICT and the add_* ones run as they are;
// write_*() binds a row to either and runs it.
constexpr const char* kInsertRecord =
    "INSERT INTO source_records(source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized, history) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)";
constexpr const char* kInsertLink =
    "INSERT INTO links(source, record_id, person_id, status, score, rule, run_id, match_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertPerson =  // the view run is the updated run (Store::put_person)
    "INSERT INTO persons(id, created_run, updated_run, retired_run, golden, merged_into, split_from, view_run) "
    "VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, ''), NULLIF(?7, ''), ?3)";

// The three writers a run calls millions of times bind without copies: each binds and runs in
// one go, while the row and the temporaries of the expression live.
void write_record(Statement& s, const sdk::SourceRecord& r, std::int64_t run_id, const RecordText& text) {
  s.bind_borrowed(1, r.source).bind_borrowed(2, r.id).bind_borrowed(3, r.content_hash).bind_borrowed(4, r.origin)
      .bind_borrowed(5, text.fields).bind_borrowed(6, text.attributes).bind(7, run_id).bind(8, run_id)
      .bind_borrowed(9, text.normalized).bind_borrowed_or_null(10, text.history).run();
}

void write_link(Statement& s, const LinkRow& l) {
  s.bind_borrowed(1, l.source).bind_borrowed(2, l.record_id).bind_borrowed(3, l.person_id).bind_borrowed(4, l.status);
  if (l.score) s.bind(5, *l.score); else s.bind_null(5);
  s.bind_borrowed(6, l.rule).bind(7, l.run_id).bind_blob_borrowed(8, l.match_keys).run();
}

void write_person(Statement& s, const PersonRow& p) {
  s.bind_borrowed(1, p.id).bind(2, p.created_run).bind(3, p.updated_run).bind_optional(4, p.retired_run)
      .bind_borrowed(5, p.golden).bind_borrowed(6, p.merged_into).bind_borrowed(7, p.split_from).run();
}


class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::filesystem::path& path, bool create) : db_(path.string(), create) {
    db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
  }

  void set_reference_checks(bool on) override {
    db_.exec(on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF");  // a no-op inside a transaction
  }

  std::vector<std::string> integrity_problems() override {
    std::vector<std::string> out;
    auto quick = db_.prepare("PRAGMA quick_check");
    while (quick.step())
      if (quick.text(0) != "ok") out.push_back("quick_check: " + quick.text(0));
    if (schema_version() == 0) return out;  // no tables yet: nothing else to check
    auto refs = db_.prepare("SELECT \"table\", parent, COUNT(*) FROM pragma_foreign_key_check GROUP BY 1, 2 ORDER BY 1, 2");
    while (refs.step())
      out.push_back(std::to_string(refs.integer(2)) + " rows of " + refs.text(0) + " reference a row of " + refs.text(1) +
                    " that does not exist");
    for (const Invariant& inv : kInvariants) {
      auto s = db_.prepare(inv.count_sql);
      if (s.step() && s.integer(0) > 0) out.push_back(std::to_string(s.integer(0)) + " " + inv.rows_that);
    }
    return out;
  }

  void begin() override {
    db_.exec("BEGIN IMMEDIATE");
    transaction_began();
    // Foreign keys are checked at commit, as PostgreSQL's DEFERRABLE INITIALLY DEFERRED ones
    // are: a run writes a new person once, with its golden record, after the links to it.
    db_.exec("PRAGMA defer_foreign_keys = ON");
    migrate();
  }
  void commit() override {
    settle_counters();
    db_.exec("COMMIT");
    db_.use_write_ahead_log();  // a store created by this run switches after its first commit
    transaction_committed();
  }
  void rollback() override {
    counters_.clear();
    link_indexes_aside_.clear();  // the rollback brings them back
    transaction_rolled_back();
    if (!sqlite3_get_autocommit(db_.handle())) db_.exec("ROLLBACK");
  }

  void savepoint(const std::string& name) override {
    settle_counters();
    db_.exec("SAVEPOINT \"" + name + "\"");
  }
  void release(const std::string& name) override { db_.exec("RELEASE \"" + name + "\""); }
  void release_memory() override {
    sqlite3_db_cacheflush(db_.handle());
    sqlite3_db_release_memory(db_.handle());
  }
  void rollback_to(const std::string& name) override {
    counters_.clear();  // read again from the rolled-back table
    db_.exec("ROLLBACK TO \"" + name + "\"");
  }

  std::int64_t prune_runs(int keep) override {
    auto s = db_.prepare("DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT ?)");
    s.bind(1, static_cast<std::int64_t>(keep)).run();
    std::int64_t removed = sqlite3_changes(db_.handle());
    db_.exec("DELETE FROM match_models WHERE run_id NOT IN (SELECT id FROM runs)");
    return removed;
  }

  int schema_version() override {
    auto s = db_.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    return static_cast<int>(s.integer(0));
  }

  std::string describe() override { return "SQLite " + db_.path(); }

  void lock_runs(const std::string& what) override { run_lock_ = RunLock::acquire(db_.path(), what); }

  int latest_schema_version() override { return static_cast<int>(embedded::migration_names().size()); }

  std::vector<std::string> pending_migrations() override {
    std::vector<std::string> out;
    int current = schema_version();
    for (int v = current; v < latest_schema_version(); ++v)
      out.emplace_back(embedded::migration_names()[static_cast<std::size_t>(v)]);
    return out;
  }

  std::int64_t create_run(const std::string& started_at, bool dry_run) override {
    auto s = db_.prepare("INSERT INTO runs(started_at, status, dry_run) VALUES (?, 'running', ?)");
    s.bind(1, started_at).bind(2, static_cast<std::int64_t>(dry_run)).run();
    return sqlite3_last_insert_rowid(db_.handle());
  }

  void finish_run(std::int64_t id, const std::string& status, const std::string& finished_at,
                  const std::string& report) override {
    auto s = db_.prepare("UPDATE runs SET status = ?, finished_at = ?, report = ? WHERE id = ?");
    s.bind(1, status).bind(2, finished_at).bind(3, report).bind(4, id).run();
  }

  std::vector<RunRow> runs(int limit) override {
    auto s = db_.prepare("SELECT id, started_at, COALESCE(finished_at, ''), status, dry_run, COALESCE(report, '') FROM runs ORDER BY id DESC LIMIT ?");
    s.bind(1, static_cast<std::int64_t>(limit));
    std::vector<RunRow> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.text(5)});
    return out;
  }

  std::optional<SourceState> source_state(const std::string& source) override {
    auto s = db_.prepare("SELECT state, record_count FROM source_states WHERE source = ?");
    s.bind(1, source);
    if (!s.step()) return std::nullopt;
    return SourceState{s.text(0), s.integer(1)};
  }

  void put_source_state(const std::string& source, const SourceState& st, std::int64_t run_id) override {
    auto s = db_.prepare("INSERT INTO source_states(source, state, record_count, run_id) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT(source) DO UPDATE SET state = excluded.state, record_count = excluded.record_count, run_id = excluded.run_id");
    s.bind(1, source).bind(2, st.state).bind(3, st.record_count).bind(4, run_id).run();
  }

  std::vector<StoredRecord> active_records() override { return active_records_in_key_order(kSelectRecords); }

  std::vector<StoredRecord> active_records_for_matching(std::int64_t held_run) override {
    // The held rows' values are not copied out of the page at all: the CASE leaves them.
    const std::string held = std::to_string(held_run);
    return active_records_in_key_order("SELECT source, record_id, '', '', CASE WHEN changed_run = " + held +
                                       " OR normalized <> '{}' THEN '{}' ELSE fields END, '[]', first_run, changed_run, "
                                       "deleted_run, CASE WHEN changed_run = " + held + " THEN '' ELSE normalized END, NULL");
  }

  std::vector<RecordState> record_states(const std::string& source) override {
    // The rows of a source lie together (a source is read as a whole; later runs append the few
    // new ones): the stretch of rowids that holds them is read in order, not row by row at
    // random through the key index.
    auto range = db_.prepare("SELECT min(rowid), max(rowid) FROM source_records INDEXED BY source_records_key WHERE source = ?");
    range.bind(1, source);
    if (!range.step() || range.is_null(0)) return {};
    auto s = db_.prepare("SELECT record_id, content_hash, deleted_run IS NOT NULL FROM source_records NOT INDEXED "
                         "WHERE rowid BETWEEN ? AND ? AND source = ?");
    s.bind(1, range.integer(0)).bind(2, range.integer(1)).bind(3, source);
    std::vector<RecordState> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2) != 0});
    return out;
  }

  void put_record(const sdk::SourceRecord& r, std::int64_t run_id, const RecordText& text) override {
    if (!put_record_) put_record_.emplace(db_.prepare(std::string(kInsertRecord) +
        " ON CONFLICT(source, record_id) DO UPDATE SET "
        "content_hash = excluded.content_hash, origin = excluded.origin, fields = excluded.fields, "
        "attributes = excluded.attributes, changed_run = excluded.changed_run, deleted_run = NULL, normalized = excluded.normalized, "
        "history = excluded.history"));
    write_record(*put_record_, r, run_id, text);
  }

  void add_record(const sdk::SourceRecord& r, std::int64_t run_id, const RecordText& text) override {
    if (!add_record_) add_record_.emplace(db_.prepare(kInsertRecord));
    write_record(*add_record_, r, run_id, text);
  }

  void mark_deleted(const std::string& source, const std::string& record_id, std::int64_t run_id) override {
    auto s = db_.prepare("UPDATE source_records SET deleted_run = ? WHERE source = ? AND record_id = ?");
    s.bind(1, run_id).bind(2, source).bind(3, record_id).run();
  }

  std::vector<LinkRow> links() override {
    return in_key_order<LinkRow>("links", "links_key", kSelectLinkColumns, 8, "", read_link);
  }

  // From the index links_by_person alone (it holds every column asked for, in this order).
  void each_live_link(const std::function<void(LinkRow&&)>& visit) override {
    auto s = db_.prepare("SELECT person_id, source, record_id, status FROM links INDEXED BY links_by_person "
                         "WHERE status <> 'deleted' ORDER BY person_id, source, record_id");
    visit_live_links(s, visit);
  }

  void each_linked_history(const std::function<void(const std::string&, const std::string&, const std::string&,
                                                    std::vector<sdk::HistoryRow>&&)>& visit) override {
    auto s = db_.prepare("SELECT l.person_id, r.source, r.record_id, r.history FROM source_records r "
                         "JOIN links l ON l.source = r.source AND l.record_id = r.record_id "
                         "WHERE r.history IS NOT NULL AND r.deleted_run IS NULL AND l.status <> 'deleted' "
                         "ORDER BY l.person_id, r.source, r.record_id");
    while (s.step()) visit(s.text(0), s.text(1), s.text(2), read_history_json(s.text(3)));
  }

  void each_linked_history_of(const std::string& person_id,
                              const std::function<void(const std::string&, const std::string&, const std::string&,
                                                       std::vector<sdk::HistoryRow>&&)>& visit) override {
    auto s = db_.prepare("SELECT l.person_id, r.source, r.record_id, r.history FROM links l INDEXED BY links_by_person "
                         "JOIN source_records r ON r.source = l.source AND r.record_id = l.record_id "
                         "WHERE l.person_id = ? AND l.status <> 'deleted' AND r.history IS NOT NULL AND r.deleted_run IS NULL "
                         "ORDER BY r.source, r.record_id");
    s.bind(1, person_id);
    while (s.step()) visit(s.text(0), s.text(1), s.text(2), read_history_json(s.text(3)));
  }

  void each_live_link_of(const std::vector<std::string>& person_ids, const std::function<void(LinkRow&&)>& visit) override {
    auto s = db_.prepare("SELECT person_id, source, record_id, status FROM links INDEXED BY links_by_person "
                         "WHERE person_id = ? AND status <> 'deleted' ORDER BY source, record_id");
    for (const auto& id : person_ids) {
      s.bind(1, id);
      visit_live_links(s, visit);
      s.reset();
    }
  }

  // The rows of a (person_id, source, record_id, status) query, as LinkRows with those set.
  static void visit_live_links(Statement& s, const std::function<void(LinkRow&&)>& visit) {
    while (s.step()) {
      LinkRow l;
      l.person_id = s.text(0);
      l.source = s.text(1);
      l.record_id = s.text(2);
      l.status = s.text(3);
      visit(std::move(l));
    }
  }

  void put_link(const LinkRow& l) override {
    if (!put_link_) put_link_.emplace(db_.prepare(std::string(kInsertLink) +
        " ON CONFLICT(source, record_id) DO UPDATE SET person_id = excluded.person_id, status = excluded.status, "
        "score = excluded.score, rule = excluded.rule, run_id = excluded.run_id, match_keys = excluded.match_keys"));
    write_link(*put_link_, l);
  }

  void add_link(const LinkRow& l) override {
    if (!add_link_) add_link_.emplace(db_.prepare(kInsertLink));
    write_link(*add_link_, l);
  }

  // A first run writes its links in record order; each went into the index by person at a
  // place far from the last one's, and even the key's index, in its own order, took a search
  // and a check per row: 2.5 million links took 11-14 s, half the golden stage at a million
  // persons, where writing the bare rows and making both indexes once takes 6-10 s (measured
  // in docs/benchmarks.md). The indexes are made again from their own definitions.
  bool set_link_indexes_aside() override {
    if (!link_indexes_aside_.empty()) return true;
    {
      // With reference checks on, each person written would look for its links without the index.
      auto checks = db_.prepare("PRAGMA foreign_keys");
      if (checks.step() && checks.integer(0)) return false;
      auto any = db_.prepare("SELECT EXISTS (SELECT 1 FROM links)");
      if (!any.step() || any.integer(0)) return false;
    }
    std::vector<std::string> names;
    auto s = db_.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'links' AND sql IS NOT NULL");
    while (s.step()) {
      names.push_back(s.text(0));
      link_indexes_aside_.push_back(s.text(1));
    }
    for (const auto& name : names) db_.exec("DROP INDEX \"" + name + "\"");
    return !link_indexes_aside_.empty();
  }

  void restore_link_indexes() override {
    if (link_indexes_aside_.empty()) return;
    db_.exec("PRAGMA threads = 1");  // the sorter may take the other core: the builders are done
    for (const auto& sql : link_indexes_aside_) db_.exec(sql);
    db_.exec("PRAGMA threads = 0");
    link_indexes_aside_.clear();
  }

  std::vector<PersonRow> persons() override {
    std::vector<PersonRow> out;
    each_person([&](PersonRow&& p) { out.push_back(std::move(p)); });
    return out;
  }

  void each_person(const std::function<void(PersonRow&&)>& visit) override {
    auto s = db_.prepare(std::string(kSelectPersons) + " ORDER BY id");
    while (s.step()) visit(person_row(s));
  }

  void put_person(const PersonRow& p) override {
    if (!put_person_) put_person_.emplace(db_.prepare(std::string(kInsertPerson) +
        " ON CONFLICT(id) DO UPDATE SET updated_run = excluded.updated_run, retired_run = excluded.retired_run, golden = excluded.golden, "
        "merged_into = excluded.merged_into, split_from = excluded.split_from, view_run = excluded.view_run"));
    write_person(*put_person_, p);
  }

  void add_person(const PersonRow& p) override {
    if (!add_person_) add_person_.emplace(db_.prepare(kInsertPerson));
    write_person(*add_person_, p);
  }

  void mark_views_changed(const std::vector<std::string>& person_ids, std::int64_t run_id) override {
    auto s = db_.prepare("UPDATE persons SET view_run = ? WHERE id = ?");
    for (const auto& id : person_ids) s.bind(1, run_id).bind(2, id).run();
  }

  void claim_outside_view_changes(std::int64_t run_id) override {
    auto s = db_.prepare("UPDATE persons SET view_run = ? WHERE view_run = 0");
    s.bind(1, run_id).run();
  }

  void each_person_changed_since(std::int64_t since, const std::function<void(PersonRow&&)>& visit) override {
    // Two ranges of the view index, sorted here: asked for in id order, SQLite walks every
    // person by the primary key instead (a million for a night's few thousand).
    std::vector<PersonRow> rows;
    for (bool outside_runs : {false, true}) {
      auto s = db_.prepare(std::string(kSelectPersons) + " INDEXED BY persons_by_view WHERE " +
                           (outside_runs ? "view_run = 0" : "view_run > ?"));
      if (!outside_runs) s.bind(1, since);
      while (s.step()) rows.push_back(person_row(s));
    }
    std::sort(rows.begin(), rows.end(), [](const PersonRow& a, const PersonRow& b) { return a.id < b.id; });
    for (auto& p : rows) visit(std::move(p));
  }

  std::optional<ExportState> export_state(const std::string& export_name) override {
    auto s = db_.prepare("SELECT plugin, state, fields, run_id FROM export_states WHERE export = ?");
    s.bind(1, export_name);
    if (!s.step()) return std::nullopt;
    return ExportState{s.text(0), s.text(1), nlohmann::json::parse(s.text(2)).get<std::vector<std::string>>(), s.integer(3)};
  }

  void put_export_state(const std::string& export_name, const ExportState& st) override {
    auto s = db_.prepare("INSERT INTO export_states(export, plugin, state, fields, run_id) VALUES (?, ?, ?, ?, ?) "
                         "ON CONFLICT(export) DO UPDATE SET plugin = excluded.plugin, state = excluded.state, "
                         "fields = excluded.fields, run_id = excluded.run_id");
    s.bind(1, export_name).bind(2, st.plugin).bind(3, st.state).bind(4, nlohmann::json(st.fields).dump()).bind(5, st.run_id).run();
  }

  std::int64_t next_counter(const std::string& name) override {
    // Counted in memory (a million new persons make a million calls) and written back before
    // the transaction commits or a savepoint is taken; the run lock makes this the only writer.
    auto it = counters_.find(name);
    if (it == counters_.end()) {
      auto s = db_.prepare("SELECT value FROM counters WHERE name = ?");
      s.bind(1, name);
      it = counters_.emplace(name, s.step() ? s.integer(0) : 0).first;
    }
    return ++it->second;
  }

  void settle_counters() {
    for (const auto& [name, value] : counters_) {
      auto s = db_.prepare("INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value");
      s.bind(1, name).bind(2, value).run();
    }
  }

  void put_model(std::int64_t run_id, const std::string& model) override {
    auto s = db_.prepare("INSERT OR REPLACE INTO match_models(run_id, model) VALUES (?, ?)");
    s.bind(1, run_id).bind(2, model).run();
  }

  std::optional<std::string> latest_model() override {
    auto s = db_.prepare("SELECT model FROM match_models ORDER BY run_id DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return s.text(0);
  }

  std::vector<ConflictRow> conflicts(bool open_only) override {
    auto s = db_.prepare(std::string(kSelectConflicts) + (open_only ? " WHERE status IN ('open', 'deferred')" : "") + " ORDER BY id");
    return read_conflicts(s);
  }

  std::vector<ConflictRow> live_conflicts() override {
    auto s = db_.prepare(std::string(kSelectConflicts) + " WHERE status IN ('open', 'deferred', 'settled') ORDER BY id");
    return read_conflicts(s);
  }

  ConflictPage conflict_page(const ConflictQuery& q) override {
    std::vector<std::variant<std::string, std::int64_t>> params;
    QueueSql sql = queue_sql(q, [&](auto value) {
      params.emplace_back(std::move(value));
      return std::string("?");
    });
    auto bind_all = [&](Statement& s) {
      for (std::size_t i = 0; i < params.size(); ++i)
        std::visit([&](const auto& v) { s.bind(static_cast<int>(i + 1), v); }, params[i]);
    };
    ConflictPage page;
    auto count = db_.prepare("SELECT count(*) FROM conflicts" + sql.where);
    bind_all(count);
    count.step();
    page.total = count.integer(0);
    auto rows = db_.prepare(std::string(kSelectConflicts) + sql.where + sql.order + " LIMIT ? OFFSET ?");
    bind_all(rows);
    rows.bind(static_cast<int>(params.size() + 1), q.limit).bind(static_cast<int>(params.size() + 2), q.offset);
    page.rows = read_conflicts(rows);
    return page;
  }

  std::vector<std::string> conflict_units(const std::vector<std::string>& statuses) override {
    return distinct_column("unit", statuses);
  }

  std::vector<std::string> conflict_sources(const std::vector<std::string>& statuses) override {
    std::set<std::string> names;
    for (const auto& list : distinct_column("sources", statuses))
      for (auto& name : sources_of_column(list)) names.insert(std::move(name));
    return {names.begin(), names.end()};
  }

  std::map<std::string, std::int64_t> live_conflict_counts() override {
    auto s = db_.prepare("SELECT kind, status, count(*) FROM conflicts WHERE status IN ('open', 'deferred', 'settled') GROUP BY kind, status");
    std::map<std::string, std::int64_t> out;
    while (s.step()) out[s.text(0) + ":" + s.text(1)] = s.integer(2);
    return out;
  }

  std::int64_t put_conflict(const ConflictRow& c) override {
    if (c.id == 0) {
      if (!add_conflict_) add_conflict_.emplace(db_.prepare(
          "INSERT INTO conflicts(person_id, field, kind, status, candidates, opened_run, closed_run, severity, person_name, unit, sources) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
      add_conflict_->bind_borrowed(1, c.person_id).bind_borrowed(2, c.field).bind_borrowed(3, c.kind).bind_borrowed(4, c.status)
          .bind_borrowed(5, c.candidates).bind(6, c.opened_run).bind_optional(7, c.closed_run).bind(8, std::int64_t{c.severity})
          .bind_borrowed(9, c.person_name).bind_borrowed(10, c.unit).bind_borrowed(11, c.sources).run();
      return sqlite3_last_insert_rowid(db_.handle());
    }
    if (!update_conflict_) update_conflict_.emplace(db_.prepare(
        "UPDATE conflicts SET status = CASE WHEN ?1 IN ('open', 'settled') AND status IN ('resolved', 'deferred') THEN status ELSE ?1 END, "
        "candidates = ?2, closed_run = ?3, person_id = ?4, severity = ?6, person_name = ?7, unit = ?8, sources = ?9 WHERE id = ?5"));
    update_conflict_->bind_borrowed(1, c.status).bind_borrowed(2, c.candidates).bind_optional(3, c.closed_run)
        .bind_borrowed(4, c.person_id).bind(5, c.id).bind(6, std::int64_t{c.severity}).bind_borrowed(7, c.person_name)
        .bind_borrowed(8, c.unit).bind_borrowed(9, c.sources).run();
    return c.id;
  }

  void set_conflict_status(std::int64_t id, const std::string& status) override {
    auto mark = db_.prepare("UPDATE persons SET view_run = 0 WHERE id = (SELECT person_id FROM conflicts WHERE id = ?)");
    mark.bind(1, id).run();
    auto s = db_.prepare("UPDATE conflicts SET status = ? WHERE id = ?");
    s.bind(1, status).bind(2, id).run();
  }

  void put_person_change(const PersonChange& c) override {
    if (!put_change_) put_change_.emplace(db_.prepare(
        "INSERT OR REPLACE INTO person_changes(person_id, run_id, changed_at, field, old_value, new_value) VALUES (?, ?, ?, ?, ?, ?)"));
    put_change_->bind(1, c.person_id).bind(2, c.run_id).bind(3, c.changed_at).bind(4, c.field).bind(5, c.old_value)
        .bind(6, c.new_value).run();
  }

  std::vector<PersonChange> person_changes(const std::string& person_id) override {
    auto s = db_.prepare(std::string("SELECT person_id, run_id, changed_at, field, old_value, new_value FROM person_changes") +
                         (person_id.empty() ? "" : " WHERE person_id = ?") + " ORDER BY person_id, run_id, field");
    if (!person_id.empty()) s.bind(1, person_id);
    std::vector<PersonChange> out;
    while (s.step()) out.push_back({s.text(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5)});
    return out;
  }

  std::optional<ConflictRow> conflict(std::int64_t id) override {
    auto s = db_.prepare(std::string(kSelectConflicts) + " WHERE id = ?");
    s.bind(1, id);
    auto rows = read_conflicts(s);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  std::optional<PersonRow> person(const std::string& id) override {
    auto rows = persons_in({id});
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  std::vector<LinkRow> links_of(const std::string& person_id) override {
    auto s = db_.prepare(std::string(kSelectLinkColumns) + " FROM links WHERE person_id = ? ORDER BY source, record_id");
    s.bind(1, person_id);
    return read_links(s);
  }

  std::optional<StoredRecord> record(const std::string& source, const std::string& record_id) override {
    auto rows = records_in({{source, record_id}});
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }

  std::vector<StoredRecord> records_in(const std::vector<std::pair<std::string, std::string>>& keys) override {
    auto s = db_.prepare(kSelectRecords + std::string(" FROM source_records WHERE source = ? AND record_id = ?"));
    std::vector<StoredRecord> out;
    out.reserve(keys.size());
    for (const auto& [source, id] : keys) {
      s.bind(1, source).bind(2, id);
      for (auto& r : read_records(s)) out.push_back(std::move(r));
      s.reset();
    }
    return out;
  }

  std::vector<PersonRow> persons_in(const std::vector<std::string>& ids) override {
    auto s = db_.prepare(std::string(kSelectPersons) + " WHERE id = ?");
    std::vector<PersonRow> out;
    out.reserve(ids.size());
    for (const auto& id : ids) {
      s.bind(1, id);
      if (s.step()) out.push_back(person_row(s));
      s.reset();
    }
    return out;
  }

  std::int64_t active_person_count() override {
    auto s = db_.prepare("SELECT count(*) FROM persons WHERE retired_run IS NULL");
    s.step();
    return s.integer(0);
  }

  std::int64_t put_decision(const DecisionRow& d) override {
    const std::string records = pairs_json(d.records);
    if (d.id == 0) {
      auto s = db_.prepare("INSERT INTO decisions(kind, conflict_id, person_id, field, records, value, source, record_id, note, "
                           "author, created_at, status, status_note, undone_by, undone_at) VALUES (?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
      s.bind(1, d.kind).bind(2, d.conflict_id).bind(3, d.person_id).bind(4, d.field).bind(5, records).bind(6, d.value)
          .bind(7, d.source).bind(8, d.record_id).bind(9, d.note).bind(10, d.author).bind(11, d.created_at).bind(12, d.status)
          .bind(13, d.status_note).bind(14, d.undone_by).bind(15, d.undone_at).run();
      return sqlite3_last_insert_rowid(db_.handle());
    }
    auto s = db_.prepare("UPDATE decisions SET status = ?, status_note = ?, undone_by = ?, undone_at = ? WHERE id = ?");
    s.bind(1, d.status).bind(2, d.status_note).bind(3, d.undone_by).bind(4, d.undone_at).bind(5, d.id).run();
    return d.id;
  }

  std::vector<DecisionRow> decisions(bool active_only) override {
    auto s = db_.prepare(std::string(kSelectDecisions) + (active_only ? " WHERE status = 'active'" : "") + " ORDER BY id");
    return read_decisions(s);
  }

  std::optional<DecisionRow> decision(std::int64_t id) override {
    auto s = db_.prepare(std::string(kSelectDecisions) + " WHERE id = ?");
    s.bind(1, id);
    auto rows = read_decisions(s);
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  void put_user(const UserRow& u) override {
    auto s = db_.prepare("INSERT INTO users(name, role, password_hash, disabled, created_at, failed_logins, locked_until) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET role = excluded.role, "
                         "password_hash = excluded.password_hash, disabled = excluded.disabled, "
                         "failed_logins = excluded.failed_logins, locked_until = excluded.locked_until");
    s.bind(1, u.name).bind(2, u.role).bind(3, u.password_hash).bind(4, static_cast<std::int64_t>(u.disabled)).bind(5, u.created_at)
        .bind(6, u.failed_logins).bind(7, u.locked_until).run();
  }

  std::optional<UserRow> user(const std::string& name) override {
    auto s = db_.prepare(std::string(kSelectUsers) + " WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return UserRow{s.text(0), s.text(1), s.text(2), s.integer(3) != 0, s.text(4), s.integer(5), s.text(6)};
  }

  std::vector<UserRow> users() override {
    auto s = db_.prepare(std::string(kSelectUsers) + " ORDER BY name");
    std::vector<UserRow> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3) != 0, s.text(4), s.integer(5), s.text(6)});
    return out;
  }

  void put_session(const SessionRow& r) override {
    auto s = db_.prepare("INSERT OR REPLACE INTO sessions(token_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)");
    s.bind(1, r.token_hash).bind(2, r.user).bind(3, r.csrf).bind(4, r.created_at).bind(5, r.expires_at).run();
  }

  std::optional<SessionRow> session(const std::string& token_hash) override {
    auto s = db_.prepare("SELECT token_hash, user_name, csrf, created_at, expires_at FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return SessionRow{s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)};
  }

  void delete_session(const std::string& token_hash) override {
    auto s = db_.prepare("DELETE FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash).run();
  }

  void delete_sessions(const std::string& now, const std::string& user) override {
    auto s = db_.prepare("DELETE FROM sessions WHERE expires_at < ? OR user_name = ?");
    s.bind(1, now).bind(2, user.empty() ? std::string("\x01none") : user).run();
  }

  std::map<std::string, std::string> unit_aliases() override {
    auto s = db_.prepare("SELECT text, code FROM unit_aliases");
    std::map<std::string, std::string> out;
    while (s.step()) out.emplace(s.text(0), s.text(1));
    return out;
  }
  void put_unit_alias(const std::string& text, const std::string& code, const std::string& actor, const std::string& at) override {
    auto s = db_.prepare("INSERT OR REPLACE INTO unit_aliases(text, code, actor, created_at) VALUES (?, ?, ?, ?)");
    s.bind(1, text).bind(2, code).bind(3, actor).bind(4, at).run();
  }
  bool delete_unit_alias(const std::string& text) override {
    auto s = db_.prepare("DELETE FROM unit_aliases WHERE text = ?");
    s.bind(1, text).run();
    return sqlite3_changes(db_.handle()) > 0;
  }

  std::map<std::pair<std::string, std::string>, std::string> org_rows() override {
    auto s = db_.prepare("SELECT kind, key, row FROM org_registry");
    std::map<std::pair<std::string, std::string>, std::string> out;
    while (s.step()) out.emplace(std::make_pair(s.text(0), s.text(1)), s.text(2));
    return out;
  }
  void put_org_row(const std::string& kind, const std::string& key, const std::string& row, std::int64_t run) override {
    auto s = db_.prepare("INSERT OR REPLACE INTO org_registry(kind, key, row, changed_run) VALUES (?, ?, ?, ?)");
    s.bind(1, kind).bind(2, key).bind(3, row).bind(4, run).run();
  }
  void delete_org_row(const std::string& kind, const std::string& key) override {
    auto s = db_.prepare("DELETE FROM org_registry WHERE kind = ? AND key = ?");
    s.bind(1, kind).bind(2, key).run();
  }

  void append_audit(const AuditRow& a) override {
    auto s = db_.prepare("INSERT INTO audit_log(seq, at, actor, action, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, a.seq).bind(2, a.at).bind(3, a.actor).bind(4, a.action).bind(5, a.detail).bind(6, a.prev_hash).bind(7, a.hash).run();
  }

  std::optional<AuditRow> last_audit() override {
    auto s = db_.prepare("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!s.step()) return std::nullopt;
    return AuditRow{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)};
  }

  std::vector<AuditRow> audit(std::int64_t after_seq, std::int64_t limit) override {
    auto s = db_.prepare("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?");
    s.bind(1, after_seq).bind(2, limit);
    std::vector<AuditRow> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.text(6)});
    return out;
  }

 private:
  static constexpr const char* kSelectPersons =
      "SELECT id, created_run, updated_run, retired_run, golden, COALESCE(merged_into, ''), COALESCE(split_from, '') FROM persons";

  static PersonRow person_row(const Statement& s) {
    PersonRow p{s.text(0), s.integer(1), s.integer(2), std::nullopt, s.text(4), s.text(5), s.text(6)};
    if (!s.is_null(3)) p.retired_run = s.integer(3);
    return p;
  }

  // The columns read_link() reads; the caller adds FROM and the rest.
  static constexpr const char* kSelectLinkColumns = "SELECT source, record_id, person_id, status, score, rule, run_id, match_keys";

  static void read_link(Statement& s, LinkRow& l) {
    l = {s.text(0), s.text(1), s.text(2), s.text(3), std::nullopt, s.text(5), s.integer(6), s.blob(7)};
    if (!s.is_null(4)) l.score = s.real(4);
  }

  static std::vector<LinkRow> read_links(Statement& s) {
    std::vector<LinkRow> out;
    while (s.step()) read_link(s, out.emplace_back());
    return out;
  }

  static constexpr const char* kSelectConflicts =
      "SELECT id, person_id, field, kind, status, candidates, opened_run, closed_run, severity, person_name, unit, sources FROM conflicts";

  static std::vector<ConflictRow> read_conflicts(Statement& s) {
    std::vector<ConflictRow> out;
    while (s.step()) {
      ConflictRow c{s.integer(0), s.text(1), s.text(2), s.text(3), s.text(4), s.text(5), s.integer(6), std::nullopt,
                    static_cast<int>(s.integer(8)), s.text(9), s.text(10), s.text(11)};
      if (!s.is_null(7)) c.closed_run = s.integer(7);
      out.push_back(std::move(c));
    }
    return out;
  }

  std::vector<std::string> distinct_column(const char* column, const std::vector<std::string>& statuses) {
    std::string in;
    for (std::size_t i = 0; i < statuses.size(); ++i) in += i ? ", ?" : "?";
    auto s = db_.prepare(std::string("SELECT DISTINCT ") + column + " FROM conflicts" + (statuses.empty() ? "" : " WHERE status IN (" + in + ")") +
                         " ORDER BY 1");
    for (std::size_t i = 0; i < statuses.size(); ++i) s.bind(static_cast<int>(i + 1), statuses[i]);
    std::vector<std::string> out;
    while (s.step())
      if (!s.text(0).empty()) out.push_back(s.text(0));
    return out;
  }

  static constexpr const char* kSelectDecisions =
      "SELECT id, kind, COALESCE(conflict_id, 0), person_id, field, records, value, source, record_id, note, author, created_at, "
      "status, status_note, undone_by, undone_at FROM decisions";
  static constexpr const char* kSelectUsers =
      "SELECT name, role, password_hash, disabled, created_at, failed_logins, locked_until FROM users";

  static std::vector<DecisionRow> read_decisions(Statement& s) {
    std::vector<DecisionRow> out;
    while (s.step()) {
      DecisionRow d;
      d.id = s.integer(0);
      d.kind = s.text(1);
      d.conflict_id = s.integer(2);
      d.person_id = s.text(3);
      d.field = s.text(4);
      d.records = read_pairs_json(s.text(5));
      d.value = s.text(6);
      d.source = s.text(7);
      d.record_id = s.text(8);
      d.note = s.text(9);
      d.author = s.text(10);
      d.created_at = s.text(11);
      d.status = s.text(12);
      d.status_note = s.text(13);
      d.undone_by = s.text(14);
      d.undone_at = s.text(15);
      out.push_back(std::move(d));
    }
    return out;
  }

  // The columns read_records() reads; the caller adds FROM and the rest.
  static constexpr const char* kSelectRecords =
      "SELECT source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized, history";
  // The active records in key order (source, record id), as matching reads them.
  std::vector<StoredRecord> active_records_in_key_order(const std::string& select) {
    return in_key_order<StoredRecord>("source_records", "source_records_key", select, 11, " WHERE deleted_run IS NULL",
                                      read_record);
  }

  // The rows of `table` in key order (source, record id). The table keeps its rows in the order
  // they came (migration 014): read through the key index `index`, every row would be a fetch
  // from a random page of a table larger than the cache. So the rows are read in their own
  // order, each straight into its place, which the index tells without reading a row (it holds
  // each key's rowid). `select` names the columns `read` reads, the rowid last (column
  // `rowid_column`); `where` leaves rows out.
  template <class Row, class Read>
  std::vector<Row> in_key_order(const std::string& table, const std::string& index, const std::string& select, int rowid_column,
                                const std::string& where, Read read) {
    std::vector<std::pair<std::int64_t, std::uint32_t>> place_by_rowid;  // every row
    {
      auto s = db_.prepare("SELECT rowid FROM " + table + " INDEXED BY " + index + " ORDER BY source, record_id");
      for (std::uint32_t place = 0; s.step(); ++place) place_by_rowid.emplace_back(s.integer(0), place);
    }
    std::sort(place_by_rowid.begin(), place_by_rowid.end());
    std::vector<Row> out;
    out.reserve(place_by_rowid.size());
    base::prefer_huge_pages(out.data(), out.capacity() * sizeof(Row));
    out.resize(place_by_rowid.size());
    std::vector<char> filled(out.size(), 0);  // the places of the rows left out stay empty
    auto s = db_.prepare(select + ", rowid FROM " + table + where + " ORDER BY rowid");
    auto it = place_by_rowid.begin();  // both ascend by rowid
    while (s.step()) {
      const std::int64_t rowid = s.integer(rowid_column);
      it = std::lower_bound(it, place_by_rowid.end(), std::pair<std::int64_t, std::uint32_t>{rowid, 0});
      if (it == place_by_rowid.end() || it->first != rowid)
        throw StoreError(db_.path() + ": the store file is damaged: the index " + index + " lacks a row of " + table +
                         " (rowid " + std::to_string(rowid) + "); restore it from a backup");
      read(s, out[it->second]);
      filled[it->second] = 1;
    }
    std::size_t kept = 0;
    for (std::size_t k = 0; k < out.size(); ++k)
      if (filled[k]) {
        if (kept != k) out[kept] = std::move(out[k]);
        ++kept;
      }
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(kept), out.end());
    return out;
  }

  // Reads a row of kSelectRecords' columns.
  static void read_record(Statement& s, StoredRecord& r) {
    r.record.source = s.text(0);
    r.record.id = s.text(1);
    r.record.content_hash = s.text(2);
    r.record.origin = s.text(3);
    read_record_json(s.text(4), s.text(5), r.record);
    r.first_run = s.integer(6);
    r.changed_run = s.integer(7);
    if (!s.is_null(8)) r.deleted_run = s.integer(8);
    r.normalized = s.text(9);
    if (!s.is_null(10)) r.record.history = read_history_json(s.text(10));
  }

  static std::vector<StoredRecord> read_records(Statement& s) {
    std::vector<StoredRecord> out;
    while (s.step()) read_record(s, out.emplace_back());
    return out;
  }

  void migrate() {
    int current = schema_version();
    int version = 0;
    for (std::string_view name : embedded::migration_names()) {
      ++version;
      if (version <= current) continue;
      std::string_view sql = embedded::migration_file(name);
      if (sql.empty()) throw StoreError("store: migration " + std::string(name) + " is missing from the build");
      db_.exec(sql);
      auto s = db_.prepare("INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
      s.bind(1, static_cast<std::int64_t>(version)).bind(2, name).run();
    }
    if (current > version)
      throw StoreError(db_.path() + ": the store has schema version " + std::to_string(current) +
                       ", newer than this hopnhat knows (" + std::to_string(version) + "); use a newer hopnhat");
  }

  std::unique_ptr<RunLock> run_lock_;  // declared before db_: released after the connection closed
  Db db_;
  std::optional<Statement> put_record_, add_record_, put_link_, add_link_, put_person_, add_person_, put_change_, add_conflict_,
      update_conflict_;
  std::map<std::string, std::int64_t> counters_;  // this transaction's counters, last value given
  std::vector<std::string> link_indexes_aside_;     // the definitions of the links' dropped indexes
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path, bool create) {
  if (create && path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  return std::make_unique<SqliteStore>(path, create);
}

}  // namespace hopnhat::store
