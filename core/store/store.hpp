// Store: where hopnhat keeps runs, source records, persons, links and conflicts.
//
// One interface, one implementation per backend (SQLite and PostgreSQL). Store is the sum of
// focused interfaces — RunLog, RecordStore, PersonStore, CaseStore, AdminStore, OrgStore — and
// what binds them (transactions, the run lock, the schema); code that needs one part takes that
// part. Every change of a run happens between begin() and commit(), so a run lands whole or not
// at all.
// Bulk reads return whole tables because reconciliation works on all active records at once.
//
// Not thread-safe: one Store per thread; the object owns its connection.
#pragma once

#include <cstdint>
#include <functional>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hopnhat/sdk/record.hpp"
#include "record/stored_record.hpp"
#include "store/store_error.hpp"

namespace hopnhat::store {

/// The store keeps records as the host holds them (core/record).
using record::StoredRecord;

/// What a run compares a freshly read record with: is it new, changed or the same?
struct RecordState {
  std::string record_id;
  std::string content_hash;
  bool deleted = false;
};

/// A source record's JSON columns as the store keeps them: its fields, its raw attributes, its
/// history rows ("" when it has none: the column stays NULL) and its normalised values. Plain
/// values.
struct RecordText {
  std::string fields, attributes, history, normalized;
};
/// The columns of `record` (the encoding both backends share: store/row_json.hpp).
RecordText record_text(const sdk::SourceRecord& record, std::string normalized);

struct LinkRow {
  std::string source;
  std::string record_id;
  std::string person_id;
  std::string status;  // linked | deleted
  std::optional<double> score;
  std::string rule;
  std::int64_t run_id = 0;
  std::string match_keys;  // match::MatchKeys::encode() of the record; "" until matched
  bool operator==(const LinkRow&) const = default;
};

struct PersonRow {
  std::string id;
  std::int64_t created_run = 0;
  std::int64_t updated_run = 0;
  std::optional<std::int64_t> retired_run;
  std::string golden;  // JSON text
  std::string merged_into;  // set when another person absorbed this one
  std::string split_from;   // set when this person was split off another
};

/// One golden value of a person that a run changed (after the run that created the person).
struct PersonChange {
  std::string person_id;
  std::int64_t run_id = 0;
  std::string changed_at;  // the run's start, ISO 8601
  std::string field;
  std::string old_value;
  std::string new_value;
};

struct ConflictRow {
  std::int64_t id = 0;
  std::string person_id;
  std::string field;
  std::string kind;
  std::string status;      // open | deferred | settled | resolved | closed
  std::string candidates;  // JSON text
  std::int64_t opened_run = 0;
  std::optional<std::int64_t> closed_run;
  // What the queue orders and filters by, kept with the case by the run that writes it.
  int severity = 0;          // admin::case_severity; 0 until a run computed it
  std::string person_name{};  // the person's name as the case shows it
  std::string unit{};         // the person's unit
  std::string sources{};      // the sources of its candidates, ",a,b," (a source filter is a LIKE)
};

/// One page of the queue: the filters the admin UI offers, an order, and where the page starts.
struct ConflictQuery {
  std::vector<std::string> statuses;  // any of these; empty: every status
  std::string kind, unit, source;     // "" = any
  std::int64_t max_opened_run = -1;   // opened in this run or before (age filter); -1: any
  std::string sort = "severity";      // severity | oldest | newest | person | kind
  std::int64_t offset = 0, limit = 25;
};
struct ConflictPage {
  std::int64_t total = 0;  // rows that pass the filters
  std::vector<ConflictRow> rows;
};

/// What an administrator decided; applied on every later run before any automatic decision.
struct DecisionRow {
  std::int64_t id = 0;
  std::string kind;  // same | different | choose | value | defer | confirm | unit | rule | posting
  std::int64_t conflict_id = 0;
  std::string person_id;
  std::string field;
  std::vector<std::pair<std::string, std::string>> records;  // (source, record id) it is about
  std::string value;                 // choose / value: the golden value decided
  std::string source, record_id;     // choose: the chosen candidate
  std::string note;
  std::string author;
  std::string created_at;
  std::string status = "active";     // active | undone | orphaned
  std::string status_note;           // why it was orphaned
  std::string undone_by, undone_at;
};

struct UserRow {
  std::string name;
  std::string role;  // viewer | reviewer | admin
  std::string password_hash;
  bool disabled = false;
  std::string created_at;
  std::int64_t failed_logins = 0;
  std::string locked_until;  // ISO 8601, "" when not locked
};

struct SessionRow {
  std::string token_hash;
  std::string user;
  std::string csrf;
  std::string created_at;
  std::string expires_at;
};

struct AuditRow {
  std::int64_t seq = 0;
  std::string at, actor, action, detail, prev_hash, hash;
};

struct RunRow {
  std::int64_t id = 0;
  std::string started_at;
  std::string finished_at;
  std::string status;
  bool dry_run = false;
  std::string report;  // JSON text
};

struct SourceState {
  std::string state;
  std::int64_t record_count = 0;
};

/// What an export last wrote: kept so that the next run can ask its exporter to bring that
/// output up to date instead of writing it again (docs/plugin-guide.md, "Patching exporters").
struct ExportState {
  std::string plugin;   // the plugin that wrote it
  std::string state;    // the exporter's own words for its output (sdk::ExportResult::state)
  std::vector<std::string> fields;  // the canonical fields the exporter was given
  std::int64_t run_id = 0;          // the run whose persons the output shows
};

/// What keys the audit chain and anchors its head outside the store (admin::AuditKey). Whoever
/// opens the store attaches one; the store only carries it. Thread-safe.
class AuditSigner {
 public:
  virtual ~AuditSigner() = default;
  /// HMAC-SHA256 of `data` with the key kept outside the store, as hex.
  virtual std::string mac(const std::string& data) = 0;
  /// Records outside the store that the chain's head is now entry `seq` with `hash`.
  virtual void anchor(std::int64_t seq, const std::string& hash) = 0;
};

/// The runs: their records, each source's bookmark, the trained models, each export's state.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class RunLog {
 public:
  virtual ~RunLog() = default;
  /// Keeps the newest `keep` runs (and their models); returns how many were removed.
  virtual std::int64_t prune_runs(int keep) = 0;
  virtual std::int64_t create_run(const std::string& started_at, bool dry_run) = 0;
  virtual void finish_run(std::int64_t id, const std::string& status, const std::string& finished_at,
                          const std::string& report) = 0;
  virtual std::vector<RunRow> runs(int limit) = 0;
  virtual std::optional<SourceState> source_state(const std::string& source) = 0;
  virtual void put_source_state(const std::string& source, const SourceState& state, std::int64_t run_id) = 0;
  virtual std::optional<ExportState> export_state(const std::string& export_name) = 0;
  virtual void put_export_state(const std::string& export_name, const ExportState& state) = 0;
  /// The next value of a named counter (1, 2, …); part of the current transaction.
  virtual std::int64_t next_counter(const std::string& name) = 0;
  /// The match model a run trained (JSON text), and the newest one stored.
  virtual void put_model(std::int64_t run_id, const std::string& model) = 0;
  virtual std::optional<std::string> latest_model() = 0;
};

