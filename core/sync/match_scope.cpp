#include "sync/match_scope.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <span>

#include <absl/container/flat_hash_map.h>

#include "base/elapsed.hpp"
#include "base/memory.hpp"
#include "base/parallel.hpp"
#include "base/threads.hpp"
#include "match/features.hpp"

namespace hopnhat::sync {

std::string record_key(const std::string& source, const std::string& id) { return source + '\x1f' + id; }

std::size_t RunChanges::stored_count() const {
  std::size_t n = 0;
  for (const auto& batch : held) n += batch.ids.size();
  return n;
}

absl::flat_hash_set<std::string> RunChanges::stored_keys() const {
  absl::flat_hash_set<std::string> keys;
  keys.reserve(stored_count());
  for (const auto& batch : held)
    for (const auto& id : batch.ids) keys.insert(record_key(batch.source, id));
  return keys;
}

namespace {

using Clock = std::chrono::steady_clock;

// Where each held record's values are: batch and place, by source and record id.
using HeldIndex = absl::flat_hash_map<std::pair<std::string_view, std::string_view>, std::pair<std::uint32_t, std::uint32_t>>;

HeldIndex index_held(const std::vector<HeldValues>& held) {
  HeldIndex where;
  std::size_t n = 0;
  for (const auto& h : held) n += h.ids.size();
  where.reserve(n);
  for (std::uint32_t b = 0; b < held.size(); ++b)
    for (std::uint32_t k = 0; k < held[b].ids.size(); ++k) where.emplace(std::pair{std::string_view(held[b].source), std::string_view(held[b].ids[k])}, std::pair{b, k});
  return where;
}

// Normalised values: those of the records run `held_run` stored are held (`held`, indexed by
// `where`); the rest were kept when each record last changed; older stores lack them. The raw
// fields are freed once normalised: from here on only the normalised values are used.
std::vector<text::NormalizedFields> normalize_all(std::vector<store::StoredRecord>& records, std::int64_t held_run,
                                                  std::vector<HeldValues>& held, const HeldIndex& where) {
  std::vector<text::NormalizedFields> out(records.size());
  base::parallel_slices(records.size(), [&](std::size_t b, std::size_t e, unsigned) {
    for (std::size_t i = b; i < e; ++i) {
      const std::string& n = records[i].normalized;
      if (held_run && records[i].changed_run == held_run) {
        const auto& r = records[i].record;
        auto at = where.find(std::pair{std::string_view(r.source), std::string_view(r.id)});
        if (at == where.end())  // every record a run stores is held: a broken promise, not bad data
          throw std::logic_error("matching: the normalised values of record " + r.id + " of source " + r.source +
                                 ", stored by this run, are not held");
        out[i] = std::move(held[at->second.first].values[at->second.second]);
      } else if (n.empty() || n == "{}") out[i] = text::normalize_record(records[i].record.fields);
      else out[i] = text::normalized_from_json(n);
      std::map<std::string, std::string>().swap(records[i].record.fields);
      std::string().swap(records[i].normalized);
    }
  });
  return out;
}

// The same where nothing is held (the records an incremental run reads back).
std::vector<text::NormalizedFields> normalize_all(std::vector<store::StoredRecord>& records) {
  std::vector<HeldValues> none;
  return normalize_all(records, 0, none, HeldIndex{});
}

std::vector<const sdk::SourceRecord*> inputs_of(const std::vector<store::StoredRecord>& records) {
  std::vector<const sdk::SourceRecord*> inputs(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) inputs[i] = &records[i].record;
  return inputs;
}

// Each record's match keys, flat, for its link.
void keep_keys(const match::FeatureTable& f, MatchScope& scope) {
  scope.key_width = f.key_width();
  scope.keys.resize(f.size() * scope.key_width);
  for (std::size_t i = 0; i < f.size(); ++i) f.keys_to(i, &scope.keys[i * scope.key_width]);
}

}  // namespace

MatchScope full_scope(store::Store& store, const match::MatchSettings& settings, const match::ModelParameters* model,
                      std::int64_t run_id, std::vector<HeldValues> held, bool dry_run,
                      const std::function<void(store::PersonRow&)>& on_person, const std::function<void(const char*)>& stage) {
  MatchScope scope;
  // Raw attributes are read only when the match settings compare or block on one; those reads
  // bring every record's normalised values, and the held ones are not needed.
  const std::int64_t held_run = settings.uses_attributes() ? 0 : run_id;
  if (!held_run) std::vector<HeldValues>().swap(held);
  auto indexing = base::run_async([&held] { return index_held(held); });  // while the store reads
  scope.records = held_run ? store.active_records_for_matching(held_run) : store.active_records();
  {
    auto rows = store.links();
    scope.links.reserve(rows.size());
    for (auto& l : rows) scope.links.emplace(record_key(l.source, l.record_id), std::move(l));
  }
  store.each_person([&](store::PersonRow&& p) {
    on_person(p);
    std::string id = p.id;
    scope.persons.emplace(std::move(id), std::move(p));
  });
  scope.normalized = normalize_all(scope.records, held_run, held, indexing.get());
  std::vector<HeldValues>().swap(held);
  store.release_memory();        // its page cache: matching needs the memory, not the store
  base::release_free_memory();  // the fields and their JSON, dropped by normalize_all's threads
  stage("load");

  scope.current.resize(scope.records.size());
  for (std::size_t i = 0; i < scope.records.size() && !scope.links.empty(); ++i) {  // empty: a first run
    const auto& r = scope.records[i].record;
    auto l = scope.links.find(record_key(r.source, r.id));
    if (l != scope.links.end() && l->second.status != "deleted") {
      auto p = scope.persons.find(l->second.person_id);
      if (p != scope.persons.end() && !p->second.retired_run) scope.current[i] = l->second.person_id;
    }
  }
  scope.decisions = std::make_unique<RunDecisions>(store, scope.records, dry_run);
  // What only matching needs is freed as soon as it is done: the peak of a run is here.
  auto t0 = Clock::now();
  auto features = std::make_unique<match::FeatureTable>(inputs_of(scope.records), settings, &scope.normalized);
  double feature_seconds = base::seconds_since(t0);
  if (model) {
    match::MatchStats stats;
    auto t = Clock::now();
    auto pairs = match::block_pairs(*features, settings, stats);
    double blocking = base::seconds_since(t);
    scope.result = match::match_with_model(*features, settings, *model, std::move(pairs), scope.decisions->pairs());
    scope.result.stats.skipped_blocks = stats.skipped_blocks;
    scope.result.stats.seconds_blocking = blocking;
  } else {
    scope.result = match::run_matching(*features, settings, scope.decisions->pairs());
  }
  keep_keys(*features, scope);
  features.reset();
  base::release_free_memory();  // matching's pairs, features and clusters
  scope.result.stats.seconds_features = feature_seconds;
  scope.result.stats.all_records = scope.records.size();
  return scope;
}

namespace {

// Every active record as the links know it, with its match keys; the region grows over these.
class RecordIndex {
 public:
  explicit RecordIndex(const match::MatchSettings& settings) : settings_(settings), frequencies_(settings) {}

