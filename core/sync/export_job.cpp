#include "sync/export_job.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include <absl/container/flat_hash_map.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "base/elapsed.hpp"
#include "base/parallel.hpp"
#include "base/threads.hpp"
#include "sync/run_guard.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "merge/golden_reader.hpp"
#include "sync/timelines.hpp"

namespace hopnhat::sync {

namespace {

// What an export needs besides the golden values, gathered before the persons stream by. The
// live links come from the store in the order the persons stream (byte order of their ids) and
// are taken in a walk beside the stream; cases and history, few, sit in open-addressing maps.
struct ExportContext {
  struct Link {
    std::string person_id;
    sdk::LinkedRecord record;
  };
  std::vector<Link> links;  // by person id, then (source, record id)
  std::size_t next = 0;     // the walk's place in links
  absl::flat_hash_map<std::string, std::vector<sdk::PersonConflict>> conflicts_of;
  absl::flat_hash_map<std::string, std::vector<sdk::ValueChange>> history_of;
  std::unique_ptr<Timelines> timelines;  // needs.timeline

  /// The person's timeline (its golden values read); with a registry, a person no record dates
  /// has the one undated posting their golden values stand for. Read-only: any thread.
  std::vector<sdk::PersonPeriod> timeline_of(const sdk::PersonRecord& p) const {
    return timelines ? timelines->of_or_golden(p.person_id, p.value("org_unit"), p.value("party_unit"), p.value("position"))
                     : std::vector<sdk::PersonPeriod>{};
  }

  /// Sets `p` to the person `id` with its records, cases and history (not its golden values;
  /// its buffers reused). Persons must be asked for in id order: the walk over the links needs it.
  void fill(std::string_view id, sdk::PersonRecord& p) {
    p.person_id.assign(id);
    p.records.clear();
    while (next < links.size() && links[next].person_id < p.person_id) ++next;
    for (; next < links.size() && links[next].person_id == p.person_id; ++next) p.records.push_back(std::move(links[next].record));
    p.conflicts.clear();
    p.history.clear();
    if (auto it = conflicts_of.find(p.person_id); it != conflicts_of.end()) p.conflicts = std::move(it->second);
    if (auto it = history_of.find(p.person_id); it != history_of.end()) p.history = std::move(it->second);
  }
};

// Of every person, or of those in `only` (in id order).
ExportContext gather_context(store::Store& store, const ExportNeeds& needs, const std::vector<std::string>* only = nullptr) {
  ExportContext ctx;
  const auto start = std::chrono::steady_clock::now();
  auto take = [&ctx](store::LinkRow&& l) {  // in (person id, source, record id) order
    ctx.links.push_back({std::move(l.person_id), {std::move(l.source), std::move(l.record_id), std::move(l.status), {}}});
  };
  if (only) store.each_live_link_of(*only, take);
  else store.each_live_link(take);
  if (needs.attributes) {
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> attributes;  // "source\x1fid" → columns
    auto keep = [&](store::StoredRecord& r) { attributes[r.record.source + '\x1f' + r.record.id] = std::move(r.record.attributes); };
    if (only) {
      std::vector<std::pair<std::string, std::string>> keys;
      for (const auto& l : ctx.links) keys.emplace_back(l.record.source, l.record.record_id);
      for (auto& r : store.records_in(keys)) keep(r);
    } else {
      for (auto& r : store.active_records()) keep(r);
    }
    for (auto& l : ctx.links)
      if (auto it = attributes.find(l.record.source + '\x1f' + l.record.record_id); it != attributes.end())
        l.record.attributes = std::move(it->second);
  }
  spdlog::debug("export: {} live links read in {:.2f} s", ctx.links.size(),
                base::seconds_since(start));
  for (const auto& c : store.conflicts(true)) ctx.conflicts_of[c.person_id].push_back({c.field, c.kind});
  if (needs.timeline)
    ctx.timelines = std::make_unique<Timelines>(store, needs.registry, needs.levels ? *needs.levels : org::PositionLevels());
  if (needs.history)
    for (auto& c : store.person_changes(""))
      ctx.history_of[c.person_id].push_back({c.run_id, c.changed_at, c.field, std::move(c.old_value), std::move(c.new_value)});
  return ctx;
}

// The living persons' ids and stored golden texts, read in one pass over the store: packed in
// 16 MiB chunks (a million persons take about 560 MB, without an allocation each), they give
// both the fields present, which the exporter needs before the first person, and the persons.
class PersonTexts {
 public:
  struct Entry {
    std::string_view id, golden;
  };

