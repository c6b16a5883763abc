#include "sync/reconcile.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "admin/decision_rules.hpp"
#include "admin/decisions.hpp"
#include "base/elapsed.hpp"
#include "base/memory.hpp"
#include "base/parallel.hpp"
#include "base/threads.hpp"
#include "match/engine.hpp"
#include "match/features.hpp"
#include "match/person_ids.hpp"
#include "merge/golden_text.hpp"
#include "store/conflict_query.hpp"
#include "sync/match_scope.hpp"
#include "sync/decisions.hpp"
#include "sync/progress.hpp"
#include "text/normalize.hpp"

namespace hopnhat::sync {
namespace {

// A case's person as the queue shows it (store::ConflictRow's queue columns).
struct QueueView {
  std::string name, unit;
};

QueueView queue_view(const merge::GoldenRecord& golden) {
  QueueView v;
  for (const auto& value : golden.values) {
    if (value.field == "full_name") v.name = value.value;
    else if (value.field == "org_unit") v.unit = value.value;
  }
  return v;
}

// What a run keeps of a stored golden record (see Reconciler::match).
struct GoldenState {
  std::size_t hash = 0;
  bool empty = true;     // no golden record yet
  bool decided = false;  // an administrator's decision set one of its values
};

std::string new_person_id(store::Store& store) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "P%07lld", static_cast<long long>(store.next_counter("person")));
  return buf;
}

// Open conflicts are found again by what they are about, not by their row id.
std::string conflict_key(const std::string& kind, const std::string& person, const std::string& field) {
  return kind + '\x1f' + person + '\x1f' + field;
}

// The fields whose golden value differs between the stored golden JSON and the new one.
void record_changes(store::Store& store, std::int64_t run_id, const std::string& started_at, const std::string& person,
                    const std::string& old_text, const nlohmann::json& now) {
  const nlohmann::json before = merge::decode_golden(old_text);
  auto value_of = [](const nlohmann::json& golden, const std::string& field) -> std::string {
    auto it = golden.find(field);
    return it == golden.end() ? "" : it->value("value", "");
  };
  std::set<std::string> fields;
  for (auto& [k, v] : before.items()) fields.insert(k);
  for (auto& [k, v] : now.items()) fields.insert(k);
  for (const auto& f : fields) {
    std::string a = value_of(before, f), b = value_of(now, f);
    if (a != b) store.put_person_change({person, run_id, started_at, f, a, b});
  }
}

// One run's reconciliation, stage by stage; the state the stages share lives here.
class Reconciler {
 public:
  Reconciler(store::Store& store, std::int64_t run_id, const match::MatchSettings& settings,
             const merge::SurvivorshipRules& rules, RunReport& report)
      : store_(store), run_id_(run_id), settings_(settings), rules_(rules), report_(report),
        lap_(std::chrono::steady_clock::now()) {}

  void run(RunChanges&& changes, const ReconcileOptions& options, base::BackgroundDisposal& disposal) {
    store_.claim_outside_view_changes(run_id_);  // administrators' actions since the last run
    match(std::move(changes), options, disposal);
    stage("match");
    assign_persons();
    diff_links();
    stage("links");
    rebuild_golden();
    open_review_cases();
    close_cases();
    fill_missing_queue_columns();
    finish();
    stage("golden");
  }

 private:
  // Sub-stage durations for the run report.
  void stage(const char* name) {
    auto now = std::chrono::steady_clock::now();
    report_.stage_seconds[std::string("reconcile.") + name] += std::chrono::duration<double>(now - lap_).count();
    spdlog::debug("stage reconcile.{} done: resident {} MiB, peak {} MiB", name, base::resident_mib(), base::resident_mib("VmHWM"));
    lap_ = now;
  }

  GoldenState stored_golden(const std::string& id) const {
    auto it = golden_of_.find(id);
    return it == golden_of_.end() ? GoldenState{} : it->second;
  }

