// The matcher: Fellegi–Sunter record linkage over all active records of a run.
//
//   blocking    candidate pairs share the key of at least one blocking rule
//   comparing   each pair gets a level per comparison (features.hpp)
//   training    m and u per level, and the share of matches, by expectation–maximisation over the
//               candidate pairs (no labels needed), starting from u measured on random pairs
//   scoring     match weight = prior + Σ log2(m/u), u scaled by term frequency where configured
//   clustering  pairs at or above `definite` join records, strongest first, when the two clusters
//               resemble each other as wholes (whole_resemblance: the mean over their identity
//               units' pairs reaches `candidate`: no chaining through one record), never putting two
//               contradicting valid citizen IDs in one cluster (two or more digits apart, or
//               different embedded century, gender or year), nor two whose full dates, names or
//               units two sources each attest differ (attested_values_differ), nor two records
//               of one source unalike as duplicates when sources keep one record per person
//               (same_source_apart); equal valid
//               citizen IDs always join. A record without a citizen ID whose pair into one person
//               does not beat its pair into another by the odds `definite` asks joins neither
//               (MatchStats::ambiguous)
//   review      pairs between `candidate` and `definite` (or refused above) whose records ended in
//               different clusters become review cases, unless the two clusters cannot be one
//               person and each record is held in its own by a stronger link
//
// Deterministic for a given input order. Not thread-safe per call (it uses two worker threads
// internally for comparisons).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "match/features.hpp"
#include "match/settings.hpp"

namespace hopnhat::match {

struct ModelParameters {
  double lambda = 0.01;                    // share of candidate pairs that are matches
  std::vector<std::vector<double>> m, u;   // per comparison, per level

  std::vector<std::vector<std::string>> level_names;  // as stored (from_json); empty when built here