/// The source records as the importers delivered them, and their deletion.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class RecordStore {
 public:
  virtual ~RecordStore() = default;
  /// Every record not deleted, all sources.
  virtual std::vector<StoredRecord> active_records() = 0;
  /// The same without the raw attributes, origin and content hash, and with the raw fields only
  /// where the normalised values are missing: what matching needs, at a fraction of the reading
  /// (and of the memory: two million of them are held through a run). The records last changed
  /// by run `held_run` come without normalised values or raw fields ("" and none): the caller
  /// holds them, as the import of that run made them (0: none held).
  virtual std::vector<StoredRecord> active_records_for_matching(std::int64_t held_run) = 0;
  /// Id, content hash and deletion of every record of `source` (no JSON read).
  virtual std::vector<RecordState> record_states(const std::string& source) = 0;
  /// Inserts or replaces a record (clearing its deletion); `first_run` kept when it existed.
  /// `text` is the record's JSON columns (record_text), written by the caller on any thread: a
  /// run's one writer then only binds them.
  virtual void put_record(const sdk::SourceRecord& record, std::int64_t run_id, const RecordText& text) = 0;
  /// Inserts a record the store does not hold, deleted or not (the caller knows: it read the
  /// source's record states). The add_* writes skip the conflict handling of the put_* ones:
  /// SQLite with foreign keys on spends twice an insert on an upsert, and PostgreSQL can copy
  /// new rows straight into the table. Adding a row that exists fails the statement.
  virtual void add_record(const sdk::SourceRecord& record, std::int64_t run_id, const RecordText& text) = 0;
  /// The same, the JSON columns written here from the record and its normalised values.
  void put_record(const sdk::SourceRecord& record, std::int64_t run_id, const std::string& normalized) {
    put_record(record, run_id, record_text(record, normalized));
  }
  void add_record(const sdk::SourceRecord& record, std::int64_t run_id, const std::string& normalized) {
    add_record(record, run_id, record_text(record, normalized));
  }
  virtual void mark_deleted(const std::string& source, const std::string& record_id, std::int64_t run_id) = 0;
  virtual std::optional<StoredRecord> record(const std::string& source, const std::string& record_id) = 0;
  /// The records with these (source, record id) keys that exist, in no particular order: what a
  /// run re-matches when few records changed.
  virtual std::vector<StoredRecord> records_in(const std::vector<std::pair<std::string, std::string>>& keys) = 0;
};