  // Matches every record, or only those near the changed ones, and stores the model it used.
  void match(RunChanges&& changes, const ReconcileOptions& options, base::BackgroundDisposal& disposal) {
    // The survivorship rules travel with the model: when they change, every golden record is
    // rebuilt; otherwise only those of the persons this run touched.
    rules_.decision_rules = admin::active_rules(store_);
    nlohmann::json decided_by = nlohmann::json::array();
    for (const auto& r : rules_.decision_rules) decided_by.push_back(r.id);
    nlohmann::json rules_json = {{"source_priority", rules_.source_priority}, {"fields", rules_.field_priority}};
    if (!decided_by.empty()) rules_json["decision_rules"] = decided_by;  // a new or undone rule rebuilds every person
    std::optional<match::ModelParameters> last_model;  // when trained under these match settings
    nlohmann::json last_model_json;
    if (auto previous = store_.latest_model()) {
      last_model_json = nlohmann::json::parse(*previous);
      rules_changed_ = !last_model_json.contains("survivorship") || last_model_json["survivorship"] != rules_json;
      if (last_model_json.contains("settings") && last_model_json["settings"] == match::settings_to_json(settings_)) {
        last_model = match::ModelParameters::from_json(last_model_json);
        if (!last_model->fits(settings_)) last_model.reset();  // kept by a hopnhat with other comparison levels
      }
    }
    // Persons without their golden text (a million of them would take gigabytes): what the run
    // needs of it is whether there is one, whether a decision set a value in it, and a hash to
    // tell whether a rebuilt one changed. The text itself is read again for the few that did.
    auto keep_golden_state = [&](store::PersonRow& p) {
      golden_of_[p.id] = {std::hash<std::string>{}(p.golden), p.golden.empty(), merge::golden_has_decision(p.golden)};
      std::string().swap(p.golden);
    };
    auto stage = [this](const char* name) { this->stage(name); };
    // Few records changed, and the model and rules stand: only the records near them are matched.
    if (!options.rematch && last_model && !rules_changed_)
      scope_ = incremental_scope(store_, settings_, *last_model, changes, report_.dry_run, keep_golden_state, stage);
    if (!scope_) {
      if (options.keep_model && !last_model) throw std::runtime_error("--keep-model: no model trained under these match settings yet");
      // Every record is matched: what changed is of no more use but its normalised values, and a
      // first run's two million keys would sit beside the matching, at the run's peak.
      std::vector<HeldValues> held = std::move(changes.held);
      disposal.add(std::move(changes));
      scope_ = full_scope(store_, settings_, options.keep_model ? &*last_model : nullptr, run_id_, std::move(held),
                          report_.dry_run, keep_golden_state, stage);
    }
    disposal.add(std::move(changes));  // an incremental run's, beside the next stage
    report_.match = scope_->result.stats;
    const bool trained = !scope_->result.stats.incremental && !options.keep_model;
    nlohmann::json model_json = trained ? scope_->result.model.to_json(settings_) : last_model_json;
    model_json["survivorship"] = rules_json;
    store_.put_model(run_id_, model_json.dump());
  }

  // Persons: keep, create (with lineage), merge.
  void assign_persons() {
    const match::MatchResult& result = scope_->result;
    auto& persons = scope_->persons;
    match::PersonAssignment assignment = match::assign_persons(result.cluster_of, result.clusters, scope_->current);
    decltype(scope_->current)().swap(scope_->current);
    cluster_person_ = std::move(assignment.cluster_person);
    for (std::size_t c = 0; c < cluster_person_.size(); ++c) {
      if (!cluster_person_[c].empty()) continue;
      cluster_person_[c] = new_person_id(store_);
      store::PersonRow row{cluster_person_[c], run_id_, run_id_, std::nullopt, "", "", assignment.split_from[c]};
      // Stored with its golden record below (foreign keys are checked at commit). New ids count
      // up past the stored ones: the hint puts them at the end at no search.
      persons.emplace_hint(persons.end(), row.id, row);
      ++report_.persons.created;
      if (!row.split_from.empty()) ++report_.persons.split;
    }
    cluster_of_person_.reserve(cluster_person_.size());
    for (std::size_t c = 0; c < cluster_person_.size(); ++c)
      cluster_of_person_.emplace(cluster_person_[c], static_cast<std::uint32_t>(c));
    affected_cluster_.assign(cluster_person_.size(), 0);
    // The persons this run may have changed: a member record new or changed, a link made, moved
    // or ended, a merge, a value decision. The others keep their golden record and cases.
    const auto& records = scope_->records;
    for (std::size_t i = 0; i < records.size(); ++i)
      if (records[i].changed_run == run_id_) affected_cluster_[result.cluster_of[i]] = 1;
    for (const auto& [absorbed, cluster] : assignment.merged) {
      auto& row = persons[absorbed];  // keeps no cluster: retired below, whatever touched it
      affected_cluster_[cluster] = 1;
      if (row.retired_run) continue;
      row.merged_into = cluster_person_[cluster];
      ++report_.persons.merged;
    }
  }

