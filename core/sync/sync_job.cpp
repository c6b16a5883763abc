#include "sync/sync_job.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <absl/container/flat_hash_map.h>

#include "base/bounded_text.hpp"
#include "base/elapsed.hpp"
#include "base/exit_codes.hpp"
#include "base/iso_time.hpp"
#include "base/memory.hpp"
#include "base/parallel.hpp"
#include "base/sort_key.hpp"
#include "base/threads.hpp"
#include "sync/run_guard.hpp"
#include "sync/unit_cases.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "merge/survivorship.hpp"
#include "org/timeline.hpp"
#include "store/store.hpp"
#include "sync/plugin_setup.hpp"
#include "sync/progress.hpp"
#include "sync/export_job.hpp"
#include "sync/reconcile.hpp"
#include "sync/record_hash.hpp"
#include "store/run_lock.hpp"
#include "sync/open_store.hpp"
#include "text/normalize.hpp"

namespace hopnhat::sync {
namespace {

class StageTimer {
 public:
  StageTimer(RunReport& r, std::string stage) : report_(r), stage_(std::move(stage)), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() {
    report_.stage_seconds[stage_] += base::seconds_since(start_);
    spdlog::debug("stage {} done: resident {} MiB, peak {} MiB", stage_, base::resident_mib(), base::resident_mib("VmHWM"));
  }

 private:
  RunReport& report_;
  std::string stage_;
  std::chrono::steady_clock::time_point start_;
};

// Receives the records of one read and stores them a batch at a time, so that a source of a
// million rows is never all in memory: checks ids, counts new, changed and unchanged records,
// normalises the new and changed ones on every core and writes them in read order. A pipeline of
// three stages, one batch in each: the importer fills the next batch while workers prepare the
// last (hash, count, normalise) and another thread stores the one before (so the store is used
// by one thread at a time, in read order). An error in either stops the read and is rethrown by
// finish().
constexpr std::size_t kMaxMessageBytes = 4000;
// No field of a person needs more than this; a longer one is a broken row (a line without its
// end), refused before it reaches the store, the golden record and every export.
constexpr std::size_t kMaxFieldBytes = 4096, kMaxAttributeBytes = 65536;

std::optional<std::string> oversized_value(const sdk::SourceRecord& r) {
  for (const auto& [field, value] : r.fields)
    if (value.size() > kMaxFieldBytes)
      return "field " + base::bounded(field, 60) + " holds " + std::to_string(value.size()) + " bytes; at most " +
             std::to_string(kMaxFieldBytes) + " (a broken line?)";
  for (const auto& [heading, value] : r.attributes)
    if (value.size() > kMaxAttributeBytes)
      return "column \"" + base::bounded(heading, 60) + "\" holds " + std::to_string(value.size()) + " bytes; at most " +
             std::to_string(kMaxAttributeBytes) + " (a broken line?)";
  if (r.id.size() > 256) return "the record id has " + std::to_string(r.id.size()) + " bytes; at most 256";
  return std::nullopt;
}

class SourceWriter final : public sdk::RecordSink {
 public:
  SourceWriter(store::Store& store, std::int64_t run_id, std::string source, SourceReport& report, std::int64_t expected,
               RunChanges& changes)
      : store_(store), run_id_(run_id), source_(std::move(source)), report_(report), changes_(changes),
        progress_("read " + source_, expected) {}

  bool emit(sdk::SourceRecord&& record) noexcept override {
    try {
      if (record.id.empty()) {
        reject(record.origin, "the record has no id");
        return true;
      }
      if (auto too_long = oversized_value(record)) {
        reject(record.origin, *too_long);
        return true;
      }
      if (!record.history.empty()) {  // its dates read as ISO here, so every later reader compares them as text
        if (auto bad = org::normalize_history(record.history)) {
          reject(record.origin, *bad);
          return true;
        }
      }
      auto [it, fresh] = origin_by_id_.emplace(record.id, record.origin);
      if (!fresh) {
        reject(record.origin, "the record id is also used at " + it->second + "; ids must be unique");
        return true;
      }
      record.source = source_;
      batch_.push_back(std::move(record));
      progress_.advance();
      if (batch_.size() >= kBatch) hand_over();
      return true;
    } catch (...) {
      error_ = std::current_exception();  // out of memory, or the store failed
      return false;
    }
  }

  void reject(const std::string& origin, const std::string& message) noexcept override {
    try {
      ++report_.failed;
      const std::string line = base::bounded(origin, 200) + ": " + base::bounded(message, 1000);
      if (report_.rejections.size() < 20) report_.rejections.push_back(line);
      spdlog::warn("[{}] rejected {}", source_, line);
    } catch (...) {
    }
  }