/// The persons with their golden records, the links of records to persons, and what changed.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class PersonStore {
 public:
  virtual ~PersonStore() = default;
  virtual std::vector<LinkRow> links() = 0;
  /// The links not deleted, in (person id, source, record id) byte order, one at a time, with
  /// only person_id, source, record_id and status set: what an export needs of two million of
  /// them, in the order it walks the persons. `visit` must not use this store.
  virtual void each_live_link(const std::function<void(LinkRow&&)>& visit) = 0;
  /// The history (SDK ABI 4) of every live record that has any and is linked to a person, in
  /// (person id, source, record id) byte order. `visit` must not use this store.
  virtual void each_linked_history(const std::function<void(const std::string& person_id, const std::string& source,
                                                            const std::string& record_id, std::vector<sdk::HistoryRow>&& rows)>& visit) = 0;
  /// The same for one person (a person page), through the links' person index.
  virtual void each_linked_history_of(const std::string& person_id,
                                      const std::function<void(const std::string& person_id, const std::string& source,
                                                               const std::string& record_id, std::vector<sdk::HistoryRow>&& rows)>& visit) = 0;
  /// The same for the persons with these ids only (given in id order; an export of the persons
  /// a run changed).
  virtual void each_live_link_of(const std::vector<std::string>& person_ids, const std::function<void(LinkRow&&)>& visit) = 0;
  virtual void put_link(const LinkRow& link) = 0;
  /// Inserts a link the store does not hold (see add_record).
  virtual void add_link(const LinkRow& link) = 0;
  /// For a run about to add a link for each of millions of records to an empty links table:
  /// the store may drop the table's indexes, to build them once from the finished table (sorted
  /// in one pass, not each row placed into them) in restore_link_indexes(). True when it did;
  /// until then add_link is the only use of the links allowed. Within the run's transaction: a
  /// run that fails leaves them as they were. By default a no-op that returns false.
  virtual bool set_link_indexes_aside() { return false; }
  virtual void restore_link_indexes() {}
  virtual std::vector<PersonRow> persons() = 0;
  /// Every person in id order, one at a time (a million golden records need not be in memory
  /// at once). `visit` must not use this store.
  virtual void each_person(const std::function<void(PersonRow&&)>& visit) = 0;
  /// Writes a person; its view run (below) becomes its updated_run.
  virtual void put_person(const PersonRow& person) = 0;
  /// Inserts a person the store does not hold (see add_record).
  virtual void add_person(const PersonRow& person) = 0;
  /// Each person carries the last run that changed what an export shows of it (golden values,
  /// live links, open cases, history, retirement): its "view run". put_person and add_person
  /// set it to the person's updated_run; a run marks here the persons whose links or cases it
  /// changed without writing them; an administrator's action outside a run marks them with 0,
  /// which the next run takes as its own (claim_outside_view_changes). set_conflict_status
  /// marks the case's person with 0 itself.
  virtual void mark_views_changed(const std::vector<std::string>& person_ids, std::int64_t run_id) = 0;
  virtual void claim_outside_view_changes(std::int64_t run_id) = 0;
  /// The persons, retired ones too, whose view changed after run `since` (>= 0) or outside a
  /// run, in id order. `visit` must not use this store.
  virtual void each_person_changed_since(std::int64_t since, const std::function<void(PersonRow&&)>& visit) = 0;
  virtual void put_person_change(const PersonChange& change) = 0;
  /// The changes of one person, or of every person when `person_id` is empty; oldest first.
  virtual std::vector<PersonChange> person_changes(const std::string& person_id) = 0;
  virtual std::optional<PersonRow> person(const std::string& id) = 0;
  virtual std::vector<LinkRow> links_of(const std::string& person_id) = 0;
  /// The persons with these ids that exist, in no particular order.
  virtual std::vector<PersonRow> persons_in(const std::vector<std::string>& ids) = 0;
  /// Persons not retired.
  virtual std::int64_t active_person_count() = 0;
};