  const std::string& person_of(std::size_t record) const { return cluster_person_[scope_->result.cluster_of[record]]; }

  // The cluster a person keeps this run, or -1 for a person that keeps none (merged away,
  // retired).
  std::int64_t cluster_of(const std::string& person) const {
    auto it = cluster_of_person_.find(person);
    return it == cluster_of_person_.end() ? std::int64_t{-1} : std::int64_t{it->second};
  }
  // Marks a person's golden record to rebuild. One that keeps no cluster retires (below)
  // whatever touched it: nothing to mark.
  void affect(const std::string& person) {
    std::int64_t c = cluster_of(person);
    if (c >= 0) affected_cluster_[static_cast<std::size_t>(c)] = 1;
  }

  // Links: those that differ from the stored ones are found here (they decide which persons
  // are rebuilt) and written during the golden stage, a share before each slice of persons, so
  // that the store writes them while the other core builds golden records; those of records
  // gone are ended here.
  void diff_links() {
    const match::MatchResult& result = scope_->result;
    auto& links = scope_->links;
    for (const auto& p : result.review) {
      in_review_.insert(p.a);
      in_review_.insert(p.b);
    }
    const std::size_t total = scope_->records.size();
    if (links.empty()) {  // a first run: every record's link is new
      links_set_aside_ = store_.set_link_indexes_aside();  // made again once they are written
      pending_links_.resize(total);
      for (std::size_t i = 0; i < total; ++i) pending_links_[i] = {static_cast<std::uint32_t>(i), true};
      for (std::uint32_t c : result.cluster_of) affected_cluster_[c] = 1;
    } else {
      store::LinkRow want;
      for (std::size_t i = 0; i < total; ++i) {
        const auto& r = scope_->records[i].record;
        auto it = links.find(record_key(r.source, r.id));
        if (it != links.end()) {
          make_link(i, want);
          it->second.run_id = -1;  // seen: an active record still has this link
          store::LinkRow have = it->second;
          have.run_id = run_id_;
          if (have.score && want.score && std::abs(*have.score - *want.score) < 1e-9) have.score = want.score;
          if (have == want) continue;
          affect(have.person_id);
        }
        affected_cluster_[result.cluster_of[i]] = 1;
        pending_links_.push_back({static_cast<std::uint32_t>(i), it == links.end()});  // the scope holds every stored link of its records
      }
    }
    for (auto& [key, l] : links) {
      if (l.run_id == -1 || l.status == "deleted") continue;
      l.status = "deleted";  // the link stays for history
      l.run_id = run_id_;
      affect(l.person_id);
      store_.put_link(l);
    }
    std::unordered_map<std::string, store::LinkRow>().swap(links);
  }

  /// Record i's link as this run makes it, into `row` (its buffers reused).
  void make_link(std::size_t i, store::LinkRow& row) const {
    const match::MatchResult& result = scope_->result;
    const auto& r = scope_->records[i].record;
    row.source = r.source;
    row.record_id = r.id;
    row.person_id = person_of(i);
    row.status = in_review_.count(static_cast<std::uint32_t>(i)) ? "review" : "linked";
    row.score.reset();
    if (result.score[i] >= 0) row.score = result.score[i];
    row.rule = result.rule[i];
    row.run_id = run_id_;
    match::MatchKeys::encode_to(&scope_->keys[i * scope_->key_width], scope_->key_width, row.match_keys);
  }

  /// Writes the links found by diff_links() up to `share` (0..1) of them.
  void write_links(double share) {
    const auto upto = std::min(pending_links_.size(), static_cast<std::size_t>(share * static_cast<double>(pending_links_.size())));
    store::LinkRow row;
    for (; links_written_ < upto; ++links_written_) {
      const PendingLink& p = pending_links_[links_written_];
      make_link(p.record, row);
      if (p.fresh) store_.add_link(row);
      else store_.put_link(row);
    }
    if (links_written_ == pending_links_.size()) {
      std::vector<PendingLink>().swap(pending_links_);
      links_written_ = 0;
    }
  }