  /// Writes what is left; rethrows what stopped the read.
  void finish() {
    if (preparing_.valid()) {
      Prepared last = preparing_.get();
      if (storing_.valid()) storing_.get();
      store_batch(last);
    } else if (storing_.valid()) {
      storing_.get();
    }
    if (error_) std::rethrow_exception(error_);
    Prepared rest = prepare_batch(std::move(batch_));
    store_batch(rest);
    // Which stage holds the import back: the reader waits on the slower of the two.
    spdlog::debug("source {}: the reader waited {:.2f} s for the preparing threads and {:.2f} s for the store's; "
                  "preparing took {:.2f} s, storing {:.2f} s", source_, waited_preparing_, waited_storing_, preparing_busy_,
                  storing_busy_);
  }
  /// Every id this read returned (for deletions).
  bool seen(const std::string& id) const { return origin_by_id_.contains(id); }
  /// What the store holds of this source, read when first needed (a read that emits nothing,
  /// such as an unchanged file, never reads it). Not while a batch is in flight.
  const absl::flat_hash_map<std::string, store::RecordState>& stored() {
    if (!stored_loaded_) {
      auto states = store_.record_states(source_);
      stored_.reserve(states.size());
      for (auto& r : states) stored_.emplace(r.record_id, std::move(r));
      stored_loaded_ = true;
    }
    return stored_;
  }

 private:
  static constexpr std::size_t kBatch = 1 << 15;
  using Clock = std::chrono::steady_clock;

  // A batch with what the store stage needs of it.
  struct Prepared {
    std::vector<sdk::SourceRecord> records;
    std::vector<const sdk::SourceRecord*> to_store;  // new (or back after a deletion) and changed
    std::vector<char> unknown;                       // per to_store: the store has no row of it
    std::vector<store::RecordText> text;             // per to_store: its columns, written here on every core
    std::vector<text::NormalizedFields> values;      // per to_store: its normalised values, held for matching
    std::vector<std::uint32_t> store_order;          // to_store's places in the order of their ids
  };

  // Moves each batch one stage on: the prepared one to the store stage (once the one before is
  // stored), this one to the prepare stage. Rethrows what stopped either.
  void hand_over() {
    if (preparing_.valid()) {
      const auto asked = Clock::now();
      Prepared prepared = preparing_.get();
      waited_preparing_ += base::seconds_since(asked);
      const auto next_asked = Clock::now();
      if (storing_.valid()) storing_.get();
      waited_storing_ += base::seconds_since(next_asked);
      storing_ = base::run_async([this, p = std::move(prepared)]() mutable {
        // Taken out of the capture so that the batch is freed here, before the reader hears
        // that it is stored (the capture itself goes a moment after).
        Prepared mine = std::move(p);
        const auto began = Clock::now();
        store_batch(mine);
        storing_busy_ += base::seconds_since(began);
      });
    }
    preparing_ = base::run_async([this, batch = std::move(batch_)]() mutable {
      const auto began = Clock::now();
      Prepared p = prepare_batch(std::move(batch));
      preparing_busy_ += base::seconds_since(began);
      return p;
    });
    batch_ = {};
    batch_.reserve(kBatch);
  }

