// The Store on PostgreSQL: the same tables as the SQLite store (migrations/postgres/), text
// ordered with COLLATE "C" so that both backends return rows in the same order and reconcile to
// the same persons; record, link, person and history writes buffered and bulk-loaded with COPY
// into session-local staging tables, then merged with INSERT … ON CONFLICT. The buffers are
// flushed before anything that reads or refers to those tables, and at every savepoint and
// commit, so reads always see every write.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <set>
#include <type_traits>
#include <unordered_map>

#include "base/iso_time.hpp"
#include "base/parallel.hpp"
#include "store/conflict_query.hpp"
#include "store/invariants.hpp"
#include "store/migrations.hpp"
#include "store/pg_conn.hpp"
#include "store/run_lock.hpp"
#include "store/row_json.hpp"
#include "store/store.hpp"

namespace hopnhat::store {
namespace {

// The advisory lock that orders appends to the audit chain ("hopnhat" and 1; the run lock is "hopnhat").
constexpr std::int64_t kAuditLockKey = 0x686f706e68617401;

// BYTEA in PostgreSQL's hex text form ("\x0a1b…"), the form COPY and results use.
std::string bytea_text(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// A text[] literal: {"a","b\\"c"}.
std::string text_array(const std::vector<std::string>& values) {
  std::string out = "{";
  for (const auto& v : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

std::string bytes_of_bytea(std::string_view text) {
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return {};
  auto nibble = [](char h) { return h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10; };
  std::string out((text.size() - 2) / 2, '\0');
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(nibble(text[2 + 2 * i]) << 4 | nibble(text[3 + 2 * i]));
  return out;
}
constexpr std::int64_t kRunLockKey = 0x686f706e686174;  // "hopnhat": the advisory lock of runs
constexpr std::size_t kFlushRows = 50000;


// Rows waiting for COPY, one per key (the last write of a key wins, as in the SQLite store).
struct Buffer {
  std::vector<std::vector<PgParam>> rows;
  std::unordered_map<std::string, std::size_t> at;
  void put(const std::string& key, std::vector<PgParam> row) {
    auto [it, fresh] = at.emplace(key, rows.size());
    if (fresh) rows.push_back(std::move(row));
    else rows[it->second] = std::move(row);
  }
  /// A row no other in the buffer replaces (see Store::add_record).
  void add(std::vector<PgParam> row) { rows.push_back(std::move(row)); }
  void clear() {
    rows.clear();
    at.clear();
  }
  std::string copy_data() const {
    std::string out;
    for (const auto& row : rows) {
      for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) out += '\t';
        copy_text(out, row[i]);
      }
      out += '\n';
    }
    return out;
  }
};

class PgStore final : public Store {
 public:
  PgStore(const std::string& uri, const std::map<std::string, std::string>& options) : db_(uri, options) {
    db_.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
             "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    // Staging tables for COPY: per session, emptied after each merge.
    db_.exec("CREATE TEMP TABLE stage_records (source TEXT, record_id TEXT, content_hash TEXT, origin TEXT, fields TEXT, "
             "attributes TEXT, run BIGINT, normalized TEXT, history TEXT)");
    db_.exec("CREATE TEMP TABLE stage_links (source TEXT, record_id TEXT, person_id TEXT, status TEXT, score DOUBLE PRECISION, "
             "rule TEXT, run_id BIGINT, match_keys BYTEA)");
    db_.exec("CREATE TEMP TABLE stage_persons (id TEXT, created_run BIGINT, updated_run BIGINT, retired_run BIGINT, golden TEXT, "
             "merged_into TEXT, split_from TEXT, view_run BIGINT)");
    db_.exec("CREATE TEMP TABLE stage_changes (person_id TEXT, run_id BIGINT, changed_at TEXT, field TEXT, old_value TEXT, new_value TEXT)");
    db_.exec("CREATE TEMP TABLE stage_conflicts (id BIGINT, person_id TEXT, field TEXT, kind TEXT, status TEXT, candidates TEXT, "
             "opened_run BIGINT, closed_run BIGINT, severity INTEGER, person_name TEXT, unit TEXT, sources TEXT)");
  }

  ~PgStore() override {
    if (locked_) {
      try {
        db_.exec("SELECT pg_advisory_unlock($1)", {pg(kRunLockKey)});
      } catch (...) {
      }
    }
  }

  std::string describe() override { return db_.describe(); }

  void lock_runs(const std::string& what) override {
    // An advisory lock belongs to this session: PostgreSQL releases it when the process ends,
    // however it ends, so a dead run never leaves a stale lock.
    if (!db_.exec("SELECT pg_try_advisory_lock($1)", {pg(kRunLockKey)}).boolean(0, 0)) {
      std::string holder = "another run";
      try {
        auto r = db_.exec("SELECT what, since FROM run_lock_holder WHERE id = 1");
        if (r.rows()) holder = r.text(0, 0) + " since " + r.text(0, 1);
      } catch (const StoreError&) {
      }
      throw LockedError("the store " + describe() + " is in use: " + holder + " holds its lock; try again when it ends");
    }
    locked_ = true;
    char host[256] = "";
    ::gethostname(host, sizeof host - 1);
    const std::string since = base::now_iso();
    try {  // who holds it, for the message a second run prints (a store not migrated yet has no table)
      db_.exec("INSERT INTO run_lock_holder(id, what, since) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET what = $1, since = $2",
               {std::string(what) + " (pid " + std::to_string(::getpid()) + " on " + host + ")", since});
    } catch (const StoreError&) {
    }
  }

  // PostgreSQL checks every reference (deferred to commit) and its own pages: a committed
  // transaction cannot leave a dangling one; what is left to check is what the runs keep.
  void set_reference_checks(bool) override {}
  std::vector<std::string> integrity_problems() override {
    flush();
    std::vector<std::string> out;
    if (schema_version() == 0) return out;  // no tables yet: nothing to check
    for (const Invariant& inv : kInvariants) {
      const std::int64_t n = db_.exec(inv.count_sql, {}).integer(0, 0);
      if (n > 0) out.push_back(std::to_string(n) + " " + inv.rows_that);
    }
    return out;
  }

  void begin() override {
    db_.exec("BEGIN");
    in_transaction_ = true;
    transaction_began();
    if (!migrated_) migrate();
  }
  void commit() override {
    flush();
    settle_counters();
    db_.exec("COMMIT");
    in_transaction_ = false;
    next_conflict_id_ = 0;
    transaction_committed();
  }
  void rollback() override {
    clear_buffers();
    counters_.clear();
    transaction_rolled_back();
    db_.exec("ROLLBACK");
    in_transaction_ = false;
  }
  void savepoint(const std::string& name) override {
    flush();
    settle_counters();  // the savepoint holds the numbers used so far, not a reservation past them
    db_.exec("SAVEPOINT " + name);
  }
  void release(const std::string& name) override {
    flush();
    db_.exec("RELEASE SAVEPOINT " + name);
  }
  void rollback_to(const std::string& name) override {
    clear_buffers();  // everything buffered was written after the savepoint
    counters_.clear();
    db_.exec("ROLLBACK TO SAVEPOINT " + name);
  }

  std::int64_t prune_runs(int keep) override {
    auto r = db_.exec("DELETE FROM runs WHERE id NOT IN (SELECT id FROM runs ORDER BY id DESC LIMIT $1) RETURNING id", {pg(std::int64_t{keep})});
    db_.exec("DELETE FROM match_models WHERE run_id NOT IN (SELECT id FROM runs)");
    return r.rows();
  }

  int schema_version() override {
    return static_cast<int>(db_.exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").integer(0, 0));
  }
  int latest_schema_version() override { return static_cast<int>(embedded::postgres_migration_names().size()); }
  std::vector<std::string> pending_migrations() override {
    std::vector<std::string> out;
    for (int v = schema_version(); v < latest_schema_version(); ++v)
      out.emplace_back(embedded::postgres_migration_names()[static_cast<std::size_t>(v)]);
    return out;
  }

  std::int64_t create_run(const std::string& started_at, bool dry_run) override {
    // Ids as SQLite gives them (the next after the largest), not from a sequence: a sequence
    // keeps the numbers a rolled-back run took, and the two backends would number runs apart.
    // Only the holder of the run lock creates runs and conflicts, so this cannot race.
    return db_.exec("INSERT INTO runs(id, started_at, status, dry_run) VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM runs), $1, 'running', $2) RETURNING id",
                    {started_at, std::string(dry_run ? "true" : "false")}).integer(0, 0);
  }
  void finish_run(std::int64_t id, const std::string& status, const std::string& finished_at, const std::string& report) override {
    db_.exec("UPDATE runs SET status = $1, finished_at = $2, report = $3 WHERE id = $4", {status, finished_at, report, pg(id)});
  }
  std::vector<RunRow> runs(int limit) override {
    auto r = db_.exec("SELECT id, started_at, COALESCE(finished_at, ''), status, dry_run, COALESCE(report, '') FROM runs ORDER BY id DESC LIMIT $1",
                      {pg(std::int64_t{limit})});
    std::vector<RunRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.boolean(i, 4), r.text(i, 5)});
    return out;
  }

  std::optional<SourceState> source_state(const std::string& source) override {
    auto r = db_.exec("SELECT state, record_count FROM source_states WHERE source = $1", {source});
    if (!r.rows()) return std::nullopt;
    return SourceState{r.text(0, 0), r.integer(0, 1)};
  }
  void put_source_state(const std::string& source, const SourceState& st, std::int64_t run_id) override {
    db_.exec("INSERT INTO source_states(source, state, record_count, run_id) VALUES ($1, $2, $3, $4) ON CONFLICT (source) DO UPDATE "
             "SET state = excluded.state, record_count = excluded.record_count, run_id = excluded.run_id",
             {source, st.state, pg(st.record_count), pg(run_id)});
  }

  std::vector<StoredRecord> active_records() override {
    return read_records(std::string(kSelectRecords) + " WHERE deleted_run IS NULL ORDER BY source COLLATE \"C\", record_id COLLATE \"C\"", {});
  }
  std::vector<StoredRecord> active_records_for_matching(std::int64_t held_run) override {
    return read_records(std::string(kSelectRecordsForMatching) + " WHERE deleted_run IS NULL ORDER BY source COLLATE \"C\", record_id COLLATE \"C\"",
                        {pg(held_run)});
  }
  std::vector<RecordState> record_states(const std::string& source) override {
    flush();
    std::vector<RecordState> out;
    db_.each_row("SELECT record_id, content_hash, deleted_run IS NOT NULL FROM source_records WHERE source = $1", {source},
                 [&](const PgResult& r) { out.push_back({r.text(0, 0), r.text(0, 1), r.boolean(0, 2)}); });
    return out;
  }
  std::optional<StoredRecord> record(const std::string& source, const std::string& record_id) override {
    auto rows = read_records(std::string(kSelectRecords) + " WHERE source = $1 AND record_id = $2", {source, record_id});
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
  }
  void put_record(const sdk::SourceRecord& r, std::int64_t run_id, const RecordText& t) override {
    records_.put(r.source + '\x1f' + r.id, {r.source, r.id, r.content_hash, r.origin, t.fields, t.attributes, pg(run_id),
                                            t.normalized, history_param(t)});
    maybe_flush();
  }
  void add_record(const sdk::SourceRecord& r, std::int64_t run_id, const RecordText& t) override {
    new_records_.add({r.source, r.id, r.content_hash, r.origin, t.fields, t.attributes, pg(run_id), pg(run_id), t.normalized,
                      history_param(t)});
    maybe_flush();
  }
  void mark_deleted(const std::string& source, const std::string& record_id, std::int64_t run_id) override {
    flush();
    db_.exec("UPDATE source_records SET deleted_run = $1 WHERE source = $2 AND record_id = $3", {pg(run_id), source, record_id});
  }

  std::vector<LinkRow> links() override {
    return read_links("SELECT source, record_id, person_id, status, score, rule, run_id, match_keys FROM links ORDER BY source COLLATE \"C\", record_id COLLATE \"C\"", {});
  }
  void each_live_link_of(const std::vector<std::string>& person_ids, const std::function<void(LinkRow&&)>& visit) override {
    flush();
    db_.each_row("SELECT person_id, source, record_id, status FROM links WHERE person_id = ANY($1::text[]) AND status <> 'deleted' "
                 "ORDER BY person_id COLLATE \"C\", source COLLATE \"C\", record_id COLLATE \"C\"",
                 {text_array(person_ids)}, [&](const PgResult& r) { visit(live_link(r)); });
  }
  void each_linked_history(const std::function<void(const std::string&, const std::string&, const std::string&,
                                                    std::vector<sdk::HistoryRow>&&)>& visit) override {
    flush();
    db_.each_row("SELECT l.person_id, r.source, r.record_id, r.history FROM source_records r "
                 "JOIN links l ON l.source = r.source AND l.record_id = r.record_id "
                 "WHERE r.history IS NOT NULL AND r.deleted_run IS NULL AND l.status <> 'deleted' "
                 "ORDER BY l.person_id COLLATE \"C\", r.source COLLATE \"C\", r.record_id COLLATE \"C\"",
                 {}, [&](const PgResult& r) { visit(r.text(0, 0), r.text(0, 1), r.text(0, 2), read_history_json(r.text(0, 3))); });
  }

  void each_linked_history_of(const std::string& person_id,
                              const std::function<void(const std::string&, const std::string&, const std::string&,
                                                       std::vector<sdk::HistoryRow>&&)>& visit) override {
    flush();
    db_.each_row("SELECT l.person_id, r.source, r.record_id, r.history FROM links l "
                 "JOIN source_records r ON r.source = l.source AND r.record_id = l.record_id "
                 "WHERE l.person_id = $1 AND l.status <> 'deleted' AND r.history IS NOT NULL AND r.deleted_run IS NULL "
                 "ORDER BY r.source COLLATE \"C\", r.record_id COLLATE \"C\"",
                 {person_id}, [&](const PgResult& r) { visit(r.text(0, 0), r.text(0, 1), r.text(0, 2), read_history_json(r.text(0, 3))); });
  }

  void each_live_link(const std::function<void(LinkRow&&)>& visit) override {
    flush();
    // Read in the primary key's order, then sorted here by person (migration 008 says why): on
    // the ids' first eight bytes packed big-endian into an integer (byte order, and the whole of
    // an id like P0000001), the strings compared only where those agree; a person's links keep
    // their (source, record id) order.
    std::vector<LinkRow> links;
    db_.each_row("SELECT person_id, source, record_id, status FROM links WHERE status <> 'deleted' "
                 "ORDER BY source COLLATE \"C\", record_id COLLATE \"C\"",
                 {}, [&](const PgResult& r) { links.push_back(live_link(r)); });
    struct Key {
      std::uint64_t prefix;
      std::uint32_t link;
    };
    std::vector<Key> keys(links.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string& id = links[i].person_id;
      std::uint64_t prefix = 0;
      for (std::size_t k = 0; k < 8; ++k) prefix = prefix << 8 | (k < id.size() ? static_cast<unsigned char>(id[k]) : 0u);
      keys[i] = {prefix, static_cast<std::uint32_t>(i)};
    }
    base::parallel_sort(keys, [&links](const Key& a, const Key& b) {
      if (a.prefix != b.prefix) return a.prefix < b.prefix;
      int c = links[a.link].person_id.compare(links[b.link].person_id);
      return c != 0 ? c < 0 : a.link < b.link;
    });
    for (const Key& k : keys) visit(std::move(links[k.link]));
  }
  std::vector<LinkRow> links_of(const std::string& person_id) override {
    return read_links("SELECT source, record_id, person_id, status, score, rule, run_id, match_keys FROM links WHERE person_id = $1 "
                      "ORDER BY source COLLATE \"C\", record_id COLLATE \"C\"", {person_id});
  }
  void put_link(const LinkRow& l) override {
    links_.put(l.source + '\x1f' + l.record_id, link_row(l));
    maybe_flush();
  }
  void add_link(const LinkRow& l) override {
    new_links_.add(link_row(l));
    maybe_flush();
  }

  std::vector<PersonRow> persons() override { return read_persons("ORDER BY id COLLATE \"C\"", {}); }
  void each_person(const std::function<void(PersonRow&&)>& visit) override {
    each_person_row("ORDER BY id COLLATE \"C\"", {}, visit);
  }
  void mark_views_changed(const std::vector<std::string>& person_ids, std::int64_t run_id) override {
    if (person_ids.empty()) return;
    flush();  // the persons this run wrote are in the table
    db_.exec("UPDATE persons SET view_run = $1 WHERE id = ANY($2::text[])", {pg(run_id), text_array(person_ids)});
  }
  void claim_outside_view_changes(std::int64_t run_id) override {
    flush();
    db_.exec("UPDATE persons SET view_run = $1 WHERE view_run = 0", {pg(run_id)});
  }
  void each_person_changed_since(std::int64_t since, const std::function<void(PersonRow&&)>& visit) override {
    each_person_row("WHERE view_run > $1 OR view_run = 0 ORDER BY id COLLATE \"C\"", {pg(since)}, visit);
  }
  std::optional<ExportState> export_state(const std::string& export_name) override {
    auto r = db_.exec("SELECT plugin, state, fields, run_id FROM export_states WHERE export = $1", {export_name});
    if (r.rows() == 0) return std::nullopt;
    return ExportState{r.text(0, 0), r.text(0, 1), nlohmann::json::parse(r.text(0, 2)).get<std::vector<std::string>>(), r.integer(0, 3)};
  }
  void put_export_state(const std::string& export_name, const ExportState& st) override {
    db_.exec("INSERT INTO export_states(export, plugin, state, fields, run_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (export) DO UPDATE "
             "SET plugin = excluded.plugin, state = excluded.state, fields = excluded.fields, run_id = excluded.run_id",
             {export_name, st.plugin, st.state, nlohmann::json(st.fields).dump(), pg(st.run_id)});
  }
  std::vector<StoredRecord> records_in(const std::vector<std::pair<std::string, std::string>>& keys) override {
    std::vector<std::string> sources, ids;
    for (const auto& [source, id] : keys) {
      sources.push_back(source);
      ids.push_back(id);
    }
    return read_records(std::string(kSelectRecords) +
                            " JOIN unnest($1::text[], $2::text[]) AS k(s, i) ON source = k.s AND record_id = k.i",
                        {text_array(sources), text_array(ids)});
  }
  std::vector<PersonRow> persons_in(const std::vector<std::string>& ids) override {
    return read_persons("WHERE id = ANY($1::text[])", {text_array(ids)});
  }
  std::int64_t active_person_count() override {
    flush();
    return db_.exec("SELECT count(*) FROM persons WHERE retired_run IS NULL", {}).integer(0, 0);
  }
  std::optional<PersonRow> person(const std::string& id) override {
    auto rows = read_persons("WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }
  void put_person(const PersonRow& p) override {
    persons_.put(p.id, person_row(p));
    maybe_flush();
  }
  void add_person(const PersonRow& p) override {
    new_persons_.add(person_row(p));
    maybe_flush();
  }
  std::int64_t next_counter(const std::string& name) override {
    // Numbers are reserved a thousand at a time (one round trip, not one per new person) and
    // the counter is set back to the last one used before the transaction commits, so the
    // numbering has no gaps and equals SQLite's. Only the run-lock holder counts.
    Counter& c = counters_[name];
    if (c.next > c.reserved) {
      c.reserved = db_.exec("INSERT INTO counters(name, value) VALUES ($1, 1000) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1000 "
                            "RETURNING value", {name}).integer(0, 0);
      c.next = c.reserved - 999;
    }
    c.used = true;
    return c.next++;
  }

  void put_model(std::int64_t run_id, const std::string& model) override {
    db_.exec("INSERT INTO match_models(run_id, model) VALUES ($1, $2) ON CONFLICT (run_id) DO UPDATE SET model = excluded.model", {pg(run_id), model});
  }
  std::optional<std::string> latest_model() override {
    auto r = db_.exec("SELECT model FROM match_models ORDER BY run_id DESC LIMIT 1");
    if (!r.rows()) return std::nullopt;
    return r.text(0, 0);
  }

  void put_person_change(const PersonChange& c) override {
    changes_.put(c.person_id + '\x1f' + std::to_string(c.run_id) + '\x1f' + c.field,
                 {c.person_id, pg(c.run_id), c.changed_at, c.field, c.old_value, c.new_value});
    maybe_flush();
  }
  std::vector<PersonChange> person_changes(const std::string& person_id) override {
    flush();
    std::vector<PersonChange> out;
    db_.each_row(std::string("SELECT person_id, run_id, changed_at, field, old_value, new_value FROM person_changes") +
                     (person_id.empty() ? "" : " WHERE person_id = $1") + " ORDER BY person_id COLLATE \"C\", run_id, field COLLATE \"C\"",
                 person_id.empty() ? std::vector<PgParam>{} : std::vector<PgParam>{person_id}, [&](const PgResult& r) {
                   out.push_back({r.text(0, 0), r.integer(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5)});
                 });
    return out;
  }

  std::vector<ConflictRow> conflicts(bool open_only) override {
    return read_conflicts(std::string(open_only ? " WHERE status IN ('open', 'deferred')" : "") + " ORDER BY id", {});
  }

  ConflictPage conflict_page(const ConflictQuery& q) override {
    flush();
    std::vector<PgParam> params;
    QueueSql sql = queue_sql(q, [&](auto value) {
      if constexpr (std::is_same_v<decltype(value), std::string>) params.push_back(value);
      else params.push_back(pg(value));
      return "$" + std::to_string(params.size());
    });
    ConflictPage page;
    page.total = db_.exec("SELECT count(*) FROM conflicts" + sql.where, params).integer(0, 0);
    params.push_back(pg(q.limit));
    params.push_back(pg(q.offset));
    page.rows = read_conflicts(sql.where + sql.order + " LIMIT $" + std::to_string(params.size() - 1) + " OFFSET $" +
                                   std::to_string(params.size()), params);
    return page;
  }

  std::vector<std::string> conflict_units(const std::vector<std::string>& statuses) override { return distinct_column("unit", statuses); }

  std::vector<std::string> conflict_sources(const std::vector<std::string>& statuses) override {
    std::set<std::string> names;
    for (const auto& list : distinct_column("sources", statuses))
      for (auto& name : sources_of_column(list)) names.insert(std::move(name));
    return {names.begin(), names.end()};
  }

  std::map<std::string, std::int64_t> live_conflict_counts() override {
    flush();
    auto r = db_.exec("SELECT kind, status, count(*) FROM conflicts WHERE status IN ('open', 'deferred', 'settled') GROUP BY kind, status");
    std::map<std::string, std::int64_t> out;
    for (int i = 0; i < r.rows(); ++i) out[r.text(i, 0) + ":" + r.text(i, 1)] = r.integer(i, 2);
    return out;
  }

  std::vector<ConflictRow> live_conflicts() override {
    return read_conflicts(" WHERE status IN ('open', 'deferred', 'settled') ORDER BY id", {});
  }
  std::optional<ConflictRow> conflict(std::int64_t id) override {
    auto rows = read_conflicts(" WHERE id = $1", {pg(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }
  std::int64_t put_conflict(const ConflictRow& c) override {  // its person may still be buffered: checked at commit
    if (c.id == 0) {
      // New cases (a hundred thousand in a first run of a million persons) are buffered and
      // copied like persons and links. Numbered here as SQLite numbers them, MAX + 1: only the
      // run-lock holder opens cases, so nobody else takes a number meanwhile.
      if (next_conflict_id_ == 0)
        next_conflict_id_ = db_.exec("SELECT COALESCE(MAX(id), 0) + 1 FROM conflicts").integer(0, 0);
      const std::int64_t id = next_conflict_id_++;
      if (conflicts_.rows.empty()) first_buffered_conflict_ = id;
      conflicts_.put(std::to_string(id), {pg(id), c.person_id, c.field, c.kind, c.status, c.candidates, pg(c.opened_run), pg(c.closed_run),
                                          pg(std::int64_t{c.severity}), c.person_name, c.unit, c.sources});
      maybe_flush();
      return id;
    }
    if (!conflicts_.rows.empty() && c.id >= first_buffered_conflict_) flush();  // the row is still in the buffer
    // Read committed: the CASE sees the row as an administrator's committed decision left it.
    db_.exec("UPDATE conflicts SET person_id = $1, status = CASE WHEN $2 IN ('open', 'settled') AND status IN ('resolved', 'deferred') THEN status ELSE $2 END, "
             "candidates = $3, closed_run = $4, severity = $6, person_name = $7, unit = $8, sources = $9 WHERE id = $5",
             {c.person_id, c.status, c.candidates, pg(c.closed_run), pg(c.id), pg(std::int64_t{c.severity}), c.person_name, c.unit, c.sources});
    return c.id;
  }
  void set_conflict_status(std::int64_t id, const std::string& status) override {
    flush();
    // The person first, then the case: the order a sync takes them in (two sessions taking
    // them in opposite orders could each wait for the other).
    db_.exec("UPDATE persons SET view_run = 0 WHERE id = (SELECT person_id FROM conflicts WHERE id = $1)", {pg(id)});
    db_.exec("UPDATE conflicts SET status = $1 WHERE id = $2", {status, pg(id)});
  }

  std::int64_t put_decision(const DecisionRow& d) override {
    const std::string records = pairs_json(d.records);
    if (d.id == 0)
      return db_.exec("INSERT INTO decisions(kind, conflict_id, person_id, field, records, value, source, record_id, note, author, created_at, "
                      "status, status_note, undone_by, undone_at) VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                      {d.kind, pg(d.conflict_id), d.person_id, d.field, records, d.value, d.source, d.record_id, d.note, d.author,
                       d.created_at, d.status, d.status_note, d.undone_by, d.undone_at}).integer(0, 0);
    db_.exec("UPDATE decisions SET status = $1, status_note = $2, undone_by = $3, undone_at = $4 WHERE id = $5",
             {d.status, d.status_note, d.undone_by, d.undone_at, pg(d.id)});
    return d.id;
  }
  std::vector<DecisionRow> decisions(bool active_only) override {
    return read_decisions(std::string(active_only ? " WHERE status = 'active'" : "") + " ORDER BY id", {});
  }
  std::optional<DecisionRow> decision(std::int64_t id) override {
    auto rows = read_decisions(" WHERE id = $1", {pg(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }

  void put_user(const UserRow& u) override {
    db_.exec("INSERT INTO users(name, role, password_hash, disabled, created_at, failed_logins, locked_until) VALUES ($1, $2, $3, $4, $5, $6, $7) "
             "ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, disabled = excluded.disabled, "
             "failed_logins = excluded.failed_logins, locked_until = excluded.locked_until",
             {u.name, u.role, u.password_hash, std::string(u.disabled ? "true" : "false"), u.created_at, pg(u.failed_logins), u.locked_until});
  }
  std::optional<UserRow> user(const std::string& name) override {
    auto rows = read_users(" WHERE name = $1", {name});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }
  std::vector<UserRow> users() override { return read_users(" ORDER BY name COLLATE \"C\"", {}); }
  void put_session(const SessionRow& s) override {
    db_.exec("INSERT INTO sessions(token_hash, user_name, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) "
             "ON CONFLICT (token_hash) DO UPDATE SET user_name = excluded.user_name, csrf = excluded.csrf, "
             "created_at = excluded.created_at, expires_at = excluded.expires_at",  // the whole row, as SQLite's REPLACE
             {s.token_hash, s.user, s.csrf, s.created_at, s.expires_at});
  }
  std::optional<SessionRow> session(const std::string& token_hash) override {
    auto r = db_.exec("SELECT token_hash, user_name, csrf, created_at, expires_at FROM sessions WHERE token_hash = $1", {token_hash});
    if (!r.rows()) return std::nullopt;
    return SessionRow{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4)};
  }
  void delete_session(const std::string& token_hash) override {
    db_.exec("DELETE FROM sessions WHERE token_hash = $1", {token_hash});
  }
  void delete_sessions(const std::string& now, const std::string& user) override {
    db_.exec("DELETE FROM sessions WHERE expires_at < $1 OR user_name = $2", {now, user.empty() ? std::string("\x01none") : user});
  }

  std::map<std::string, std::string> unit_aliases() override {
    auto r = db_.exec("SELECT text, code FROM unit_aliases");
    std::map<std::string, std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace(r.text(i, 0), r.text(i, 1));
    return out;
  }
  void put_unit_alias(const std::string& text, const std::string& code, const std::string& actor, const std::string& at) override {
    db_.exec("INSERT INTO unit_aliases(text, code, actor, created_at) VALUES ($1, $2, $3, $4) "
             "ON CONFLICT (text) DO UPDATE SET code = excluded.code, actor = excluded.actor, created_at = excluded.created_at",
             {text, code, actor, at});
  }
  bool delete_unit_alias(const std::string& text) override {
    return db_.exec("DELETE FROM unit_aliases WHERE text = $1 RETURNING text", {text}).rows() > 0;
  }

  std::map<std::pair<std::string, std::string>, std::string> org_rows() override {
    auto r = db_.exec("SELECT kind, key, row FROM org_registry");
    std::map<std::pair<std::string, std::string>, std::string> out;
    for (int i = 0; i < r.rows(); ++i) out.emplace(std::make_pair(r.text(i, 0), r.text(i, 1)), r.text(i, 2));
    return out;
  }
  void put_org_row(const std::string& kind, const std::string& key, const std::string& row, std::int64_t run) override {
    db_.exec("INSERT INTO org_registry(kind, key, row, changed_run) VALUES ($1, $2, $3, $4) "
             "ON CONFLICT (kind, key) DO UPDATE SET row = excluded.row, changed_run = excluded.changed_run",
             {kind, key, row, std::to_string(run)});
  }
  void delete_org_row(const std::string& kind, const std::string& key) override {
    db_.exec("DELETE FROM org_registry WHERE kind = $1 AND key = $2", {kind, key});
  }

  void append_audit(const AuditRow& a) override {
    db_.exec("INSERT INTO audit_log(seq, at, actor, action, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)",
             {pg(a.seq), a.at, a.actor, a.action, a.detail, a.prev_hash, a.hash});
  }
  std::optional<AuditRow> last_audit() override {
    // The next entry is numbered from this one: two sessions appending at once (administrators
    // deciding side by side) take turns, the second reading the first's entry after its commit.
    db_.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kAuditLockKey) + ")");
    auto r = db_.exec("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!r.rows()) return std::nullopt;
    return AuditRow{r.integer(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5), r.text(0, 6)};
  }
  std::vector<AuditRow> audit(std::int64_t after_seq, std::int64_t limit) override {
    auto r = db_.exec("SELECT seq, at, actor, action, detail, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", {pg(after_seq), pg(limit)});
    std::vector<AuditRow> out;
    for (int i = 0; i < r.rows(); ++i) out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.text(i, 6)});
    return out;
  }

 private:
  static constexpr const char* kSelectRecords =
      "SELECT source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized, history "
      "FROM source_records";
  static constexpr const char* kSelectRecordsForMatching =
      "SELECT source, record_id, '', '', CASE WHEN changed_run = $1 OR normalized <> '{}' THEN '{}' ELSE fields END, '[]', "
      "first_run, changed_run, deleted_run, CASE WHEN changed_run = $1 THEN '' ELSE normalized END, NULL FROM source_records";

  static PgParam history_param(const RecordText& t) { return t.history.empty() ? PgParam() : PgParam(t.history); }

  // A (person_id, source, record_id, status) row: what exports read of a live link.
  static LinkRow live_link(const PgResult& r) {
    LinkRow l;
    l.person_id = r.text(0, 0);
    l.source = r.text(0, 1);
    l.record_id = r.text(0, 2);
    l.status = r.text(0, 3);
    return l;
  }

  static std::vector<PgParam> link_row(const LinkRow& l) {
    return {l.source, l.record_id, l.person_id, l.status, l.score ? pg(*l.score) : PgParam(), l.rule, pg(l.run_id), bytea_text(l.match_keys)};
  }
  static std::vector<PgParam> person_row(const PersonRow& p) {
    return {p.id, pg(p.created_run), pg(p.updated_run), pg(p.retired_run), p.golden,
            p.merged_into.empty() ? PgParam() : PgParam(p.merged_into), p.split_from.empty() ? PgParam() : PgParam(p.split_from),
            pg(p.updated_run)};  // the view run (Store::put_person)
  }

  void maybe_flush() {
    if (records_.rows.size() + links_.rows.size() + persons_.rows.size() + changes_.rows.size() + conflicts_.rows.size() +
            new_records_.rows.size() + new_links_.rows.size() + new_persons_.rows.size() >= kFlushRows)
      flush();
  }

  void settle_counters() {
    for (auto& [name, c] : counters_)
      if (c.used) db_.exec("UPDATE counters SET value = $1 WHERE name = $2", {pg(c.next - 1), name});
    counters_.clear();
  }

  void clear_buffers() {
    records_.clear();
    links_.clear();
    persons_.clear();
    new_records_.clear();
    new_links_.clear();
    new_persons_.clear();
    changes_.clear();
    conflicts_.clear();
    next_conflict_id_ = 0;  // read again: what was numbered may have been rolled back
  }

  // COPY the buffered rows into the staging table, merge them into the table, empty both.
  void merge(Buffer& buffer, const char* stage, const std::string& merge_sql) {
    if (buffer.rows.empty()) return;
    db_.copy_in(std::string("COPY ") + stage + " FROM STDIN", buffer.copy_data());
    db_.exec(merge_sql);
    db_.exec(std::string("TRUNCATE ") + stage);
    buffer.clear();
  }

  // New rows go straight into their table: nothing to merge them with.
  void copy(Buffer& buffer, const char* table_and_columns) {
    if (buffer.rows.empty()) return;
    db_.copy_in(std::string("COPY ") + table_and_columns + " FROM STDIN", buffer.copy_data());
    buffer.clear();
  }

  // Persons first: links, conflicts and changes refer to them.
  void flush() {
    copy(new_persons_, "persons(id, created_run, updated_run, retired_run, golden, merged_into, split_from, view_run)");
    merge(persons_, "stage_persons",
          "INSERT INTO persons(id, created_run, updated_run, retired_run, golden, merged_into, split_from, view_run) "
          "SELECT id, created_run, updated_run, retired_run, golden, merged_into, split_from, view_run FROM stage_persons "
          "ON CONFLICT (id) DO UPDATE SET updated_run = excluded.updated_run, retired_run = excluded.retired_run, "
          "golden = excluded.golden, merged_into = excluded.merged_into, split_from = excluded.split_from, view_run = excluded.view_run");
    copy(new_records_, "source_records(source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, normalized, history)");
    merge(records_, "stage_records",
          "INSERT INTO source_records(source, record_id, content_hash, origin, fields, attributes, first_run, changed_run, deleted_run, normalized, history) "
          "SELECT source, record_id, content_hash, origin, fields, attributes, run, run, NULL, normalized, history FROM stage_records "
          "ON CONFLICT (source, record_id) DO UPDATE SET content_hash = excluded.content_hash, origin = excluded.origin, "
          "fields = excluded.fields, attributes = excluded.attributes, changed_run = excluded.changed_run, deleted_run = NULL, "
          "normalized = excluded.normalized, history = excluded.history");
    copy(new_links_, "links(source, record_id, person_id, status, score, rule, run_id, match_keys)");
    merge(links_, "stage_links",
          "INSERT INTO links(source, record_id, person_id, status, score, rule, run_id, match_keys) "
          "SELECT source, record_id, person_id, status, score, rule, run_id, match_keys FROM stage_links "
          "ON CONFLICT (source, record_id) DO UPDATE SET person_id = excluded.person_id, status = excluded.status, "
          "score = excluded.score, rule = excluded.rule, run_id = excluded.run_id, match_keys = excluded.match_keys");
    merge(changes_, "stage_changes",
          "INSERT INTO person_changes(person_id, run_id, changed_at, field, old_value, new_value) "
          "SELECT person_id, run_id, changed_at, field, old_value, new_value FROM stage_changes "
          "ON CONFLICT (person_id, run_id, field) DO UPDATE SET changed_at = excluded.changed_at, "
          "old_value = excluded.old_value, new_value = excluded.new_value");
    merge(conflicts_, "stage_conflicts",
          "INSERT INTO conflicts(id, person_id, field, kind, status, candidates, opened_run, closed_run, severity, person_name, unit, sources) "
          "SELECT id, person_id, field, kind, status, candidates, opened_run, closed_run, severity, person_name, unit, sources FROM stage_conflicts");
  }

  std::vector<StoredRecord> read_records(const std::string& sql, const std::vector<PgParam>& params) {
    flush();
    std::vector<StoredRecord> out;
    db_.each_row(sql, params, [&](const PgResult& r) {
      StoredRecord s;
      s.record.source = r.text(0, 0);
      s.record.id = r.text(0, 1);
      s.record.content_hash = r.text(0, 2);
      s.record.origin = r.text(0, 3);
      read_record_json(r.text(0, 4), r.text(0, 5), s.record);
      s.first_run = r.integer(0, 6);
      s.changed_run = r.integer(0, 7);
      s.deleted_run = r.optional_integer(0, 8);
      s.normalized = r.text(0, 9);
      if (!r.null(0, 10)) s.record.history = read_history_json(r.text(0, 10));
      out.push_back(std::move(s));
    });
    return out;
  }

  std::vector<LinkRow> read_links(const std::string& sql, const std::vector<PgParam>& params) {
    flush();
    std::vector<LinkRow> out;
    db_.each_row(sql, params, [&](const PgResult& r) {
      LinkRow l{r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), std::nullopt, r.text(0, 5), r.integer(0, 6),
                bytes_of_bytea(r.text(0, 7))};
      if (!r.null(0, 4)) l.score = r.real(0, 4);
      out.push_back(std::move(l));
    });
    return out;
  }

  // The persons `tail` ("WHERE …", "ORDER BY …") selects, one at a time.
  void each_person_row(const std::string& tail, const std::vector<PgParam>& params, const std::function<void(PersonRow&&)>& visit) {
    flush();
    db_.each_row("SELECT id, created_run, updated_run, retired_run, golden, COALESCE(merged_into, ''), COALESCE(split_from, '') FROM persons " + tail,
                 params, [&](const PgResult& r) {
                   visit({r.text(0, 0), r.integer(0, 1), r.integer(0, 2), r.optional_integer(0, 3), r.text(0, 4), r.text(0, 5), r.text(0, 6)});
                 });
  }

  std::vector<PersonRow> read_persons(const std::string& tail, const std::vector<PgParam>& params) {
    std::vector<PersonRow> out;
    each_person_row(tail, params, [&](PersonRow&& p) { out.push_back(std::move(p)); });
    return out;
  }

  std::vector<ConflictRow> read_conflicts(const std::string& tail, const std::vector<PgParam>& params) {
    flush();
    auto r = db_.exec("SELECT id, person_id, field, kind, status, candidates, opened_run, closed_run, severity, person_name, unit, sources "
                      "FROM conflicts" + tail, params);
    std::vector<ConflictRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.integer(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4), r.text(i, 5), r.integer(i, 6), r.optional_integer(i, 7),
                     static_cast<int>(r.integer(i, 8)), r.text(i, 9), r.text(i, 10), r.text(i, 11)});
    return out;
  }

  std::vector<std::string> distinct_column(const char* column, const std::vector<std::string>& statuses) {
    flush();
    std::vector<PgParam> params;
    std::string in;
    for (const auto& s : statuses) {
      params.push_back(s);
      in += (in.empty() ? "$" : ", $") + std::to_string(params.size());
    }
    auto r = db_.exec(std::string("SELECT DISTINCT ") + column + " FROM conflicts" + (statuses.empty() ? "" : " WHERE status IN (" + in + ")") +
                      " ORDER BY 1", params);
    std::vector<std::string> out;
    for (int i = 0; i < r.rows(); ++i)
      if (!r.text(i, 0).empty()) out.push_back(r.text(i, 0));
    return out;
  }

  std::vector<DecisionRow> read_decisions(const std::string& tail, const std::vector<PgParam>& params) {
    auto r = db_.exec("SELECT id, kind, COALESCE(conflict_id, 0), person_id, field, records, value, source, record_id, note, author, created_at, "
                      "status, status_note, undone_by, undone_at FROM decisions" + tail, params);
    std::vector<DecisionRow> out;
    for (int i = 0; i < r.rows(); ++i) {
      DecisionRow d;
      d.id = r.integer(i, 0);
      d.kind = r.text(i, 1);
      d.conflict_id = r.integer(i, 2);
      d.person_id = r.text(i, 3);
      d.field = r.text(i, 4);
      d.records = read_pairs_json(r.text(i, 5));
      d.value = r.text(i, 6);
      d.source = r.text(i, 7);
      d.record_id = r.text(i, 8);
      d.note = r.text(i, 9);
      d.author = r.text(i, 10);
      d.created_at = r.text(i, 11);
      d.status = r.text(i, 12);
      d.status_note = r.text(i, 13);
      d.undone_by = r.text(i, 14);
      d.undone_at = r.text(i, 15);
      out.push_back(std::move(d));
    }
    return out;
  }

  std::vector<UserRow> read_users(const std::string& tail, const std::vector<PgParam>& params) {
    auto r = db_.exec("SELECT name, role, password_hash, disabled, created_at, failed_logins, locked_until FROM users" + tail, params);
    std::vector<UserRow> out;
    for (int i = 0; i < r.rows(); ++i)
      out.push_back({r.text(i, 0), r.text(i, 1), r.text(i, 2), r.boolean(i, 3), r.text(i, 4), r.integer(i, 5), r.text(i, 6)});
    return out;
  }

  void migrate() {
    if (schema_version() == latest_schema_version()) {  // the usual case: no lock held for the transaction
      migrated_ = true;
      return;
    }
    // Two processes migrating a store at once: the second waits and then finds nothing to do.
    db_.exec("SELECT pg_advisory_xact_lock($1)", {pg(kRunLockKey + 1)});
    int current = schema_version();
    int version = 0;
    for (std::string_view name : embedded::postgres_migration_names()) {
      ++version;
      if (version <= current) continue;
      std::string_view sql = embedded::postgres_migration_file(name);
      if (sql.empty()) throw StoreError("store: migration " + std::string(name) + " is missing from the build");
      db_.exec_script(std::string(sql));
      db_.exec("INSERT INTO schema_migrations(version, name) VALUES ($1, $2)", {pg(std::int64_t{version}), std::string(name)});
    }
    if (current > version)
      throw StoreError(describe() + ": the store has schema version " + std::to_string(current) + ", newer than this hopnhat knows (" +
                       std::to_string(version) + "); use a newer hopnhat");
    migrated_ = true;
  }

  PgConn db_;
  bool locked_ = false, migrated_ = false, in_transaction_ = false;
  Buffer records_, links_, persons_, changes_, conflicts_;
  Buffer new_records_, new_links_, new_persons_;  // rows the store does not hold yet
  std::int64_t next_conflict_id_ = 0, first_buffered_conflict_ = 0;  // 0: not read in this transaction
  struct Counter {
    std::int64_t next = 1, reserved = 0;
    bool used = false;
  };
  std::map<std::string, Counter> counters_;
};

}  // namespace

std::unique_ptr<Store> open_postgres_store(const std::string& uri, const std::map<std::string, std::string>& options) {
  return std::make_unique<PgStore>(uri, options);
}

}  // namespace hopnhat::store