  // A person's golden record is rebuilt when the run touched it (or the rules changed); the
  // others keep theirs. A value an administrator decided, whose decision was undone since, goes
  // back to the rules.
  bool rebuilt(const std::string& id, const store::PersonRow& person, std::uint32_t cluster) const {
    GoldenState g = stored_golden(id);
    return rules_changed_ || affected_cluster_[cluster] || scope_->decisions->has_value_decision(id) || g.empty ||
           person.retired_run || !person.merged_into.empty() || g.decided;
  }

  // Writes a person whose golden record is not in memory: the stored one is kept.
  void put_person_keeping_golden(const store::PersonRow& person) {
    store::PersonRow row = person;
    if (!stored_golden(person.id).empty)
      if (auto stored = store_.person(person.id)) row.golden = std::move(stored->golden);
    store_.put_person(row);
  }

  // Notes a person whose exported view changed (its cases), unless this run wrote it: then its
  // view run is this run already (a full run writes every person, and opens tens of thousands
  // of cases).
  void view_changed(const std::string& person) {
    auto it = scope_->persons.find(person);
    if (it == scope_->persons.end() || it->second.updated_run != run_id_) views_changed_.push_back(person);
  }

  // Keeps a case open (opening it when new, updating what it says when that changed), or with
  // `status` "settled" a disagreement the rules settled: recorded for a person to see and
  // reverse, no case. One becomes the other when the evidence changes; a status an
  // administrator set (deferred) stays.
  // `shown`: the person's name and unit as the queue shows and filters them.
  void keep_open(const std::string& key, const std::string& person, const std::string& field, const std::string& kind,
                 const std::string& candidates, const std::string& status, const QueueView& shown) {
    store::ConflictRow row{0, person, field, kind, status, candidates, run_id_, std::nullopt};
    fill_queue_columns(row, nlohmann::json::parse(row.candidates), shown);
    keep_open(key, std::move(row));
  }

  // The same of a case made whole elsewhere (value_case): its status and queue columns set.
  void keep_open(const std::string& key, store::ConflictRow&& row) {
    const std::string& person = row.person_id;
    const std::string& field = row.field;
    const std::string& kind = row.kind;
    const std::string& candidates = row.candidates;
    const std::string& status = row.status;
    still_open_.insert(key);
    auto it = open_.find(key);
    if (it == open_.end()) {
      store_.put_conflict(row);
      if (status == "settled") {
        settled_now_.insert(key);
        ++settled_new_;
        return;
      }
      view_changed(person);  // exports show a person's open cases, not what the rules settled
      ++report_.conflicts.opened;
      ++(kind == "match_review" ? opened_reviews_ : opened_values_);
      // One line per case only at debug level: a full run can open tens of thousands; the
      // run's summary line (finish) counts them.
      spdlog::debug("person {}: {} on {}; a case is open", person,
                   kind == "match_review" ? "a possible match waits for review" : "its sources disagree", field);
    } else {
      store::ConflictRow& c = it->second;
      // Open and settled follow the evidence; deferred stays as an administrator set it.
      const bool moves = c.status != status && (c.status == "open" || c.status == "settled");
      if ((moves ? status : c.status) == "settled") settled_now_.insert(key);
      const bool queue_same = c.severity == row.severity && c.person_name == row.person_name && c.unit == row.unit && c.sources == row.sources;
      if (!moves && c.candidates == candidates && c.person_id == person && queue_same) return;
      if (c.person_id != person || moves) {
        view_changed(c.person_id);
        view_changed(person);
      }
      if (moves && status == "open") {
        ++report_.conflicts.opened;  // a settled disagreement the rules can no longer decide
        ++opened_values_;
      }
      if (moves) c.status = status;
      c.candidates = std::move(row.candidates);
      c.person_id = std::move(row.person_id);
      c.severity = row.severity;
      c.person_name = std::move(row.person_name);
      c.unit = std::move(row.unit);
      c.sources = std::move(row.sources);
      store_.put_conflict(c);
    }
  }

  // A person's value case as the queue shows it, whole: what keep_open writes. A pure function,
  // made on the threads that build golden records.
  static store::ConflictRow value_case(const std::string& person, const merge::ConflictFinding& f, const QueueView& shown,
                                       std::int64_t run_id) {
    store::ConflictRow row{0, person, f.field, f.kind, f.settled() ? "settled" : "open", f.candidates.dump(), run_id, std::nullopt};
    fill_queue_columns(row, f.candidates, shown);
    return row;
  }