  Prepared prepare_batch(std::vector<sdk::SourceRecord>&& batch) {
    Prepared p;
    p.records = std::move(batch);
    auto& records = p.records;
    if (records.empty()) return p;  // an unchanged file: what the store holds is not read at all
    // Hashing and normalising are the costly part and independent per record.
    base::parallel_slices(records.size(), [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t k = b; k < e; ++k) records[k].content_hash = sdk::compute_content_hash(records[k]);
    });
    const auto& known = stored();
    for (const auto& rec : records) {
      ++report_.read;
      auto it = known.find(rec.id);
      if (it == known.end() || it->second.deleted) {
        ++report_.new_records;
      } else if (!same_content(it->second.content_hash, rec)) {
        ++report_.changed;
      } else {
        ++report_.unchanged;
        continue;
      }
      p.to_store.push_back(&rec);
      p.unknown.push_back(it == known.end());
    }
    p.text.resize(p.to_store.size());
    p.values.resize(p.to_store.size());
    base::parallel_slices(p.to_store.size(), [&](std::size_t b, std::size_t e, unsigned) {
      for (std::size_t k = b; k < e; ++k) {
        p.values[k] = text::normalize_record(p.to_store[k]->fields);
        p.text[k] = store::record_text(*p.to_store[k], text::to_json_text(p.values[k]));
      }
    });
    // The store places each row in its (source, record_id) index. A file's order is not the
    // ids', and in it each insert goes down to a leaf far from the last one's; in id order a
    // batch of 32,768 puts some ten rows in a row into each leaf it touches. Sorted on the ids'
    // first eight bytes held beside the index: comparing the strings themselves went to a
    // record far away each time. The rest stays in read order: normalising in id order, too,
    // made preparing slower by more than the store gained.
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order(p.to_store.size());
    for (std::uint32_t k = 0; k < order.size(); ++k) order[k] = {base::leading_bytes_key(p.to_store[k]->id), k};
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      if (a.first != b.first) return a.first < b.first;
      return p.to_store[a.second]->id < p.to_store[b.second]->id;
    });
    p.store_order.resize(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) p.store_order[k] = order[k].second;
    return p;
  }

  void store_batch(Prepared& p) {
    if (p.to_store.empty()) return;
    HeldValues held;
    held.source = source_;
    held.ids.reserve(p.to_store.size());
    for (std::size_t k = 0; k < p.to_store.size(); ++k) {
      const std::uint32_t i = p.store_order[k];
      if (p.unknown[i]) store_.add_record(*p.to_store[i], run_id_, p.text[i]);
      else store_.put_record(*p.to_store[i], run_id_, p.text[i]);
    }
    for (const auto* record : p.to_store) held.ids.push_back(record->id);  // values[k] of ids[k]
    held.values = std::move(p.values);
    changes_.held.push_back(std::move(held));  // once every record of it is stored
  }

  store::Store& store_;
  std::int64_t run_id_;
  std::string source_;
  SourceReport& report_;
  absl::flat_hash_map<std::string, store::RecordState> stored_;
  bool stored_loaded_ = false;
  RunChanges& changes_;
  std::vector<sdk::SourceRecord> batch_;
  absl::flat_hash_map<std::string, std::string> origin_by_id_;
  std::exception_ptr error_;
  // Seconds, for the debug log; each written by one stage, read once the stages are done.
  double waited_preparing_ = 0, waited_storing_ = 0, preparing_busy_ = 0, storing_busy_ = 0;
  Progress progress_;
  // Last: their destruction waits for the workers, which use the rest.
  base::AsyncTask<Prepared> preparing_;
  base::AsyncTask<void> storing_;
};

// Cut to kMaxMessageBytes: a plugin's message may quote a whole broken line.
class SourceFailure : public std::runtime_error {
 public:
  explicit SourceFailure(const std::string& message) : std::runtime_error(base::bounded(message, kMaxMessageBytes)) {}
};

void import_source(store::Store& store, std::int64_t run_id, PreparedSource& src, SourceReport& rep, RunChanges& changes) {
  const std::string& name = src.use->name;
  const std::string who = "the plugin of source " + name + " (" + src.use->plugin + ")";
  run_phase(who, "check");
  sdk::Status st = src.importer->check();
  if (!st) throw SourceFailure(st.message());
  const std::optional<store::SourceState> previous = store.source_state(name);
  sdk::ReadRequest request;
  if (previous) request.state = previous->state;
  sdk::ReadResult result;
  // The last full read's size is the best guess of this one's.
  SourceWriter sink(store, run_id, name, rep, previous ? previous->record_count : 0, changes);
  run_phase(who, "read");
  st = src.importer->read(request, sink, result);
  run_phase("", "storing the records of source " + name);
  try {
    sink.finish();  // first: a read the host stopped reports why the host stopped it
  } catch (const std::bad_alloc&) {
    throw SourceFailure("the host ran out of memory while storing records");
  }
  for (auto& warning : src.context->take_warnings()) rep.notes.push_back(std::move(warning));
  if (!st) throw SourceFailure(st.message());
  if (!result.full_snapshot && rep.read == 0 && previous && !result.state.empty() && result.state == previous->state)
    rep.notes.push_back("unchanged since the last run (the importer's state did not move): nothing was read");
  bool guarded = false;
  if (result.full_snapshot) {
    std::vector<std::string> missing;
    for (const auto& [id, r] : sink.stored())
      if (!r.deleted && !sink.seen(id)) missing.push_back(id);
    std::sort(missing.begin(), missing.end());  // the same order whatever the hash map's
    const std::int64_t last = previous ? previous->record_count : 0;
    if (!missing.empty() && rep.failed > 0) {
      rep.notes.push_back(std::to_string(missing.size()) + " records missing from this read were not marked deleted, because " +
                          std::to_string(rep.failed) + " rows could not be read");
    } else if (!missing.empty() && last > 0 &&
               static_cast<double>(rep.read) < static_cast<double>(last) * (1.0 - src.use->max_deletion_share)) {
      // The mass-deletion guard: a source that suddenly returns far fewer records has more
      // likely lost them on the way (a truncated export, a wrong filter) than lost the people.
      guarded = true;
      rep.notes.push_back("read " + std::to_string(rep.read) + " records, far fewer than the " + std::to_string(last) +
                          " of the last full read: the " + std::to_string(missing.size()) +
                          " missing records were not marked deleted (max_deletion_share " +
                          fmt::format("{:.2f}", src.use->max_deletion_share) + "); check the source");
    } else {
      for (const auto& id : missing) {
        store.mark_deleted(name, id, run_id);
        changes.deleted.insert(record_key(name, id));
        ++rep.deleted;
      }
    }
  }
  // The size a later full read is compared with: kept when the guard held back deletions.
  std::int64_t count = result.full_snapshot && !guarded ? rep.read : (previous ? previous->record_count : rep.read);
  store.put_source_state(name, {result.state, count}, run_id);
}