  void add(std::string_view id, std::string_view golden) { entries_.push_back({copy(id), copy(golden)}); }
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::string_view copy(std::string_view text) {
    if (free_ < text.size()) {
      const std::size_t size = std::max<std::size_t>(std::size_t{16} << 20, text.size());
      chunks_.push_back(std::make_unique_for_overwrite<char[]>(size));
      next_ = chunks_.back().get();
      free_ = size;
    }
    if (!text.empty()) std::memcpy(next_, text.data(), text.size());
    std::string_view out(next_, text.size());
    next_ += text.size();
    free_ -= text.size();
    return out;
  }

  std::vector<std::unique_ptr<char[]>> chunks_;
  char* next_ = nullptr;
  std::size_t free_ = 0;
  std::vector<Entry> entries_;
};

// The canonical fields some living person has a golden value for, in canonical order.
std::vector<std::string> present_fields(const PersonTexts& texts, std::vector<merge::GoldenReader>& readers) {
  const auto& entries = texts.entries();
  std::vector<std::set<std::string, std::less<>>> present(readers.size());
  base::parallel_slices(entries.size(), [&](std::size_t b, std::size_t e, unsigned w) {
    std::string id;
    for (std::size_t k = b; k < e; ++k) {
      id.assign(entries[k].id);
      readers[w].add_fields(id, entries[k].golden, present[w]);
    }
  });
  std::vector<std::string> out;
  for (const auto& f : sdk::kCanonicalFields)
    if (std::any_of(present.begin(), present.end(), [&](const auto& p) { return p.contains(f.name); })) out.emplace_back(f.name);
  return out;
}

}  // namespace

void each_export_person(store::Store& store, const ExportNeeds& needs, std::vector<std::string>& fields,
                        const std::function<bool(const std::vector<std::string>&)>& begin,
                        const std::function<bool(const sdk::PersonRecord&)>& visit) {
  auto t0 = std::chrono::steady_clock::now();
  PersonTexts texts;
  store.each_person([&](store::PersonRow&& row) {
    if (!row.retired_run) texts.add(row.id, row.golden);
  });
  std::vector<merge::GoldenReader> readers(base::worker_count(std::numeric_limits<std::size_t>::max()));  // one per worker
  fields = present_fields(texts, readers);
  if (!begin(fields)) return;
  const double seconds_fields = base::seconds_since(t0);
  auto t1 = std::chrono::steady_clock::now();
  ExportContext ctx = gather_context(store, needs);
  spdlog::debug("export: persons read and fields present found in {:.2f} s, links and cases gathered in {:.2f} s",
                seconds_fields, base::seconds_since(t1));
  // A batch's golden records are parsed on every core while another thread hands the batch
  // before it to the exporter (which is called from that one thread, in person order). The two
  // batches take turns: each comes back to be filled again, its persons' maps and strings reused
  // (most persons have the same fields), so a million persons cost few allocations.
  constexpr std::size_t kBatch = 2048;
  const auto& entries = texts.entries();
  std::vector<sdk::PersonRecord> batch, spare;
  base::AsyncTask<bool> in_flight;  // the exporter's answer for `spare`, in its hands: go on?
  bool go_on = true;
  double waited = 0;
  auto t2 = std::chrono::steady_clock::now();
  for (std::size_t from = 0; go_on && from < entries.size(); from += kBatch) {
    const std::size_t n = std::min(kBatch, entries.size() - from);
    if (batch.size() < n) batch.resize(n);
    for (std::size_t k = 0; k < n; ++k) ctx.fill(entries[from + k].id, batch[k]);
    base::parallel_slices(
        n,
        [&](std::size_t b, std::size_t e, unsigned w) {
          for (std::size_t k = b; k < e; ++k) {
            readers[w].read(batch[k].person_id, entries[from + k].golden, batch[k].fields);
            if (needs.timeline) batch[k].timeline = ctx.timeline_of(batch[k]);
          }
        },
        256);
    auto w0 = std::chrono::steady_clock::now();
    if (in_flight.valid()) go_on = in_flight.get();
    waited += base::seconds_since(w0);
    if (!go_on) break;
    std::swap(batch, spare);
    in_flight = base::run_async([&visit, &persons = spare, n] {
      for (std::size_t k = 0; k < n; ++k)
        if (!visit(persons[k])) return false;
      return true;
    });
  }
  if (in_flight.valid()) in_flight.get();
  spdlog::debug("export: streamed in {:.2f} s, waiting {:.2f} s for the exporter", base::seconds_since(t2), waited);
}

namespace {

// The persons whose view changed since a run: the living with their golden texts, the retired
// by id, each list in id order.
struct ChangedPersons {
  PersonTexts living;
  std::vector<std::string> retired;
};

ChangedPersons read_changed_persons(store::Store& store, std::int64_t since) {
  ChangedPersons out;
  store.each_person_changed_since(since, [&](store::PersonRow&& row) {
    if (row.retired_run) {
      out.retired.push_back(std::move(row.id));
    } else {
      out.living.add(row.id, row.golden);
    }
  });
  return out;
}

// Hands the changed persons to an exporter that patches its output: write() for the living,
// remove() for the retired, all in id order.
sdk::Status stream_changes(store::Store& store, const ExportNeeds& needs, ChangedPersons& changed, sdk::Exporter& exporter,
                           std::vector<merge::GoldenReader>& readers) {
  const auto& entries = changed.living.entries();
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const auto& e : entries) ids.emplace_back(e.id);
  ExportContext ctx = gather_context(store, needs, &ids);
  std::size_t next_retired = 0;
  sdk::PersonRecord p;
  auto remove_before = [&](const std::string* id) {  // the retired ones that sort before `id` (all when null)
    for (; next_retired < changed.retired.size() && (!id || changed.retired[next_retired] < *id); ++next_retired)
      if (sdk::Status st = exporter.remove(changed.retired[next_retired]); !st) return st;
    return sdk::Status::ok();
  };
  for (std::size_t k = 0; k < entries.size(); ++k) {
    if (sdk::Status st = remove_before(&ids[k]); !st) return st;
    ctx.fill(ids[k], p);
    readers[0].read(p.person_id, entries[k].golden, p.fields);
    if (needs.timeline) p.timeline = ctx.timeline_of(p);
    if (sdk::Status st = exporter.write(p); !st) return st;
  }
  return remove_before(nullptr);
}

}  // namespace