  // The queue's columns of a case: its severity and sources from its candidates, the person as shown.
  static void fill_queue_columns(store::ConflictRow& row, const nlohmann::json& cands, const QueueView& shown) {
    std::vector<std::string> sources;
    for (const auto& c : cands) sources.push_back(c.value("source", ""));
    row.severity = admin::case_severity(row, cands);
    row.sources = store::sources_column(sources);
    row.person_name = shown.name;
    row.unit = shown.unit;
  }

  // Cases a store written before schema 10 holds without their queue columns, which this run
  // did not write: filled once, from the person's stored golden record.
  void fill_missing_queue_columns() {
    for (auto& [k, c] : open_) {
      if (c.severity != 0 || c.status == "closed" || !still_open_.count(k)) continue;
      QueueView shown;
      if (auto p = store_.person(c.person_id); p && !p->golden.empty()) {
        const nlohmann::json g = merge::decode_golden(p->golden);
        if (g.contains("full_name")) shown.name = g["full_name"].value("value", "");
        if (g.contains("org_unit")) shown.unit = g["org_unit"].value("value", "");
      }
      fill_queue_columns(c, nlohmann::json::parse(c.candidates), shown);
      store_.put_conflict(c);
    }
  }

  // Golden records and value conflicts of the persons rebuilt; retirement of those left empty.
  void rebuild_golden() {
    RunDecisions& decisions = *scope_->decisions;
    const auto& records = scope_->records;
    // Records grouped by cluster, in record order (a counting sort): cluster c's members are
    // member[first[c]] up to member[first[c + 1]].
    const auto& cluster_of_record = scope_->result.cluster_of;
    std::vector<std::uint32_t> first(cluster_person_.size() + 1, 0), member(records.size());
    for (std::uint32_t c : cluster_of_record) ++first[c + 1];
    for (std::size_t c = 0; c < cluster_person_.size(); ++c) first[c + 1] += first[c];
    {
      std::vector<std::uint32_t> next(first.begin(), first.end() - 1);
      for (std::size_t i = 0; i < records.size(); ++i) member[next[cluster_of_record[i]]++] = static_cast<std::uint32_t>(i);
    }
    struct Members {
      std::vector<const store::StoredRecord*> records;
      std::vector<const text::NormalizedFields*> values;  // values[k] of records[k]
    };
    auto members_of = [&](std::uint32_t c) {
      Members m;
      for (std::uint32_t k = first[c]; k < first[c + 1]; ++k) {
        m.records.push_back(&records[member[k]]);
        m.values.push_back(&scope_->normalized[member[k]]);
      }
      return m;
    };
    std::map<std::string, std::vector<std::string>> open_of_person;  // value cases, by person
    for (auto& c : store_.live_conflicts()) {
      // About a unit's name or a person's posting: sync/unit_cases keeps those.
      if (c.kind == "unit_unresolved" || c.kind == "unit_split" || c.kind == "posting_disputed") continue;
      std::string key = conflict_key(c.kind, c.kind == "match_review" ? "" : c.person_id, c.field);
      if (c.kind != "match_review") open_of_person[c.person_id].push_back(key);
      open_.emplace(std::move(key), std::move(c));
    }

    // Who is rebuilt, in id order; the others retire or keep what they have.
    struct Todo {
      const std::string* id;
      store::PersonRow* person;
      std::uint32_t cluster;
    };
    std::vector<Todo> todo;
    for (auto& [id, person] : scope_->persons) {
      const std::int64_t cluster = cluster_of(id);
      if (cluster < 0) {
        if (!person.retired_run) {
          person.retired_run = run_id_;
          person.updated_run = run_id_;
          put_person_keeping_golden(person);
          ++report_.persons.retired;
        }
        continue;
      }
      ++report_.persons.total;
      if (!rebuilt(id, person, static_cast<std::uint32_t>(cluster))) {
        for (const auto& key : open_of_person[id]) {  // its cases stand as they are
          still_open_.insert(key);
          if (open_.at(key).status == "settled") settled_now_.insert(key);
        }
        continue;
      }
      todo.push_back({&id, &person, static_cast<std::uint32_t>(cluster)});
    }
    // Golden records are built a slice at a time on other threads (survivorship is a pure
    // function) while this one writes the slice before: decisions, store writes and case
    // numbering run here, in id order. Who has a value decision is fixed first: applying one
    // below forgets it, and the builders must not read what this thread changes.
    std::vector<char> has_decision(todo.size());
    for (std::size_t t = 0; t < todo.size(); ++t) has_decision[t] = decisions.has_value_decision(*todo[t].id);
    Progress progress("persons", static_cast<std::int64_t>(todo.size()));
    constexpr std::size_t kSlice = 1 << 15;
    struct Slice {
      std::vector<merge::GoldenRecord> built;
      std::vector<std::string> text;
      std::vector<std::vector<store::ConflictRow>> cases;  // per person: its value cases, whole (value_case)
    };
    auto cases_of = [this](const std::string& id, const merge::GoldenRecord& golden) {
      std::vector<store::ConflictRow> rows;
      const QueueView shown = queue_view(golden);
      for (const auto& f : golden.conflicts) rows.push_back(value_case(id, f, shown, run_id_));
      return rows;
    };
    // While links are left to write, one thread builds: this one has the store's work, the
    // builder the other core (two builders would take turns with the store on two cores). The
    // builder also frees the slice this thread finished last (`done`): freeing tens of
    // thousands of golden records and their cases was a twentieth of the store's thread.
    auto build_slice = [&](std::size_t from, bool one_thread, Slice done) {
      { Slice freed = std::move(done); }
      const std::size_t n = std::min(kSlice, todo.size() - from);
      Slice slice{std::vector<merge::GoldenRecord>(n), std::vector<std::string>(n), std::vector<std::vector<store::ConflictRow>>(n)};
      base::parallel_slices(n, [&](std::size_t b, std::size_t e, unsigned) {
        for (std::size_t k = b; k < e; ++k) {
          if (has_decision[from + k]) continue;  // built below, where decisions apply
          const Members m = members_of(todo[from + k].cluster);
          slice.built[k] = merge::build_golden(m.records, m.values, rules_);
          slice.text[k] = slice.built[k].to_text();
          slice.cases[k] = cases_of(*todo[from + k].id, slice.built[k]);
        }
      }, one_thread ? std::numeric_limits<std::size_t>::max() : 512);
      return slice;
    };
    base::AsyncTask<Slice> next;
    Slice done;  // written, to be freed by the next builder
    if (!todo.empty()) next = base::run_async([&build_slice, links = !pending_links_.empty()] { return build_slice(0, links, Slice()); });
    // Seconds, for the debug log: which of this thread's tasks the stage waits on.
    double writing_links = 0, waiting_builders = 0;
    const auto began = std::chrono::steady_clock::now();
    for (std::size_t from = 0; from < todo.size(); from += kSlice) {
      const std::size_t n = std::min(kSlice, todo.size() - from);
      // The store writes a share of the links while the other threads build this slice.
      auto t = std::chrono::steady_clock::now();
      write_links(static_cast<double>(from + n) / static_cast<double>(todo.size()));
      writing_links += base::seconds_since(t);
      t = std::chrono::steady_clock::now();
      Slice slice = next.get();
      waiting_builders += base::seconds_since(t);
      if (from + kSlice < todo.size())
        next = base::run_async([&build_slice, from, links = !pending_links_.empty(), freed = std::move(done)]() mutable {
          return build_slice(from + kSlice, links, std::move(freed));
        });
      std::vector<merge::GoldenRecord>& built = slice.built;
      std::vector<std::string>& built_text = slice.text;
      // Which changed (and of those, which count as updated: not created by this run), with the
      // stored text of those that had one, read before this slice writes anything (on
      // PostgreSQL a read first sends the buffered writes).
      std::vector<std::optional<nlohmann::json>> decided(n);  // the golden tree, when decisions changed it
      std::vector<char> changed(n), updated(n);
      std::vector<std::string> before(n);
      for (std::size_t k = 0; k < n; ++k) {
        const std::string& id = *todo[from + k].id;
        const store::PersonRow& person = *todo[from + k].person;
        if (has_decision[from + k]) {
          const Members m = members_of(todo[from + k].cluster);
          built[k] = merge::build_golden(m.records, m.values, rules_);
          decided[k] = built[k].to_json();
          decisions.apply(id, m.records, *decided[k], built[k].conflicts);
          built_text[k] = merge::encode_golden(*decided[k]);
          slice.cases[k] = cases_of(id, built[k]);
        }
        const GoldenState old = stored_golden(id);
        changed[k] = old.empty || old.hash != std::hash<std::string>{}(built_text[k]) || person.retired_run;
        updated[k] = changed[k] && !(person.created_run == run_id_ && old.empty);
        if (updated[k] && !old.empty)
          if (auto stored = store_.person(id)) before[k] = std::move(stored->golden);
        // A record stored in the older layout is written again in the compact one; only a
        // different content makes its person updated.
        if (updated[k] && !person.retired_run && !before[k].empty() && !merge::is_compact_golden(before[k]) &&
            merge::decode_golden(before[k]) == (decided[k] ? *decided[k] : built[k].to_json()))
          updated[k] = false;
      }
      for (std::size_t k = 0; k < n; ++k) {
        progress.advance();
        const std::string& id = *todo[from + k].id;
        store::PersonRow& person = *todo[from + k].person;
        const merge::GoldenRecord& golden = built[k];
        if (!changed[k] && affected_cluster_[todo[from + k].cluster]) views_changed_.push_back(id);  // its links may have
        if (changed[k]) {
          if (updated[k]) {
            ++report_.persons.updated;
            if (!before[k].empty())
              record_changes(store_, run_id_, report_.started_at, id, before[k], decided[k] ? *decided[k] : golden.to_json());
          }
          person.golden = std::move(built_text[k]);
          person.updated_run = run_id_;
          person.retired_run.reset();
          person.merged_into.clear();
          if (person.created_run == run_id_) store_.add_person(person);  // created by this run: first written here
          else store_.put_person(person);
          std::string().swap(person.golden);  // written: not kept for the rest of the run
        }
        for (store::ConflictRow& row : slice.cases[k]) keep_open(conflict_key(row.kind, id, row.field), std::move(row));
        const std::uint32_t cluster = todo[from + k].cluster;
        if (first[cluster + 1] - first[cluster] > settings_.max_person_records && settings_.max_person_records)
          keep_oversized_open(id, members_of(cluster), queue_view(golden));
      }
      done = std::move(slice);
    }
    auto t = std::chrono::steady_clock::now();
    write_links(1.0);  // what is left (all of them when no person is rebuilt)
    writing_links += base::seconds_since(t);
    t = std::chrono::steady_clock::now();
    if (links_set_aside_) store_.restore_link_indexes();
    links_set_aside_ = false;
    const double indexing_links = base::seconds_since(t);
    spdlog::debug("golden records of {} persons: the store's thread wrote links for {:.2f} s and made their indexes in "
                  "{:.2f} s, waited {:.2f} s for the builders and wrote persons and cases for {:.2f} s", todo.size(),
                  writing_links, indexing_links, waiting_builders,
                  base::seconds_since(began) - writing_links - indexing_links - waiting_builders);
  }