// Each plugin instance is destroyed under its own phase: a destructor that throws or crashes is
// named (RunGuard), after the run's outcome is recorded and its report ready.
void unload(PreparedPlugins& plugins) {
  for (auto& src : plugins.sources) {
    run_phase("the plugin of source " + src.use->name + " (" + src.use->plugin + ")", "unload");
    src.importer.reset();
  }
  for (auto& exp : plugins.exports) {
    run_phase("the plugin of export " + exp.use->name + " (" + exp.use->plugin + ")", "unload");
    exp.exporter.reset();
  }
}

// Runs of earlier processes that ended abruptly (RunGuard's notes) become failed runs, each in
// its own transaction, before this run begins.
void record_unfinished_runs(const config::Config& cfg, store::Store& store) {
  for (const UnfinishedRun& u : take_unfinished_runs(unfinished_run_note(cfg))) {
    RunReport r;
    r.status = "failed";
    r.started_at = u.started_at.empty() ? base::now_iso() : u.started_at;
    r.finished_at = base::now_iso();
    r.error = base::bounded("the run ended abruptly: " + u.error, kMaxMessageBytes);
    store.begin();
    try {
      std::int64_t id = store.create_run(r.started_at, false);
      r.run_id = id;
      store.finish_run(id, "failed", r.finished_at, r.json_text());
      store.commit();
    } catch (...) {
      store.rollback();
      throw;
    }
    spdlog::error("the run started {} ended abruptly ({}); recorded as failed run {}", r.started_at, u.error, r.run_id);
  }
}

}  // namespace