  struct Node {
    const std::string* source;
    const std::string* id;
    std::int64_t link = -1;   // index into links, or -1 for a record new to matching
    std::string_view person;  // its person before this run (in links), or ""
  };

  std::vector<store::LinkRow> links;         // every stored link, byte order
  std::vector<store::StoredRecord> fresh;    // records matched for the first time (no live link)
  std::vector<Node> nodes;                   // every active record, byte order
  std::vector<std::uint64_t> keys;           // per node: blocks then terms (MatchKeys)
  std::size_t width = 0;

  /// After every node has its keys: the blocks, term frequencies and persons' members.
  void build() {
    const std::size_t rules = settings_.blocking.size();
    blocks_.assign(rules, {});
    // A few large sorts, on other threads while this one counts terms and indexes persons.
    auto sorting = base::run_async([&] {
      base::parallel_slices(
          rules,
          [&](std::size_t from, std::size_t to, unsigned) {
            for (std::size_t b = from; b < to; ++b) {
              for (std::size_t n = 0; n < nodes.size(); ++n)
                if (std::uint64_t k = keys[n * width + b]) blocks_[b].emplace_back(block_of(b, k), static_cast<std::uint32_t>(n));
              std::sort(blocks_[b].begin(), blocks_[b].end());
            }
          },
          1);
    });
    // Each person's members in one array (a million small vectors would each be an allocation).
    person_index_.reserve(nodes.size() / 2);
    std::vector<std::uint32_t> person_of(nodes.size(), kNone);
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      frequencies_.add_terms(&keys[n * width + rules], width - rules);
      if (nodes[n].person.empty()) continue;
      auto [it, fresh] = person_index_.emplace(nodes[n].person, static_cast<std::uint32_t>(person_index_.size()));
      person_of[n] = it->second;
    }
    frequencies_.finish();
    sorting.get();
    member_start_.assign(person_index_.size() + 1, 0);
    for (std::uint32_t p : person_of)
      if (p != kNone) ++member_start_[p + 1];
    for (std::size_t p = 1; p < member_start_.size(); ++p) member_start_[p] += member_start_[p - 1];
    members_.resize(member_start_.back());
    std::vector<std::uint32_t> next(member_start_.begin(), member_start_.end() - 1);
    for (std::size_t n = 0; n < nodes.size(); ++n)
      if (person_of[n] != kNone) members_[next[person_of[n]]++] = static_cast<std::uint32_t>(n);
  }