  // A person holding more records than one person should (namesakes chained through records
  // without an identifier, most often) waits for an administrator, unless one confirmed it.
  template <class Members>
  void keep_oversized_open(const std::string& id, const Members& m, const QueueView& shown) {
    ++report_.persons.oversized;
    if (scope_->decisions->confirmed(id, m.records)) return;
    nlohmann::json cands = nlohmann::json::array();
    static const std::size_t kName = *text::field_index("full_name"), kBirth = *text::field_index("birth_date");
    for (std::size_t k = 0; k < m.records.size(); ++k) {
      const auto& r = m.records[k]->record;
      std::string label(m.values[k]->at(kName));
      if (!m.values[k]->at(kBirth).empty()) label += (label.empty() ? "" : " · ") + std::string(m.values[k]->at(kBirth));
      cands.push_back({{"id", k + 1}, {"source", r.source}, {"record_id", r.id}, {"value", label}});
    }
    keep_open(conflict_key("oversized_person", id, ""), id, "", "oversized_person", cands.dump(), "open", shown);
  }

  // A review case for each pair of clusters a person must decide about.
  void open_review_cases() {
    const auto& records = scope_->records;
    for (const auto& p : scope_->result.review) {
      const auto& a = records[p.a].record;
      const auto& b = records[p.b].record;
      nlohmann::json cands = nlohmann::json::array();
      for (std::uint32_t r : {p.a, p.b})
        cands.push_back({{"source", records[r].record.source}, {"record_id", records[r].record.id},
                         {"person_id", person_of(r)}, {"score", p.probability}});
      std::string field = a.source + ":" + a.id + " ~ " + b.source + ":" + b.id;
      static const std::size_t kName = *text::field_index("full_name"), kUnit = *text::field_index("org_unit");
      const QueueView shown{std::string(scope_->normalized[p.a].at(kName)), std::string(scope_->normalized[p.a].at(kUnit))};
      keep_open(conflict_key("match_review", "", field), person_of(p.a), field, "match_review", cands.dump(), "open", shown);
    }
  }

