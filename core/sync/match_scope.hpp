// What a run matches: every active record (a full run), or only the records near those that
// changed (an incremental run), and the persons, links and decisions that go with them.
//
// An incremental run starts from the records new, changed or deleted in this run and the
// persons they belonged to, and adds every record whose pair with one of them scores at or above
// `candidate` (or shares a valid citizen ID) — with all the records of its person — until no
// pair leads outside. Such a region is closed: every pair that could join or review its records
// lies inside it, so matching it under the last run's model gives its records the clusters a
// match of every record under that model gives them, and the persons outside keep theirs. Term
// frequencies are counted over every active record from the keys kept on the links.
//
// Not thread-safe; uses the store it is given from the calling thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_set.h>

#include "match/engine.hpp"
#include "match/settings.hpp"
#include "store/store.hpp"
#include "sync/decisions.hpp"
#include "text/normalize.hpp"

namespace hopnhat::sync {

/// The normalised values of a batch of records a run stored, as its import made them.
struct HeldValues {
  std::string source;
  std::vector<std::string> ids;
  std::vector<text::NormalizedFields> values;  // values[k] of ids[k]
};

/// The records this run stored (new or changed) and marked deleted.
struct RunChanges {
  // The records stored, with their normalised values. A full run takes the values from here
  // instead of reading back and parsing what it has just written: at two million records that
  // reading was most of loading them. The same values either way (to_json_text round-trips).
  // Each stored record is in exactly one batch (a read's ids are unique), so this is also the
  // list of them: a set of their keys, which the store's thread used to fill, cost a sixth of
  // its time at a million persons and only an incremental run reads it (stored_keys()).
  std::vector<HeldValues> held;
  absl::flat_hash_set<std::string> deleted;  // by record_key()

  /// How many records this run stored.
  std::size_t stored_count() const;
  /// The records this run stored, by record_key().
  absl::flat_hash_set<std::string> stored_keys() const;
};

std::string record_key(const std::string& source, const std::string& id);

struct MatchScope {
  bool whole = true;  // every active record; otherwise a closed region of them
  std::vector<store::StoredRecord> records;        // in (source, record id) byte order
  std::vector<text::NormalizedFields> normalized;  // parallel to records
  std::vector<std::string> current;                // per record: its person before this run, or ""
  std::vector<std::uint64_t> keys;  // per record, key_width of them: its MatchKeys flat, for its link
  std::size_t key_width = 0;
  /// By record_key(): the links of the records, and of records deleted this run.
  std::unordered_map<std::string, store::LinkRow> links;
  /// The persons those links name (every person, in a full run), by id.
  std::map<std::string, store::PersonRow> persons;
  std::int64_t persons_outside = 0;  // persons not retired that the region does not hold
  std::int64_t review_outside = 0;   // records waiting for review that the region does not hold
  std::unique_ptr<RunDecisions> decisions;
  match::MatchResult result;
};

/// Every active record, matched with a newly trained model or, when `model` is given, under it.
/// `held` are the normalised values of every record run `run_id` stored (RunChanges::held),
/// taken from there. `persons` visits each stored person once (the caller keeps what it needs of
/// the golden text). `stage(name)` is called when loading ends ("load"), for the run report's
/// stage durations.
MatchScope full_scope(store::Store& store, const match::MatchSettings& settings, const match::ModelParameters* model,
                      std::int64_t run_id, std::vector<HeldValues> held, bool dry_run,
                      const std::function<void(store::PersonRow&)>& on_person, const std::function<void(const char*)>& stage);

/// The region around `changes`, matched under `model`; nullopt when more than
/// `settings.incremental_limit` of the records changed, or the store lacks the match keys of
/// some record (written by an older hopnhat): then the run must match every record.
std::optional<MatchScope> incremental_scope(store::Store& store, const match::MatchSettings& settings,
                                            const match::ModelParameters& model, const RunChanges& changes, bool dry_run,
                                            const std::function<void(store::PersonRow&)>& on_person,
                                            const std::function<void(const char*)>& stage);

}  // namespace hopnhat::sync