  /// The nodes sharing a block (not larger than max_block_size) with node n, n itself included
  /// (under a rule with when_one_lacks, only where one of the two lacks that value, as blocking
  /// pairs them).
  template <class Visit>
  void each_neighbour(std::uint32_t n, Visit&& visit) const {
    for (std::size_t b = 0; b < blocks_.size(); ++b) {
      const std::uint64_t stored = keys[n * width + b];
      if (!stored) continue;
      const std::uint64_t k = block_of(b, stored);
      const bool pairs_lacking = settings_.blocking[b].when_one_lacks.has_value(), lacks = match::MatchKeys::lacks(stored);
      auto lo = std::lower_bound(blocks_[b].begin(), blocks_[b].end(), std::pair<std::uint64_t, std::uint32_t>{k, 0});
      auto hi = lo;
      while (hi != blocks_[b].end() && hi->first == k) ++hi;
      if (static_cast<std::size_t>(hi - lo) > settings_.max_block_size) continue;
      for (auto it = lo; it != hi; ++it)
        if (!pairs_lacking || lacks || match::MatchKeys::lacks(keys[it->second * width + b])) visit(it->second);
    }
  }

  /// The nodes linked to `person`, in node order (none for a person without live links).
  std::span<const std::uint32_t> members(std::string_view person) const {
    auto it = person_index_.find(person);
    if (it == person_index_.end()) return {};
    return {members_.data() + member_start_[it->second], member_start_[it->second + 1] - member_start_[it->second]};
  }
  const match::TermFrequencies& frequencies() const { return frequencies_; }

 private:
  // The block a stored key of rule b names (MatchKeys::with_lacks under a rule with when_one_lacks).
  std::uint64_t block_of(std::size_t b, std::uint64_t stored) const {
    return settings_.blocking[b].when_one_lacks ? match::MatchKeys::block_of(stored) : stored;
  }