std::string run_export(store::Store& store, std::int64_t run_id, const RunReport& run, PreparedExport& exp,
                       ExportReport& rep, bool full_export, const org::OrgRegistry* registry,
                       const org::PositionLevels* levels) {
  // The export's plugin code runs from here to finish(): an abrupt end names it (RunGuard).
  run_phase("the plugin of export " + exp.use->name + " (" + exp.use->plugin + ")", "export");
  sdk::ExportHeader header;
  header.run_id = run_id;
  header.run_started_at = run.started_at;
  for (const auto& s : run.sources)
    header.sources.push_back({s.name, s.read, s.new_records, s.changed, s.unchanged, s.deleted, s.failed, s.error});
  if (registry) {
    header.units = registry->map().units();
    header.crosswalk = registry->map().crosswalk();
  }
  const ExportNeeds needs{exp.needs_attributes, exp.needs_history, exp.needs_timeline, registry, levels};
  sdk::Status st;
  bool begun = false;
  rep.mode = "full";
  // An exporter that described its last output may bring it up to date: offered when the same
  // plugin wrote it in an earlier run and the persons changed since bring no new field (the
  // output keeps its columns; one that no person has any more stays until a full export).
  std::optional<store::ExportState> last;
  if (!full_export) last = store.export_state(exp.use->name);
  if (last && last->plugin == exp.use->plugin && !last->state.empty() && last->run_id > 0 && last->run_id < run_id) {
    ChangedPersons changed = read_changed_persons(store, last->run_id);
    std::vector<merge::GoldenReader> readers(base::worker_count(std::numeric_limits<std::size_t>::max()));
    std::vector<std::string> fields = present_fields(changed.living, readers);
    if (std::all_of(fields.begin(), fields.end(), [&](const std::string& f) {
          return std::find(last->fields.begin(), last->fields.end(), f) != last->fields.end();
        })) {
      header.fields = last->fields;
      header.previous_state = last->state;
      header.previous_run = last->run_id;
      sdk::ExportPlan plan;
      st = exp.exporter->begin(header, plan);
      begun = true;
      if (st && plan.changes_only) {
        rep.mode = "changes";
        rep.since_run = last->run_id;
        st = stream_changes(store, needs, changed, *exp.exporter, readers);
      }
    }
  }
  if (st && rep.mode == "full") {
    // Persons stream to the exporter: a million golden records (as opposed to their stored
    // text) are never all in memory.
    std::vector<std::string> present;
    each_export_person(
        store, needs, present,
        [&](const std::vector<std::string>& fields) {
          if (begun) return true;  // offered a patch and declined: it has its header
          header.fields = fields;
          sdk::ExportPlan plan;
          st = exp.exporter->begin(header, plan);
          if (st && plan.changes_only)  // it would take every person for a change: no way to patch
            st = sdk::Status::internal("the exporter answered changes_only without a previous state to patch");
          return static_cast<bool>(st);
        },
        [&](const sdk::PersonRecord& p) {
          st = exp.exporter->write(p);
          return static_cast<bool>(st);
        });
  }
  sdk::ExportResult result;
  if (st) st = exp.exporter->finish(result);
  if (!st) return "export " + exp.use->name + ": " + st.message();
  rep.written = result.written;
  rep.removed = result.removed;
  rep.target = result.target;
  // Kept with the run: a run that fails or is dry leaves the last state as it was.
  store.put_export_state(exp.use->name, {exp.use->plugin, result.state, header.fields, run_id});
  return "";
}

}  // namespace hopnhat::sync