/// The review queue: cases (conflicts, match reviews, unit and posting cases) and decisions.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class CaseStore {
 public:
  virtual ~CaseStore() = default;
  /// Open conflicts are those with status open or deferred (deferred ones wait, but stay cases).
  virtual std::vector<ConflictRow> conflicts(bool open_only) = 0;
  /// What a run keeps up to date: the open and deferred cases and the disagreements the rules
  /// settled (status settled), oldest first. Closed and resolved ones are history.
  virtual std::vector<ConflictRow> live_conflicts() = 0;
  /// A page of the queue, ordered and counted by the store (indexes on status, kind, severity
  /// and unit): a page costs the same with a hundred cases or a hundred thousand.
  virtual ConflictPage conflict_page(const ConflictQuery& query) = 0;
  /// The units and the sources (one each) among the cases of these statuses, for the filters.
  virtual std::vector<std::string> conflict_units(const std::vector<std::string>& statuses) = 0;
  virtual std::vector<std::string> conflict_sources(const std::vector<std::string>& statuses) = 0;
  /// Cases by "kind" + ":" + status, for the statuses that are not history (open, deferred, settled).
  virtual std::map<std::string, std::int64_t> live_conflict_counts() = 0;
  virtual std::optional<ConflictRow> conflict(std::int64_t id) = 0;
  /// Inserts (id == 0) or updates a decision; returns its id.
  virtual std::int64_t put_decision(const DecisionRow& decision) = 0;
  virtual std::vector<DecisionRow> decisions(bool active_only) = 0;
  virtual std::optional<DecisionRow> decision(std::int64_t id) = 0;
  /// Inserts (id == 0) or updates a conflict; returns its id. An update to "open" or "settled"
  /// keeps a status an administrator set meanwhile (resolved, deferred): a sync that read the
  /// case before the decision must not reopen it.
  virtual std::int64_t put_conflict(const ConflictRow& conflict) = 0;
  /// Sets a conflict's status as an administrator decides it (resolved, deferred, open again),
  /// and marks the view of its person as changed outside a run.
  virtual void set_conflict_status(std::int64_t id, const std::string& status) = 0;
};

/// The admin server's accounts and sessions, and the append-only audit log.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class AdminStore {
 public:
  virtual ~AdminStore() = default;
  virtual void put_user(const UserRow& user) = 0;
  virtual std::optional<UserRow> user(const std::string& name) = 0;
  virtual std::vector<UserRow> users() = 0;
  virtual void put_session(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> session(const std::string& token_hash) = 0;
  virtual void delete_session(const std::string& token_hash) = 0;
  /// Removes sessions that expired before `now`, and every session of `user` when it is given.
  virtual void delete_sessions(const std::string& now, const std::string& user) = 0;
  /// Appends one audit entry (its seq, prev_hash and hash already computed by the caller).
  virtual void append_audit(const AuditRow& row) = 0;
  virtual std::optional<AuditRow> last_audit() = 0;
  /// Entries from `after_seq` on, oldest first, at most `limit`.
  virtual std::vector<AuditRow> audit(std::int64_t after_seq, std::int64_t limit) = 0;
};

/// The organisation as the store keeps it: the registry's rows and the administrators' unit answers.
/// Part of Store: code that needs only this takes it (a narrower contract); both backends
/// implement it as Store does. Same thread-safety as Store.
class OrgStore {
 public:
  virtual ~OrgStore() = default;
  /// Administrators' answers: unit text as written → unit code (docs/organisation.md).
  virtual std::map<std::string, std::string> unit_aliases() = 0;
  virtual void put_unit_alias(const std::string& text, const std::string& code, const std::string& actor, const std::string& at) = 0;
  /// False when there was no such alias.
  virtual bool delete_unit_alias(const std::string& text) = 0;
  /// The organisation's registry as last stored: (kind "unit" | "crosswalk", key) → row JSON.
  virtual std::map<std::pair<std::string, std::string>, std::string> org_rows() = 0;
  /// Inserts or replaces one row; `run` is the run that found it changed.
  virtual void put_org_row(const std::string& kind, const std::string& key, const std::string& row, std::int64_t run) = 0;
  virtual void delete_org_row(const std::string& kind, const std::string& key) = 0;
};