  const match::MatchSettings& settings_;
  std::vector<std::vector<std::pair<std::uint64_t, std::uint32_t>>> blocks_;
  match::TermFrequencies frequencies_;
  static constexpr std::uint32_t kNone = ~0u;
  absl::flat_hash_map<std::string_view, std::uint32_t> person_index_;  // views into links
  std::vector<std::uint32_t> member_start_;  // per person index: where its members start
  std::vector<std::uint32_t> members_;
};

// The loaded records of a region and their features, rebuilt as the region grows.
struct Loaded {
  absl::flat_hash_map<std::uint32_t, std::uint32_t> slot;  // node → index in records
  std::vector<store::StoredRecord> records;
  std::vector<text::NormalizedFields> normalized;
};

// A feature table over some loaded nodes, in node order (node → row). Its values live on the
// heap so that the table, which points at them, may be moved.
struct Table {
  std::unique_ptr<std::vector<text::NormalizedFields>> normalized = std::make_unique<std::vector<text::NormalizedFields>>();
  std::unique_ptr<match::FeatureTable> features;
  absl::flat_hash_map<std::uint32_t, std::uint32_t> row;
};

using base::seconds_since;

// The incremental run's steps, in order: list every active record with its keys, seed the
// region, grow it until closed, match it.
class Region {
 public:
  Region(store::Store& store, const match::MatchSettings& settings, const match::ModelParameters& model)
      : store_(store), settings_(settings), model_(model), index_(settings) {}