  // Cases not found again are closed — except those about persons an incremental run did not
  // reach, which stand as they are.
  void close_cases() {
    for (auto& [k, c] : open_) {
      if (still_open_.count(k)) continue;
      if (!scope_->whole && !scope_->persons.count(c.person_id)) {
        still_open_.insert(k);
        if (c.status == "settled") settled_now_.insert(k);
        continue;
      }
      const bool was_case = c.status != "settled";
      c.status = "closed";
      c.closed_run = run_id_;
      if (was_case) view_changed(c.person_id);
      store_.put_conflict(c);
      if (was_case) ++report_.conflicts.closed;
    }
  }

  void finish() {
    std::sort(views_changed_.begin(), views_changed_.end());
    views_changed_.erase(std::unique(views_changed_.begin(), views_changed_.end()), views_changed_.end());
    store_.mark_views_changed(views_changed_, run_id_);
    RunDecisions& decisions = *scope_->decisions;
    decisions.finish(scope_->persons, [this](const std::string& id) { return cluster_of(id) >= 0; });
    decisions.catch_up();
    report_.decisions.applied = decisions.applied();
    report_.decisions.orphaned = decisions.orphaned();
    report_.conflicts.settled = static_cast<std::int64_t>(settled_now_.size());
    report_.conflicts.open = static_cast<std::int64_t>(still_open_.size()) - report_.conflicts.settled;
    spdlog::info("cases: {} opened ({} possible matches to review, {} values the sources disagree on), {} closed, {} open; "
                 "{} disagreements settled by the rules ({} new)",
                 report_.conflicts.opened, opened_reviews_, opened_values_, report_.conflicts.closed, report_.conflicts.open,
                 report_.conflicts.settled, settled_new_);
    report_.persons.total += scope_->persons_outside;
    report_.review_records = static_cast<std::int64_t>(in_review_.size()) + scope_->review_outside;
  }