  nlohmann::json to_json(const MatchSettings& settings) const;
  static ModelParameters from_json(const nlohmann::json& j);
  /// Whether the model scores `settings`' comparisons with this hopnhat's levels: one entry per
  /// comparison, as many levels, and (when stored with their names) the same ones. A model a
  /// store kept from a hopnhat whose comparisons had other levels does not fit: its m and u
  /// would be read at the wrong level, or past the end.
  bool fits(const MatchSettings& settings) const;
};

struct ScoredPair {
  std::uint32_t a = 0, b = 0;  // record indices, a < b
  double weight = 0;
  double probability = 0;
  bool identity_equal = false;     // both carry the same valid citizen ID
  /// Both carry valid citizen IDs one keystroke apart (text::CitizenIdRelation::kOneKeystroke):
  /// joined only when the whole evidence reaches `definite`.
  bool identity_near = false;
  /// Both carry valid citizen IDs that cannot be one number (two or more digits apart, or the
  /// embedded century, gender or year differ): never joined automatically.
  bool identity_conflict = false;
};

struct MatchStats {
  std::size_t records = 0;
  std::size_t candidate_pairs = 0;
  std::size_t skipped_blocks = 0;  // blocks larger than max_block_size
  double seconds_features = 0, seconds_blocking = 0, seconds_comparing = 0, seconds_training = 0, seconds_clustering = 0;
  int em_iterations = 0;
  bool supervised = false;  // m learnt from pairs sharing a valid citizen ID
  std::map<std::size_t, std::size_t> cluster_sizes;  // records per cluster → clusters of that size
  std::size_t largest_cluster = 0;
  std::size_t linkage_checks = 0;   // joins of clusters weighed as wholes (more than two records)
  std::size_t linkage_refused = 0;  // of them, refused: one strong pair, too little resemblance overall
  /// Joins left to a person because a record without a citizen ID resembles two persons about
  /// equally (its pair into the one not clearly stronger than into the other).
  std::size_t ambiguous = 0;
  /// Pairs between `candidate` and `definite` (or refused) that open no review case: their two
  /// persons cannot be one, and each record is held in its own more strongly than by this pair.
  std::size_t review_settled = 0;
  bool incremental = false;     // only the records near changed ones were matched, under the last model
  std::size_t all_records = 0;  // active records of the run (records: those matched)
};

struct MatchResult {
  std::vector<std::uint32_t> cluster_of;  // per record: its cluster, 0..clusters-1
  std::size_t clusters = 0;
  std::vector<double> score;       // per record: best probability of an accepted link, or -1
  std::vector<std::string> rule;   // per record: citizen_id | probabilistic | single
  std::vector<ScoredPair> review;  // pairs a person must decide
  ModelParameters model;
  MatchStats stats;
};

/// What administrators decided about pairs of records (indices into the FeatureTable): "same"
/// pairs are joined before anything else, even against the citizen-ID rule; "different" pairs
/// never end in one cluster and are not offered for review again.
struct PairDecisions {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> same;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> different;
};

/// Candidate pairs grouped by their first record: the partners b > a of record a are
/// partner[start[a] .. start[a + 1]), ascending, so pair k is the k-th in (a, b) order. Four
/// bytes a pair: a full run of a million persons holds tens of millions of them. A value type.
struct CandidatePairs {
  std::vector<std::size_t> start;       // per record, and one past the last record
  std::vector<std::uint32_t> partner;   // per pair
  std::size_t size() const { return partner.size(); }
  std::size_t records() const { return start.empty() ? 0 : start.size() - 1; }
  /// The pairs of the records before `record` (0 for a set of no records, whose `start` may be empty).
  std::size_t pairs_before(std::size_t record) const { return record < start.size() ? start[record] : 0; }
  /// From pairs packed as x << 32 | y (either record first, in any order, repeats allowed) of
  /// `records` records.
  static CandidatePairs from_packed(std::size_t records, const std::vector<std::uint64_t>& packed);
  /// The same, packed (for tests and small sets).
  std::vector<std::uint64_t> packed() const;
};

/// Matches every record of `features`: blocking, comparing, training a model, scoring, clustering.
MatchResult run_matching(const FeatureTable& features, const MatchSettings& settings, const PairDecisions& decisions = {});

/// The candidate pairs blocking gives over `features`: each pair of records sharing the key of
/// some rule in a block no larger than `max_block_size` (under a rule with `when_one_lacks`, a
/// pair of which one record lacks that value), once.
CandidatePairs block_pairs(const FeatureTable& features, const MatchSettings& settings, MatchStats& stats);

/// Scores the given candidate pairs (as block_pairs gives them) with a model trained
/// before, and clusters the records of `features`: what a run does when it re-matches only the
/// records near those that changed, or matches every record under the last run's model.
MatchResult match_with_model(const FeatureTable& features, const MatchSettings& settings, const ModelParameters& model,
                             CandidatePairs pairs, const PairDecisions& decisions = {});

/// Scores one pair with a trained model (used by explain and by run_matching itself).
ScoredPair score_pair(const FeatureTable& features, const MatchSettings& settings, const ModelParameters& model,
                      std::uint32_t a, std::uint32_t b);

/// One line of an explanation's waterfall.
struct WeightTerm {
  std::string comparison;
  std::string value_a, value_b;
  std::string level;   // "exact", "different", "missing"
  double m = 0, u = 0; // u after the term-frequency adjustment
  double weight = 0;   // log2(m/u), 0 when missing
};

struct Explanation {
  /// What the citizen IDs say beyond the comparison: each record's CCCD against its own birth
  /// date and gender ("suspect: …"), and how the two CCCDs relate.
  std::vector<std::string> notes;
  double prior_weight = 0;
  std::vector<WeightTerm> terms;
  double total_weight = 0;
  double probability = 0;
  std::string decision;  // "linked (definite)", "review", "not linked", "linked by citizen ID", …
};

Explanation explain_pair(const FeatureTable& features, const MatchSettings& settings, const ModelParameters& model,
                         std::uint32_t a, std::uint32_t b);

/// The first comparison of a date, a person's name or a unit (not crosswise) for which two
/// clusters each hold a value that records of two different sources agree on — a full date, a
/// name as folded, a unit after its abbreviations — and no such value of one is such a value of
/// the other; nullopt when there is none. One source's typing error (or stale unit) explains one
/// odd value; the same error made in two independent systems does not, so two such values are two
/// persons' ("Nguyễn Thị Hạ" in three systems and "Nguyễn Thị Hảo" in three, born the same day in
/// one unit; two "Nguyễn Đức Trạch" born the same day, the civil-service and office records of
/// one in one unit and of the other in another) — or papers a person must look at.
/// Either way one strong pair does not join the clusters automatically (it becomes a review
/// case). Pure; thread-safe.
std::optional<std::size_t> attested_values_differ(const FeatureTable& features, const std::vector<std::uint32_t>& a,
                                                  const std::vector<std::uint32_t>& b);

/// Whether two citizen IDs (interned in `features`' pool) cannot be one person's number: two or
/// more digits apart, or different in what they embed (text::relate_citizen_ids, a suspect one
/// allowed a keystroke anywhere). Pure; thread-safe.
bool citizen_ids_contradict(const FeatureTable& features, std::uint32_t x, std::uint32_t y);

/// Whether two groups of records cannot be one person by what they hold, however alike they are
/// otherwise: a citizen ID of one contradicts one of the other, or their full dates, names or
/// units that two sources each attest differ (attested_values_differ). Pure; thread-safe.
bool cannot_be_one_person(const FeatureTable& features, const std::vector<std::uint32_t>& a,
                          const std::vector<std::uint32_t>& b);

/// Whether the trained model says a source seldom holds one person twice: its `source`
/// comparison (if the settings have one) weighs two records of one source at least a bit
/// against a match (m below half of u). On data of one source, or of sources with many
/// duplicates, it does not, and same_source_apart never speaks. Pure; thread-safe.
bool sources_hold_one_record_each(const MatchSettings& settings, const ModelParameters& model);

/// When sources hold one record per person (sources_hold_one_record_each), two clusters whose
/// joining would put two records of one source in one person are one person only if those two
/// resemble each other as duplicates do: their own pair, the source comparison weighing it,
/// reaches `candidate`. Returns the first pair of one source (x of `a`, y of `b`) that does not,
/// records sharing a citizen ID aside. Without it, the best pair between two namesakes' clusters
/// (the civil-service record of one, the party record of the other) hides that each already has
/// a civil-service record. Pure; thread-safe.
std::optional<std::pair<std::uint32_t, std::uint32_t>> same_source_apart(const FeatureTable& features,
                                                                         const MatchSettings& settings,
                                                                         const ModelParameters& model,
                                                                         const std::vector<std::uint32_t>& a,
                                                                         const std::vector<std::uint32_t>& b);

/// How many bits a record's pair into one person must outweigh its pair into another person for
/// the record to join the first: the odds `definite` asks of any link, log2(definite / (1 −
/// definite)). Below it the record is ambiguous and joins neither (MatchStats::ambiguous).
double ambiguity_margin(const MatchSettings& settings);

/// How two clusters resemble each other as wholes, which decides whether one strong pair may join
/// them: the mean, over pairs of their identity units, of the probability between the two units.
/// An identity unit is the records of one cluster that share a valid citizen ID — one person,
/// whatever typing errors one of them carries — or one record without it (or with a number that
/// contradicts every record carrying it). A unit speaks through its most precisely dated records
/// (the best pair among them): a record mistyped beyond recognition, held in its person by the
/// number, does not make that person unlike the record that resembles it, but a record that
/// gives only the birth year cannot vouch for a namesake whose full date the person's other
/// record contradicts. Records held by likeness alone count one by one, which is what stops
/// chaining. `probability(x, y)` scores two records. Pure; thread-safe if `probability` is.
template <class Probability>
double whole_resemblance(const FeatureTable& features, const std::vector<std::uint32_t>& a,
                         const std::vector<std::uint32_t>& b, Probability&& probability) {
  auto units = [&](const std::vector<std::uint32_t>& members, std::vector<std::uint32_t>& unit) {
    std::vector<std::uint32_t> ids;  // the identity of each unit, 0 for a record alone
    unit.resize(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
      // A number that contradicts every record carrying it (its year or gender digit) vouches
      // for nothing: those records count one by one.
      std::uint32_t id = features.identity(members[i]);
      if (id && features.suspect_id(id)) id = 0;
      std::size_t u = 0;
      while (id && u < ids.size() && ids[u] != id) ++u;
      if (!id || u == ids.size()) {
        u = ids.size();
        ids.push_back(id);
      }
      unit[i] = static_cast<std::uint32_t>(u);
    }
    return ids.size();
  };
  std::vector<std::uint32_t> unit_a, unit_b;
  const std::size_t na = units(a, unit_a), nb = units(b, unit_b);
  // Each unit's speakers: its records dated as precisely as its most precise one.
  auto speakers = [&](const std::vector<std::uint32_t>& members, const std::vector<std::uint32_t>& unit, std::size_t n) {
    std::vector<std::uint32_t> precision(members.size()), top(n, 0);
    for (std::size_t i = 0; i < members.size(); ++i) {
      precision[i] = features.date_precision(members[i]);
      top[unit[i]] = std::max(top[unit[i]], precision[i]);
    }
    std::vector<char> speaks(members.size());
    for (std::size_t i = 0; i < members.size(); ++i) speaks[i] = precision[i] == top[unit[i]];
    return speaks;
  };
  const std::vector<char> speaks_a = speakers(a, unit_a, na), speaks_b = speakers(b, unit_b, nb);
  std::vector<double> best(na * nb, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (!speaks_a[i] || !speaks_b[j]) continue;
      double& slot = best[unit_a[i] * nb + unit_b[j]];
      slot = std::max(slot, static_cast<double>(probability(a[i], b[j])));
    }
  double sum = 0;
  for (double p : best) sum += p;
  return best.empty() ? 0.0 : sum / static_cast<double>(best.size());
}

}  // namespace hopnhat::match