RunReport run_sync(const config::Config& cfg, plugin::PluginRegistry& registry, const SyncOptions& options) {
  base::BackgroundDisposal disposal;  // destroyed last: waits for what it frees
  RunReport report;
  report.dry_run = options.dry_run;
  report.started_at = base::now_iso();
  // Before the plugins: their code (configure, read, export, their destructors) runs in this
  // process unless isolated, and may end it; the guard makes sure that end has a word.
  RunGuard guard(unfinished_run_note(cfg), report.started_at);
  PreparedPlugins plugins = [&] {
    StageTimer t(report, "prepare");
    return prepare_plugins(cfg, registry, options.dry_run);
  }();

  const bool existed = store_exists(cfg);
  std::unique_ptr<store::Store> store;
  try {
    store = open_store(cfg, true);
  } catch (const std::exception& e) {
    report.status = "failed";
    report.error = base::bounded(e.what(), kMaxMessageBytes);
    return report;
  }
  store->lock_runs(options.dry_run ? "a dry run" : "a sync");  // LockedError: exit code 4
  try {
    record_unfinished_runs(cfg, *store);
  } catch (const std::exception& e) {
    report.status = "failed";
    report.error = base::bounded(std::string("recording a run that ended abruptly: ") + e.what(), kMaxMessageBytes);
    return report;
  }
  try {
    store->set_reference_checks(false);  // kept by construction; `hopnhat store check` verifies them
    store->begin();
  } catch (const std::exception& e) {
    report.status = "failed";
    report.error = base::bounded(e.what(), kMaxMessageBytes);
    return report;
  }
  std::int64_t run_id = 0;
  try {
    run_id = store->create_run(report.started_at, options.dry_run);
    report.run_id = run_id;
    RunChanges changes;  // of the sources that succeeded
    std::optional<base::KeepFreedPages> keep_pages(std::in_place);  // batches reuse the pages of the ones before
    for (auto& src : plugins.sources) {
      SourceReport& rep = report.sources.emplace_back();
      rep.name = src.use->name;
      StageTimer t(report, "import");
      store->savepoint("source");
      try {
        RunChanges of_source;
        import_source(*store, run_id, src, rep, of_source);
        store->release("source");
        changes.deleted.merge(of_source.deleted);
        std::move(of_source.held.begin(), of_source.held.end(), std::back_inserter(changes.held));
      } catch (const SourceFailure& e) {
        rep.error = base::bounded(e.what(), kMaxMessageBytes);
        if (!src.use->keep_previous_on_error) throw SourceFailure("source " + rep.name + ": " + e.what());
        // on_error: keep_previous — undo this source alone; its last good records stay.
        store->rollback_to("source");
        store->release("source");
        rep.read = rep.new_records = rep.changed = rep.unchanged = rep.deleted = 0;
        rep.notes.push_back("the source failed and keeps its previous records (on_error: keep_previous)");
        report.partial = true;
        spdlog::error("source {}: {}; keeping its previous records", rep.name, e.what());
        continue;
      }
      spdlog::info("source {}: read {}, new {}, changed {}, unchanged {}, deleted {}, failed {}", rep.name, rep.read,
                   rep.new_records, rep.changed, rep.unchanged, rep.deleted, rep.failed);
    }
    keep_pages.reset();  // gives back what the readers' and normalisers' threads dropped
    {
      StageTimer t(report, "reconcile");
      run_phase("", "reconcile");
      reconcile(*store, run_id, cfg.match, merge::SurvivorshipRules{cfg.source_priority, cfg.field_priority, {}},
                std::move(changes), {options.rematch, options.keep_model}, report, disposal);
    }
    if (cfg.organisation) {
      StageTimer t(report, "units");
      run_phase("", "units");
      const RegistryChanges changes = store_registry(*store, run_id, *cfg.organisation);
      report.units.registry_added = changes.added;
      report.units.registry_changed = changes.changed;
      report.units.registry_removed = changes.removed;
      keep_unit_cases(*store, run_id, *cfg.organisation, org::today_iso(), report);
    }
    {
      // Exporters run in a dry run too: they see ctx.dry_run() and only say what they would do.
      StageTimer t(report, "export");
      const org::PositionLevels levels(cfg.head_titles, cfg.deputy_titles);
      for (auto& exp : plugins.exports) {
        ExportReport& rep = report.exports.emplace_back();
        rep.name = exp.use->name;
        std::string error = run_export(*store, run_id, report, exp, rep, options.full_export, cfg.organisation.get(), &levels);
        if (!error.empty()) throw SourceFailure(error);
      }
    }
    report.status = report.partial ? "partial" : "succeeded";
    report.finished_at = base::now_iso();
    if (auto head = store->last_audit()) report.audit_head = std::make_pair(head->seq, head->hash);
    store->finish_run(run_id, report.status, report.finished_at, report.json_text());
    if (!options.dry_run) report.runs_pruned = store->prune_runs(cfg.keep_runs);
    run_phase("", "commit");
    if (options.dry_run) store->rollback();
    else store->commit();
    guard.outcome_recorded(report.summary(), report.json_text(2), options.report_path,
                           report.partial ? base::kExitPartial : base::kExitOk);
  } catch (const std::exception& e) {
    report.status = "failed";
    report.error = base::bounded(e.what(), kMaxMessageBytes);
    report.finished_at = base::now_iso();
    try {
      store->rollback();
    } catch (...) {
    }
    store.reset();
    if (!existed) {  // a failed first run leaves no store behind
      for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"})
        std::filesystem::remove(cfg.sqlite_path.string() + suffix);
    } else if (!options.dry_run) {
      // Record the failure itself (nothing else) so `runs` shows it.
      try {
        auto s = open_store(cfg, false);
        s->begin();
        std::int64_t id = s->create_run(report.started_at, false);
        report.run_id = id;
        s->finish_run(id, "failed", report.finished_at, report.json_text());
        s->commit();
      } catch (const std::exception& e2) {
        spdlog::error("could not record the failed run: {}", e2.what());
      }
    }
    guard.outcome_recorded(report.summary(), report.json_text(2), options.report_path, base::kExitFailed);
  }
  unload(plugins);
  return report;
}

}  // namespace hopnhat::sync