  std::int64_t opened_reviews_ = 0, opened_values_ = 0;  // cases opened this run, by kind
  std::int64_t settled_new_ = 0;                          // disagreements first settled this run
  std::set<std::string> settled_now_;                     // keys held with status settled after the run
  store::Store& store_;
  const std::int64_t run_id_;
  const match::MatchSettings& settings_;
  merge::SurvivorshipRules rules_;  // the configuration's, with the administrators' rules in force
  RunReport& report_;
  std::chrono::steady_clock::time_point lap_;

  bool rules_changed_ = true;
  absl::flat_hash_map<std::string, GoldenState> golden_of_;
  std::optional<MatchScope> scope_;
  std::vector<std::string> cluster_person_;   // per cluster: its person
  // Persons that keep a cluster, by id (views into cluster_person_, which no longer changes).
  absl::flat_hash_map<std::string_view, std::uint32_t> cluster_of_person_;
  // Per cluster: whether the run may have changed its person (see assign_persons).
  std::vector<char> affected_cluster_;
  absl::flat_hash_set<std::uint32_t> in_review_;  // records in a review pair
  struct PendingLink {
    std::uint32_t record;
    bool fresh;  // no stored link: added, not upserted
  };
  std::vector<PendingLink> pending_links_;  // in record order: diff_links() found them, write_links() writes them
  std::size_t links_written_ = 0;
  bool links_set_aside_ = false;  // the store dropped the links' indexes until they are written
  std::map<std::string, store::ConflictRow> open_;  // open cases, by what they are about
  // Persons whose exported view this run changed without writing them (Store::mark_views_changed).
  std::vector<std::string> views_changed_;
  std::set<std::string> still_open_;
};

}  // namespace

void reconcile(store::Store& store, std::int64_t run_id, const match::MatchSettings& settings,
               const merge::SurvivorshipRules& rules, RunChanges changes, const ReconcileOptions& options,
               RunReport& report, base::BackgroundDisposal& disposal) {
  auto reconciler = std::make_unique<Reconciler>(store, run_id, settings, rules, report);
  reconciler->run(std::move(changes), options, disposal);
  disposal.add(std::move(reconciler));  // its state holds every record of a full run
}

}  // namespace hopnhat::sync