  // Every active record: live links in byte order, with the records new to matching merged in;
  // keys from the links, computed afresh for the records this run stored. False when the run
  // must match every record instead (too many changed, or keys missing).
  bool list_records(const RunChanges& changes) {
    index_.width = settings_.blocking.size() + settings_.term_width();
    index_.links = store_.links();
    seconds_links_ = seconds_since(t0_);

    const std::size_t live_links = static_cast<std::size_t>(
        std::count_if(index_.links.begin(), index_.links.end(), [](const auto& l) { return l.status != "deleted"; }));
    // Past the limit a run matches every record and trains a new model.
    if (static_cast<double>(changes.stored_count() + changes.deleted.size()) >
        settings_.incremental_limit * static_cast<double>(std::max<std::size_t>(live_links, 1)))
      return false;
    const absl::flat_hash_set<std::string> stored = changes.stored_keys();
    std::vector<char> live(index_.links.size(), 0);
    for (std::size_t i = 0; i < index_.links.size(); ++i) {
      const auto& l = index_.links[i];
      if (l.status == "deleted") {  // ended; its record may be back this run, and write to it
        if (stored.count(record_key(l.source, l.record_id))) ended_links_.push_back(static_cast<std::uint32_t>(i));
        continue;
      }
      if (!changes.deleted.empty() && changes.deleted.count(record_key(l.source, l.record_id)))
        deleted_links_.push_back(static_cast<std::uint32_t>(i));
      else live[i] = 1;
    }
    std::vector<std::pair<std::string, std::string>> to_load;  // records stored by this run
    to_load.reserve(stored.size());
    for (const auto& batch : changes.held)
      for (const auto& id : batch.ids) to_load.emplace_back(batch.source, id);
    std::vector<store::StoredRecord> changed = store_.records_in(to_load);
    std::sort(changed.begin(), changed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.record.source, a.record.id) < std::tie(b.record.source, b.record.id);
    });
    auto before = [](const std::string& s1, const std::string& i1, const std::string& s2, const std::string& i2) {
      return std::tie(s1, i1) < std::tie(s2, i2);
    };
    // Both in byte order: one walk finds which live links belong to a changed record.
    std::vector<std::int64_t> changed_of_link(index_.links.size(), -1);
    std::vector<char> linked(changed.size(), 0);
    for (std::size_t i = 0, c = 0; i < index_.links.size() && c < changed.size(); ++i) {
      if (!live[i]) continue;
      const auto& l = index_.links[i];
      while (c < changed.size() && before(changed[c].record.source, changed[c].record.id, l.source, l.record_id)) ++c;
      if (c < changed.size() && changed[c].record.source == l.source && changed[c].record.id == l.record_id) {
        changed_of_link[i] = static_cast<std::int64_t>(c);
        linked[c] = 1;
      }
    }
    std::vector<std::int64_t> changed_of_fresh;
    for (std::size_t i = 0; i < changed.size(); ++i)
      if (!linked[i]) {  // new, or back after a deletion
        index_.fresh.push_back(changed[i]);
        changed_of_fresh.push_back(static_cast<std::int64_t>(i));
      }
    std::vector<std::int64_t> changed_of_node;  // per node: index in `changed`, or -1
    for (std::size_t li = 0, ci = 0; li < index_.links.size() || ci < index_.fresh.size();) {
      while (li < index_.links.size() && !live[li]) ++li;
      const bool take_link = li < index_.links.size() &&
                             (ci >= index_.fresh.size() || before(index_.links[li].source, index_.links[li].record_id,
                                                                  index_.fresh[ci].record.source, index_.fresh[ci].record.id));
      if (take_link) {
        const auto& l = index_.links[li];
        index_.nodes.push_back({&l.source, &l.record_id, static_cast<std::int64_t>(li), l.person_id});
        changed_of_node.push_back(changed_of_link[li]);
        ++li;
      } else if (ci < index_.fresh.size()) {
        index_.nodes.push_back({&index_.fresh[ci].record.source, &index_.fresh[ci].record.id, -1, ""});
        changed_of_node.push_back(changed_of_fresh[ci]);
        ++ci;
      }
    }
    index_.keys.assign(index_.nodes.size() * index_.width, 0);
    for (std::size_t n = 0; n < index_.nodes.size(); ++n) {
      if (changed_of_node[n] >= 0) {
        changed_nodes_.push_back(static_cast<std::uint32_t>(n));
        continue;
      }
      const std::string& stored = index_.links[static_cast<std::size_t>(index_.nodes[n].link)].match_keys;
      if (!match::MatchKeys::decode_to(stored, index_.width, &index_.keys[n * index_.width]))
        return false;  // written by an older hopnhat, or under other settings
    }
    seconds_listed_ = seconds_since(t0_);
    std::vector<store::StoredRecord> recs;
    for (std::uint32_t n : changed_nodes_) recs.push_back(std::move(changed[static_cast<std::size_t>(changed_of_node[n])]));
    auto normalized = normalize_all(recs);
    match::FeatureTable f(inputs_of(recs), settings_, &normalized);
    for (std::size_t k = 0; k < changed_nodes_.size(); ++k) {
      f.keys_to(k, &index_.keys[changed_nodes_[k] * index_.width]);
      loaded_.slot.emplace(changed_nodes_[k], static_cast<std::uint32_t>(loaded_.records.size()));
      loaded_.records.push_back(std::move(recs[k]));
      loaded_.normalized.push_back(std::move(normalized[k]));
    }
    index_.build();
    seconds_indexed_ = seconds_since(t0_);
    return true;
  }

  // Seeds: what this run stored or deleted, and whatever administrators decided about.
  void seed() {
    in_region_.assign(index_.nodes.size(), 0);
    for (std::uint32_t n : changed_nodes_) add_node(n);
    for (std::uint32_t i : deleted_links_) add_person(index_.links[i].person_id);
    for (const auto& d : store_.decisions(false)) {
      if (d.kind == "same" || d.kind == "different") {
        for (const auto& [source, id] : d.records)
          if (auto n = node_of(source, id)) add_node(*n);
      } else if (!d.person_id.empty()) {
        add_person(d.person_id);
      }
    }
  }

  // Grow: a pair from the frontier that could join or review leads to that record's person.
  void grow() {
    while (!frontier_.empty()) {
      ++rounds_;
      std::vector<std::uint32_t> from;
      from.swap(frontier_);
      std::vector<std::pair<std::uint32_t, std::uint32_t>> pairs;  // (frontier node, outside node)
      std::vector<std::uint32_t> nodes = from;
      for (std::uint32_t x : from)
        index_.each_neighbour(x, [&](std::uint32_t y) {
          if (in_region_[y]) return;
          pairs.emplace_back(x, y);
          nodes.push_back(y);
        });
      if (pairs.empty()) continue;
      Table t = table_of(nodes);
      for (auto [x, y] : pairs) {
        if (in_region_[y]) continue;
        match::ScoredPair p = match::score_pair(*t.features, settings_, model_, t.row.at(x), t.row.at(y));
        if (p.identity_equal || p.probability >= settings_.candidate) add_node(y);
      }
    }
    seconds_grown_ = seconds_since(t0_);
  }

  // Match the region: its pairs are those blocking gives between its records.
  MatchScope match(bool dry_run, const std::function<void(store::PersonRow&)>& on_person,
                   const std::function<void(const char*)>& stage) {
    std::vector<std::uint32_t> region;
    for (std::size_t n = 0; n < index_.nodes.size(); ++n)
      if (in_region_[n]) region.push_back(static_cast<std::uint32_t>(n));
    load(region);
    MatchScope scope;
    scope.whole = false;
    absl::flat_hash_map<std::uint32_t, std::uint32_t> row;  // node → index in the scope
    for (std::uint32_t n : region) {
      std::uint32_t slot = loaded_.slot.at(n);
      row.emplace(n, static_cast<std::uint32_t>(scope.records.size()));
      scope.records.push_back(std::move(loaded_.records[slot]));
      scope.normalized.push_back(std::move(loaded_.normalized[slot]));
      scope.current.emplace_back(index_.nodes[n].person);
      if (index_.nodes[n].link >= 0) {
        auto& l = index_.links[static_cast<std::size_t>(index_.nodes[n].link)];
        scope.links.emplace(record_key(l.source, l.record_id), l);
      }
    }
    for (std::uint32_t i : deleted_links_) {
      auto& l = index_.links[i];
      scope.links.emplace(record_key(l.source, l.record_id), l);
    }
    for (std::uint32_t i : ended_links_) {  // records back after a deletion: seeds, so in the region
      auto& l = index_.links[i];
      scope.links.emplace(record_key(l.source, l.record_id), l);
    }
    stage("load");
    auto t1 = Clock::now();
    std::vector<std::uint64_t> pairs;
    for (std::uint32_t x : region)
      index_.each_neighbour(x, [&](std::uint32_t y) {
        if (y > x && in_region_[y]) pairs.push_back(static_cast<std::uint64_t>(row.at(x)) << 32 | row.at(y));
      });
    // Ordered and each once by CandidatePairs, as blocking gives them.
    match::CandidatePairs candidates = match::CandidatePairs::from_packed(scope.records.size(), pairs);
    std::vector<std::uint64_t>().swap(pairs);
    const double blocking = seconds_since(t1);

    scope.decisions = std::make_unique<RunDecisions>(store_, scope.records, dry_run);
    match::FeatureTable features(inputs_of(scope.records), settings_, &scope.normalized, &index_.frequencies());
    const double prepare = seconds_since(t0_) - blocking;
    scope.result = match::match_with_model(features, settings_, model_, std::move(candidates), scope.decisions->pairs());
    keep_keys(features, scope);
    scope.result.stats.seconds_features = prepare;
    scope.result.stats.seconds_blocking = blocking;
    scope.result.stats.incremental = true;
    scope.result.stats.all_records = index_.nodes.size();

    for (std::size_t n = 0; n < index_.nodes.size(); ++n)
      if (!in_region_[n] && index_.nodes[n].link >= 0 &&
          index_.links[static_cast<std::size_t>(index_.nodes[n].link)].status == "review")
        ++scope.review_outside;
    std::int64_t active_in_region = 0;
    for (auto& p : store_.persons_in(std::vector<std::string>(persons_.begin(), persons_.end()))) {
      on_person(p);
      if (!p.retired_run) ++active_in_region;
      std::string id = p.id;
      scope.persons.emplace(std::move(id), std::move(p));
    }
    scope.persons_outside = store_.active_person_count() - active_in_region;
    spdlog::debug("incremental matching: {} of {} records in {} rounds; links read by {:.2f} s, records listed by {:.2f} s, "
                  "index built by {:.2f} s, region grown by {:.2f} s",
                  scope.records.size(), index_.nodes.size(), rounds_, seconds_links_, seconds_listed_, seconds_indexed_,
                  seconds_grown_);
    return scope;
  }

 private:
  void add_node(std::uint32_t n) {
    if (in_region_[n]) return;
    in_region_[n] = 1;
    frontier_.push_back(n);
    if (!index_.nodes[n].person.empty()) add_person(std::string(index_.nodes[n].person));
  }

  void add_person(const std::string& person) {
    if (!persons_.insert(person).second) return;
    for (std::uint32_t n : index_.members(person)) add_node(n);
  }

  std::optional<std::uint32_t> node_of(const std::string& source, const std::string& id) const {  // nodes are in byte order
    auto it = std::lower_bound(index_.nodes.begin(), index_.nodes.end(), std::tie(source, id), [](const auto& node, const auto& key) {
      return std::tie(*node.source, *node.id) < key;
    });
    if (it == index_.nodes.end() || *it->source != source || *it->id != id) return std::nullopt;
    return static_cast<std::uint32_t>(it - index_.nodes.begin());
  }

  // Reads and normalises the records of `nodes` not loaded yet.
  void load(const std::vector<std::uint32_t>& nodes) {
    std::vector<std::pair<std::string, std::string>> want;
    for (std::uint32_t n : nodes)
      if (!loaded_.slot.count(n)) want.emplace_back(*index_.nodes[n].source, *index_.nodes[n].id);
    if (want.empty()) return;
    auto recs = store_.records_in(want);
    auto normalized = normalize_all(recs);
    for (std::size_t k = 0; k < recs.size(); ++k) {
      auto n = node_of(recs[k].record.source, recs[k].record.id);
      if (!n) continue;
      loaded_.slot.emplace(*n, static_cast<std::uint32_t>(loaded_.records.size()));
      loaded_.records.push_back(std::move(recs[k]));
      loaded_.normalized.push_back(std::move(normalized[k]));
    }
    for (std::uint32_t n : nodes)
      if (!loaded_.slot.count(n))
        throw std::runtime_error("the record " + *index_.nodes[n].source + ":" + *index_.nodes[n].id +
                                 " has a link but is not in the store");
  }

  Table table_of(std::vector<std::uint32_t> nodes) {
    std::sort(nodes.begin(), nodes.end());
    nodes.erase(std::unique(nodes.begin(), nodes.end()), nodes.end());
    load(nodes);
    Table t;
    std::vector<const sdk::SourceRecord*> inputs;
    for (std::size_t k = 0; k < nodes.size(); ++k) {
      std::uint32_t slot = loaded_.slot.at(nodes[k]);
      inputs.push_back(&loaded_.records[slot].record);
      t.normalized->push_back(loaded_.normalized[slot]);
      t.row.emplace(nodes[k], static_cast<std::uint32_t>(k));
    }
    t.features = std::make_unique<match::FeatureTable>(inputs, settings_, t.normalized.get(), &index_.frequencies());
    return t;
  }

  store::Store& store_;
  const match::MatchSettings& settings_;
  const match::ModelParameters& model_;
  RecordIndex index_;
  Loaded loaded_;
  std::vector<std::uint32_t> changed_nodes_;  // records this run stored
  std::vector<std::uint32_t> deleted_links_;  // links of records this run deleted
  std::vector<std::uint32_t> ended_links_;    // links ended before, of records this run stored again
  std::vector<char> in_region_;               // per node
  std::vector<std::uint32_t> frontier_;       // added to the region, their pairs not scored yet
  std::set<std::string> persons_;             // the persons the region holds
  std::size_t rounds_ = 0;
  Clock::time_point t0_ = Clock::now();
  double seconds_links_ = 0, seconds_listed_ = 0, seconds_indexed_ = 0, seconds_grown_ = 0;
};

}  // namespace

std::optional<MatchScope> incremental_scope(store::Store& store, const match::MatchSettings& settings,
                                            const match::ModelParameters& model, const RunChanges& changes, bool dry_run,
                                            const std::function<void(store::PersonRow&)>& on_person,
                                            const std::function<void(const char*)>& stage) {
  Region region(store, settings, model);
  if (!region.list_records(changes)) return std::nullopt;
  region.seed();
  region.grow();
  return region.match(dry_run, on_person, stage);
}

}  // namespace hopnhat::sync