/// Every part, and what binds them: transactions, the run lock, the schema, integrity checks.
class Store : public RunLog,
              public RecordStore,
              public PersonStore,
              public CaseStore,
              public AdminStore,
              public OrgStore {
 public:
  ~Store() override = default;

  void set_audit_signer(std::shared_ptr<AuditSigner> signer) { audit_signer_ = std::move(signer); }
  const std::shared_ptr<AuditSigner>& audit_signer() const { return audit_signer_; }
  /// Runs `fn` once the current transaction has committed (dropped if it rolls back), or at once
  /// outside a transaction: what must be written outside the store only after the store has it.
  void after_commit(std::function<void()> fn) {
    if (in_transaction_) after_commit_.push_back(std::move(fn));
    else fn();
  }
  /// "SQLite /var/lib/hopnhat/hopnhat.db" or "PostgreSQL db on host:port", for messages.
  virtual std::string describe() = 0;
  /// Takes the store's run lock (one sync at a time) for this object's lifetime, or throws
  /// LockedError naming who holds it since when. Taken before begin(); released when the
  /// object is destroyed or its process ends, however it ends.
  virtual void lock_runs(const std::string& what) = 0;
  /// The schema version this build migrates to, and the names of the migrations not applied yet.
  virtual int latest_schema_version() = 0;
  virtual std::vector<std::string> pending_migrations() = 0;
  /// Whether the backend checks, row by row, that what a row references exists (SQLite's
  /// foreign_keys; on by default). A sync turns it off before begin(): its writer keeps the
  /// references by construction (a link names a person of this run's clusters), and probing the
  /// persons for each of two million links, and the links for each new person, costs more than
  /// a second per million persons. integrity_problems() checks every reference afterwards.
  /// PostgreSQL keeps its own (deferred) checks: there it changes nothing.
  virtual void set_reference_checks(bool on) = 0;
  /// What is wrong with the store, one sentence each: SQLite's quick_check, rows that reference
  /// a row that does not exist, and rows that break what a run keeps true (invariants.hpp:
  /// every active record linked to a living person, no live link to a deleted record or a
  /// retired person). Empty when all is well. Reads every table.
  virtual std::vector<std::string> integrity_problems() = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  /// Nested transactions inside begin/commit: one per source, so that a failing source can be
  /// undone alone (on_error: keep_previous).
  virtual void savepoint(const std::string& name) = 0;
  virtual void release(const std::string& name) = 0;
  virtual void rollback_to(const std::string& name) = 0;
  /// Schema version after migrations.
  virtual int schema_version() = 0;
  /// Hands back the memory the store holds for pages it read or wrote, without ending the
  /// transaction: called before the run's matching, which needs the memory and not the store.
  /// SQLite writes its dirty pages on to the write-ahead log (uncommitted there, as they would
  /// be when its cache fills) and drops its cache; later statements read pages in again. Other
  /// backends may do nothing.
  virtual void release_memory() {}

 protected:
  // Each backend calls these from begin(), commit() and rollback().
  void transaction_began() {
    in_transaction_ = true;
    after_commit_.clear();
  }
  void transaction_committed() {
    in_transaction_ = false;
    auto pending = std::move(after_commit_);
    after_commit_.clear();
    for (auto& fn : pending) fn();
  }
  void transaction_rolled_back() {
    in_transaction_ = false;
    after_commit_.clear();
  }

 private:
  std::shared_ptr<AuditSigner> audit_signer_;
  bool in_transaction_ = false;
  std::vector<std::function<void()>> after_commit_;
};

/// Opens the SQLite store at `path`, creating it (and its folder) when `create`, and applies the
/// migrations it lacks inside the caller's next transaction. Throws StoreError.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path, bool create);

/// Connects to the PostgreSQL store at `uri` (libpq keywords in `options` override the URI's)
/// and applies the migrations it lacks inside the caller's next transaction. Throws StoreError.
std::unique_ptr<Store> open_postgres_store(const std::string& uri, const std::map<std::string, std::string>& options);

}  // namespace hopnhat::store
