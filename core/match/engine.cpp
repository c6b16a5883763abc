#include "match/engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "base/elapsed.hpp"
#include "base/parallel.hpp"
#include "base/threads.hpp"
#include "text/citizen_id.hpp"

namespace hopnhat::match {
namespace {

using Clock = std::chrono::steady_clock;
using base::seconds_since;

constexpr double kFloor = 1e-6;  // no probability reaches 0 or 1 in the model

// The candidate pairs, sorted, each once, written straight into a vector of their exact size.
// The blocks of every rule are laid out first (each rule's records sorted by key, then record:
// a block is a run of them, its members in record order); then each record gathers the members
// after it in each of its blocks, across the rules, and drops those two rules both give. Records
// in order, partners in order: the pairs come out sorted, with no sort of tens of millions of
// pairs and no copy of them with their duplicates. Two passes over the records — one counts,
// one writes — on every core, into CandidatePairs (four bytes a pair).
CandidatePairs candidate_pairs(const FeatureTable& f, const MatchSettings& s, MatchStats& stats) {
  constexpr std::uint32_t kNone = static_cast<std::uint32_t>(-1);
  const std::size_t n = f.size();
  struct RuleBlocks {
    std::vector<std::uint32_t> members;  // records with a key under the rule, by (key, record)
    std::vector<std::uint32_t> end;      // per position: one past its block's last member (past itself: a block too large)
    std::vector<std::uint32_t> at;       // per record: its position, or kNone
    // A rule that pairs only where one record lacks a value (BlockingRule::when_one_lacks): the
    // members that lack it, in the same order, and per position the stretch of them after it
    // in its block — all a member that has the value pairs with.
    bool pairs_lacking = false;
    std::vector<std::uint32_t> lacking;
    std::vector<std::uint32_t> lacking_from, lacking_end;
  };
  std::vector<RuleBlocks> rules(s.blocking.size());
  {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;  // (key, record)
    for (std::size_t b = 0; b < rules.size(); ++b) {
      keyed.clear();
      for (std::size_t i = 0; i < n; ++i)
        if (std::uint64_t k = f.block_key(b, i)) keyed.emplace_back(k, static_cast<std::uint32_t>(i));
      base::parallel_sort(keyed);
      RuleBlocks& r = rules[b];
      r.members.resize(keyed.size());
      r.end.resize(keyed.size());
      r.at.assign(n, kNone);
      r.pairs_lacking = f.block_pairs_lacking(b);
      if (r.pairs_lacking) {
        r.lacking_from.resize(keyed.size());
        r.lacking_end.resize(keyed.size());
      }
      for (std::size_t lo = 0; lo < keyed.size();) {
        std::size_t hi = lo;
        while (hi < keyed.size() && keyed[hi].first == keyed[lo].first) ++hi;
        const bool too_large = hi - lo > s.max_block_size;
        if (too_large) ++stats.skipped_blocks;
        for (std::size_t x = lo; x < hi; ++x) {
          r.members[x] = keyed[x].second;
          r.end[x] = static_cast<std::uint32_t>(too_large ? x + 1 : hi);
          r.at[keyed[x].second] = static_cast<std::uint32_t>(x);
        }
        if (r.pairs_lacking) {
          const auto first = static_cast<std::uint32_t>(r.lacking.size());
          for (std::size_t x = lo; x < hi; ++x)
            if (f.block_lacks(b, keyed[x].second)) r.lacking.push_back(keyed[x].second);
          const auto last = static_cast<std::uint32_t>(r.lacking.size());
          for (std::uint32_t x = static_cast<std::uint32_t>(lo), next = first; x < hi; ++x) {
            if (f.block_lacks(b, keyed[x].second)) ++next;  // the stretch starts after the record itself
            r.lacking_from[x] = next;
            r.lacking_end[x] = too_large ? next : last;
          }
        }
        lo = hi;
      }
    }
  }
  // Calls emit(a, b) for each candidate pair of the records [from, to), in order.
  auto each_pair = [&](std::size_t from, std::size_t to, std::vector<std::uint32_t>& partners, auto&& emit) {
    for (std::size_t a = from; a < to; ++a) {
      partners.clear();
      for (std::size_t b = 0; b < rules.size(); ++b) {
        const RuleBlocks& r = rules[b];
        const std::uint32_t x = r.at[a];
        if (x == kNone) continue;
        if (r.pairs_lacking && !f.block_lacks(b, a))
          partners.insert(partners.end(), r.lacking.begin() + r.lacking_from[x], r.lacking.begin() + r.lacking_end[x]);
        else
          partners.insert(partners.end(), r.members.begin() + x + 1, r.members.begin() + r.end[x]);
      }
      std::sort(partners.begin(), partners.end());
      partners.erase(std::unique(partners.begin(), partners.end()), partners.end());
      for (std::uint32_t b : partners) emit(static_cast<std::uint32_t>(a), b);
    }
  };
  CandidatePairs pairs;
  pairs.start.assign(n + 1, 0);
  base::parallel_slices(n, [&](std::size_t from, std::size_t to, unsigned) {
    std::vector<std::uint32_t> partners;
    each_pair(from, to, partners, [&](std::uint32_t a, std::uint32_t) { ++pairs.start[a + 1]; });
  }, 4096);
  for (std::size_t a = 0; a < n; ++a) pairs.start[a + 1] += pairs.start[a];
  pairs.partner.resize(pairs.start[n]);
  base::parallel_slices(n, [&](std::size_t from, std::size_t to, unsigned) {
    std::vector<std::uint32_t> partners;
    std::size_t k = pairs.start[from];
    each_pair(from, to, partners, [&](std::uint32_t, std::uint32_t b) { pairs.partner[k++] = b; });
  }, 4096);
  return pairs;
}

// Comparing and scoring wait on memory more than they compute: each pair's second record lies
// anywhere in the feature table. They ask for it this many pairs ahead (FeatureTable::prefetch).
constexpr std::size_t kPrefetchDistance = 16;

// Calls work(from_record, to_record, half) for half 0 and 1 on two threads, each half with about
// half the pairs (the records [from, to) and all their partners).
template <class Work>
void two_halves(const CandidatePairs& pairs, Work&& work) {
  const std::size_t n = pairs.records();
  const std::size_t middle = static_cast<std::size_t>(
      std::upper_bound(pairs.start.begin(), pairs.start.end(), pairs.size() / 2) - pairs.start.begin()) - 1;
  const std::size_t split = std::min(middle, n);
  base::AsyncTask<void> other = base::run_async([&] { work(split, n, 1u); });
  work(std::size_t{0}, split, 0u);
  other.get();
}

// The comparison vectors of the candidate pairs. Each distinct vector (a pattern: one level per
// comparison) is kept once, with how many pairs show it, and each pair keeps the index of its
// pattern. Staff data makes few distinct vectors (thousands to a few hundred thousand against
// tens of millions of pairs), so a pair costs four bytes here instead of one per comparison, and
// training reads each pattern once.
struct ComparedPairs {
  std::size_t width = 0;
  std::vector<std::uint8_t> patterns;     // width levels per pattern
  std::vector<double> count;              // per pattern: its pairs
  std::vector<double> identity_count;     // per pattern: its pairs whose records share a valid citizen ID
  std::vector<std::uint32_t> pattern_of;  // per pair

  std::size_t pairs() const { return pattern_of.size(); }
  std::size_t pattern_count() const { return count.size(); }
  const std::uint8_t* pattern(std::size_t k) const { return &patterns[k * width]; }
  const std::uint8_t* levels_of(std::size_t pair) const { return pattern(pattern_of[pair]); }
};

// Compares every pair; two threads share the work, each interning the patterns of its half,
// and the second half's are then renumbered into the first's (first seen, first numbered:
// deterministic for a given input).
ComparedPairs compare_all(const FeatureTable& f, std::size_t width, const CandidatePairs& pairs) {
  struct Half {
    std::unordered_map<std::string, std::uint32_t> index;
    ComparedPairs table;
    // Counts `pairs` pairs (`identity_pairs` of them sharing a valid citizen ID) under the
    // pattern `key`, numbering it when new; returns its number.
    std::uint32_t add(const std::string& key, double pairs, double identity_pairs) {
      auto [it, fresh] = index.try_emplace(key, static_cast<std::uint32_t>(table.count.size()));
      if (fresh) {
        table.patterns.insert(table.patterns.end(), key.begin(), key.end());
        table.count.push_back(0);
        table.identity_count.push_back(0);
      }
      table.count[it->second] += pairs;
      table.identity_count[it->second] += identity_pairs;
      return it->second;
    }
  };
  ComparedPairs out;
  out.width = width;
  out.pattern_of.resize(pairs.size());
  Half halves[2];
  std::size_t middle = 0;  // the second half's first pair
  two_halves(pairs, [&](std::size_t from, std::size_t to, unsigned h) {
    Half& half = halves[h];
    if (h == 1) middle = pairs.pairs_before(from);
    std::string key(width, '\0');
    // A pair's second record is asked for kPrefetchDistance pairs ahead, the strings it names half as far.
    const std::size_t end = pairs.pairs_before(to);
    for (std::size_t a = from; a < to; ++a)
      for (std::size_t p = pairs.start[a]; p < pairs.start[a + 1]; ++p) {
        if (p + kPrefetchDistance < end) f.prefetch(pairs.partner[p + kPrefetchDistance]);
        if (p + kPrefetchDistance / 2 < end) f.prefetch_values(pairs.partner[p + kPrefetchDistance / 2]);
        const std::uint32_t b = pairs.partner[p];
        for (std::size_t c = 0; c < width; ++c) key[c] = static_cast<char>(f.level(c, a, b));
        const std::uint32_t ia = f.identity(a);
        out.pattern_of[p] = half.add(key, 1, ia && ia == f.identity(b) ? 1 : 0);
      }
  });
  Half& first = halves[0];
  const ComparedPairs& second = halves[1].table;
  // The second half's patterns, renumbered into the first's.
  std::vector<std::uint32_t> renumber(second.count.size());
  for (std::uint32_t k = 0; k < renumber.size(); ++k)
    renumber[k] = first.add(std::string(reinterpret_cast<const char*>(&second.patterns[k * width]), width), second.count[k],
                            second.identity_count[k]);
  for (std::size_t p = middle; p < pairs.size(); ++p) out.pattern_of[p] = renumber[out.pattern_of[p]];
  out.patterns = std::move(first.table.patterns);
  out.count = std::move(first.table.count);
  out.identity_count = std::move(first.table.identity_count);
  return out;
}

// u measured on pseudo-random pairs: what agreement looks like between different people.
std::vector<std::vector<double>> random_pair_u(const FeatureTable& f, const MatchSettings& s) {
  std::vector<std::vector<double>> counts(s.comparisons.size());
  for (std::size_t c = 0; c < s.comparisons.size(); ++c)
    counts[c].assign(FeatureTable::level_names(s.comparisons[c].kind).size(), 1.0);  // add-one smoothing
  const std::size_t n = f.size();
  if (n < 2) return counts;
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  const std::size_t samples = std::min<std::size_t>(200000, n * (n - 1) / 2);
  for (std::size_t k = 0; k < samples; ++k) {
    auto a = static_cast<std::uint32_t>(next() % n), b = static_cast<std::uint32_t>(next() % n);
    if (a == b) continue;
    for (std::size_t c = 0; c < s.comparisons.size(); ++c) {
      std::uint8_t l = f.level(c, a, b);
      if (l != kNullLevel) counts[c][l] += 1.0;
    }
  }
  for (auto& row : counts) {
    double total = std::accumulate(row.begin(), row.end(), 0.0);
    for (auto& v : row) v = std::max(v / total, kFloor);
  }
  return counts;
}

// Starting m: matches mostly agree exactly; the remaining mass halves level by level.
std::vector<double> prior_m(std::size_t levels) {
  std::vector<double> m(levels);
  double rest = 0.1;
  m[levels - 1] = 0.9;
  for (std::size_t l = levels - 1; l-- > 1;) {
    m[l] = rest / 2;
    rest /= 2;
  }
  m[0] = rest;
  return m;
}

// What m starts from before the labelled pairs are counted: half a pair per level (so no level
// is impossible), spread as prior_m spreads it. A comparison the labelled pairs seldom or never
// fill (two party card numbers: each person has one party record) keeps the assumption every
// record-linkage model starts from — the same person's records mostly agree — instead of
// learning from nothing that a match differs as often as it agrees.
std::vector<double> pseudo_counts(std::size_t levels) {
  std::vector<double> counts = prior_m(levels);
  for (double& c : counts) c *= 0.5 * static_cast<double>(levels);
  return counts;
}

// m learnt from the pairs the identity rule already links (same valid citizen ID): in Vietnamese
// staff data most records carry one, so these pairs show how the same person's records differ.
// Unsupervised EM on blocked pairs would instead take namesakes (same name, same year) for
// matches, because blocking makes them agree on exactly what it blocked on.
bool learn_m_from_identity(const ComparedPairs& compared, const MatchSettings& s, double all_pairs, ModelParameters& model) {
  const std::size_t width = compared.width;
  const double labelled = std::accumulate(compared.identity_count.begin(), compared.identity_count.end(), 0.0);
  if (labelled < 50) return false;
  std::vector<std::size_t> identity_comparisons;
  for (std::size_t c = 0; c < width; ++c) {
    const bool is_identity = s.comparisons[c].value.canonical && s.comparisons[c].value.name == s.identity_field;
    std::size_t n_levels = model.u[c].size();
    if (is_identity) {  // every labelled pair agrees here by construction: learnt below
      identity_comparisons.push_back(c);
      continue;
    }
    std::vector<double> counts = pseudo_counts(n_levels);
    for (std::size_t k = 0; k < compared.pattern_count(); ++k) {
      std::uint8_t l = compared.pattern(k)[c];
      if (l != kNullLevel) counts[l] += compared.identity_count[k];
    }
    double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    for (std::size_t l = 0; l < n_levels; ++l) model.m[c][l] = counts[l] / total;
  }
  // The citizen-ID comparison itself (equal · one keystroke apart · different) is learnt from the
  // pairs that every *other* comparison alone makes near-certain matches (99%, under a prior of
  // the labelled share of all pairs): how often one person's records carry a mistyped or another
  // number. Blocking on the citizen ID brings every equal pair and only the mistyped ones that
  // also share a name key, so the mistyped level is if anything underrated.
  const double prior = std::log2(labelled / std::max(all_pairs, 1.0));
  std::vector<std::vector<double>> weight(width);  // log2(m/u) per comparison and level; 0 for the identity ones
  for (std::size_t o = 0; o < width; ++o) {
    weight[o].assign(model.m[o].size(), 0.0);
    if (std::find(identity_comparisons.begin(), identity_comparisons.end(), o) != identity_comparisons.end()) continue;
    for (std::size_t l = 0; l < weight[o].size(); ++l) weight[o][l] = std::log2(model.m[o][l] / model.u[o][l]);
  }
  for (std::size_t c : identity_comparisons) {
    std::vector<double> counts = pseudo_counts(model.u[c].size());
    for (std::size_t k = 0; k < compared.pattern_count(); ++k) {
      const std::uint8_t* levels = compared.pattern(k);
      std::uint8_t l = levels[c];
      if (l == kNullLevel) continue;
      double w = prior;
      for (std::size_t o = 0; o < width; ++o)
        if (std::uint8_t lo = levels[o]; lo != kNullLevel) w += weight[o][lo];
      if (w >= std::log2(99.0)) counts[l] += compared.count[k];
    }
    double total = std::accumulate(counts.begin(), counts.end(), 0.0);
    for (std::size_t l = 0; l < counts.size(); ++l) model.m[c][l] = counts[l] / total;
  }
  return true;
}

ModelParameters train(const ComparedPairs& compared, const MatchSettings& s, std::vector<std::vector<double>> u0,
                      double all_pairs, MatchStats& stats) {
  // Identical comparison vectors are trained on once, with their count.
  const std::size_t width = compared.width;
  const double candidate_pairs = static_cast<double>(compared.pairs());

  ModelParameters model;
  model.u = std::move(u0);
  model.m.resize(width);
  for (std::size_t c = 0; c < width; ++c) model.m[c] = prior_m(model.u[c].size());
  model.lambda = 0.1;
  // With labelled pairs, m and u are fixed and EM finds only the share of matches. Because u is
  // measured on random pairs, that share is over all pairs of records (pairs blocking left out
  // are taken as non-matches), and so is the prior used when scoring. Without labels, EM
  // estimates m and the share over the candidate pairs, u staying what random pairs show: u
  // re-estimated over blocked pairs learns that non-matches agree on what blocking chose them
  // by (the blocking bias), and EM then takes most candidate pairs for matches.
  const bool supervised = learn_m_from_identity(compared, s, all_pairs, model);
  if (supervised) model.lambda = std::min(0.1, 1.0 / std::max(all_pairs, 10.0) * candidate_pairs);

  for (int it = 0; it < s.em_iterations; ++it) {
    std::vector<std::vector<double>> m_acc(width);
    for (std::size_t c = 0; c < width; ++c) m_acc[c].assign(model.m[c].size(), kFloor);
    double g_total = 0, total = 0;
    for (std::size_t k = 0; k < compared.pattern_count(); ++k) {
      const std::uint8_t* pattern = compared.pattern(k);
      const double count = compared.count[k];
      double lm = std::log(model.lambda), lu = std::log(1 - model.lambda);
      for (std::size_t c = 0; c < width; ++c) {
        auto l = static_cast<std::uint8_t>(pattern[c]);
        if (l == kNullLevel) continue;
        lm += std::log(model.m[c][l]);
        lu += std::log(model.u[c][l]);
      }
      double g = 1.0 / (1.0 + std::exp(lu - lm));
      g_total += g * count;
      total += count;
      if (supervised) continue;
      for (std::size_t c = 0; c < width; ++c) {
        auto l = static_cast<std::uint8_t>(pattern[c]);
        if (l == kNullLevel) continue;
        m_acc[c][l] += g * count;
      }
    }
    if (supervised) total = all_pairs;
    double new_lambda = std::clamp(total > 0 ? g_total / total : 0.1, 1e-12, 1 - kFloor);
    double change = std::abs(new_lambda - model.lambda);
    model.lambda = new_lambda;
    if (!supervised) {
      for (std::size_t c = 0; c < width; ++c) {
        double sm = std::accumulate(m_acc[c].begin(), m_acc[c].end(), 0.0);
        for (std::size_t l = 0; l < m_acc[c].size(); ++l) {
          double nm = std::max(m_acc[c][l] / sm, kFloor);
          change = std::max(change, std::abs(nm - model.m[c][l]));
          model.m[c][l] = nm;
        }
      }
    }
    stats.em_iterations = it + 1;
    if (change < 1e-6) break;
  }
  stats.supervised = supervised;
  // Without labels, λ was the share of matches among the candidate pairs; scores weigh u from
  // random pairs, so their prior is the share among all pairs (blocking is taken to find the
  // matches), as in the supervised case.
  if (!supervised)
    model.lambda = std::clamp(model.lambda * candidate_pairs / std::max(all_pairs, 1.0), 1e-12, 0.5);
  return model;
}

struct UnionFind {
  const FeatureTable& features;
  std::vector<std::uint32_t> parent;
  std::vector<std::uint32_t> identity;  // per root: the cluster's first valid citizen ID, or 0
  // Per root: its further citizen IDs (one keystroke from the first; few clusters have any).
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> more_ids;
  // Per root: records that an administrator said are a different person (few, so a map).
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> apart;
  // Members of each cluster as a circular list (next), and each root's size: a join splices.
  std::vector<std::uint32_t> next, size;
  explicit UnionFind(const FeatureTable& f) : features(f), parent(f.size()), identity(f.size()), next(f.size()), size(f.size(), 1) {
    std::iota(parent.begin(), parent.end(), 0u);
    std::iota(next.begin(), next.end(), 0u);
    for (std::size_t i = 0; i < f.size(); ++i) identity[i] = f.identity(i);
  }
  std::uint32_t find(std::uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  bool kept_apart(std::uint32_t ra, std::uint32_t rb) {
    for (auto [from, to] : {std::pair{ra, rb}, std::pair{rb, ra}}) {
      auto it = apart.find(from);
      if (it == apart.end()) continue;
      for (std::uint32_t x : it->second)
        if (find(x) == to) return true;
    }
    return false;
  }
  template <typename F>
  void each_id(std::uint32_t root, F&& f) {
    if (!identity[root]) return;
    f(identity[root]);
    if (auto it = more_ids.find(root); it != more_ids.end())
      for (std::uint32_t id : it->second) f(id);
  }
  // Whether any citizen ID of one cluster contradicts one of the other.
  bool ids_contradict(std::uint32_t ra, std::uint32_t rb) {
    if (!identity[ra] || !identity[rb]) return false;
    bool contradict = false;
    each_id(ra, [&](std::uint32_t x) {
      each_id(rb, [&](std::uint32_t y) { contradict = contradict || citizen_ids_contradict(features, x, y); });
    });
    return contradict;
  }
  // Joins the clusters of a and b unless that would hold two contradicting citizen IDs (unless
  // `forced` by a decision) or two records decided to be different persons.
  bool join(std::uint32_t a, std::uint32_t b, bool forced = false) {
    std::uint32_t ra = find(a), rb = find(b);
    if (ra == rb) return true;
    if (!forced && ids_contradict(ra, rb)) return false;
    if (!apart.empty() && kept_apart(ra, rb)) return false;
    if (ra > rb) std::swap(ra, rb);
    parent[rb] = ra;
    std::swap(next[ra], next[rb]);
    size[ra] += size[rb];
    std::vector<std::uint32_t> ids;
    each_id(rb, [&](std::uint32_t id) { ids.push_back(id); });
    more_ids.erase(rb);
    for (std::uint32_t id : ids) {
      if (!identity[ra]) identity[ra] = id;
      else if (id != identity[ra]) {
        auto& list = more_ids[ra];
        if (std::find(list.begin(), list.end(), id) == list.end()) list.push_back(id);
      }
    }
    auto it = apart.find(rb);
    if (it != apart.end()) {
      auto moved = std::move(it->second);
      apart.erase(it);
      auto& into = apart[ra];
      into.insert(into.end(), moved.begin(), moved.end());
    }
    return true;
  }
};

}  // namespace

bool citizen_ids_contradict(const FeatureTable& f, std::uint32_t x, std::uint32_t y) {
  return x != y && text::relate_citizen_ids(f.pool().text(x), f.pool().text(y), f.suspect_id(x), f.suspect_id(y)) ==
                       text::CitizenIdRelation::kContradicting;
}

bool cannot_be_one_person(const FeatureTable& f, const std::vector<std::uint32_t>& a,
                          const std::vector<std::uint32_t>& b) {
  for (std::uint32_t x : a)
    for (std::uint32_t y : b)
      if (f.identity(x) && f.identity(y) && citizen_ids_contradict(f, f.identity(x), f.identity(y))) return true;
  return attested_values_differ(f, a, b).has_value();
}

bool sources_hold_one_record_each(const MatchSettings& s, const ModelParameters& model) {
  for (std::size_t c = 0; c < s.comparisons.size() && c < model.m.size(); ++c)
    if (s.comparisons[c].kind == ComparisonKind::kSource && !model.m[c].empty() && model.u[c].size() == model.m[c].size())
      return model.m[c][0] < 0.5 * model.u[c][0];
  return false;
}

std::optional<std::pair<std::uint32_t, std::uint32_t>> same_source_apart(const FeatureTable& f, const MatchSettings& s,
                                                                         const ModelParameters& model,
                                                                         const std::vector<std::uint32_t>& a,
                                                                         const std::vector<std::uint32_t>& b) {
  for (std::uint32_t x : a)
    for (std::uint32_t y : b) {
      if (f.source(x) != f.source(y) || (f.identity(x) && f.identity(x) == f.identity(y))) continue;
      if (score_pair(f, s, model, std::min(x, y), std::max(x, y)).probability < s.candidate) return std::pair{x, y};
    }
  return std::nullopt;
}

double ambiguity_margin(const MatchSettings& s) { return std::log2(s.definite / (1 - s.definite)); }

std::optional<std::size_t> attested_values_differ(const FeatureTable& f, const std::vector<std::uint32_t>& a,
                                                  const std::vector<std::uint32_t>& b) {
  const auto& comparisons = f.settings().comparisons;
  for (std::size_t c = 0; c < comparisons.size(); ++c) {
    const ComparisonKind kind = comparisons[c].kind;
    if ((kind != ComparisonKind::kDate && kind != ComparisonKind::kPersonName && kind != ComparisonKind::kUnit) ||
        comparisons[c].crosswise())
      continue;
    // What a record says, as one number: a full date (a date known to the month or year only
    // attests nothing), a name as folded (an export without diacritics is not a typing error), a
    // unit after its abbreviations.
    auto said = [&](std::uint32_t r) -> std::optional<std::uint32_t> {
      const Feature x = f.at(r, c);
      if (!x.present()) return std::nullopt;
      if (kind == ComparisonKind::kDate) return x.slot[1] == 3 ? std::optional<std::uint32_t>(x.slot[0]) : std::nullopt;
      return kind == ComparisonKind::kPersonName ? x.slot[1] : x.slot[0];
    };
    // The values of a cluster that records of two different sources give.
    auto attested = [&](const std::vector<std::uint32_t>& members) {
      std::vector<std::uint32_t> values;
      for (std::size_t i = 0; i < members.size(); ++i) {
        const auto x = said(members[i]);
        if (!x || std::find(values.begin(), values.end(), *x) != values.end()) continue;
        for (std::size_t j = i + 1; j < members.size(); ++j)
          if (f.source(members[j]) != f.source(members[i]) && said(members[j]) == x) {
            values.push_back(*x);
            break;
          }
      }
      return values;
    };
    const std::vector<std::uint32_t> in_a = attested(a);
    if (in_a.empty()) continue;
    const std::vector<std::uint32_t> in_b = attested(b);
    if (in_b.empty()) continue;
    const bool shared = std::any_of(in_a.begin(), in_a.end(), [&](std::uint32_t v) {
      return std::find(in_b.begin(), in_b.end(), v) != in_b.end();
    });
    if (!shared) return c;
  }
  return std::nullopt;
}

nlohmann::json ModelParameters::to_json(const MatchSettings& s) const {
  nlohmann::json j{{"lambda", lambda}, {"settings", settings_to_json(s)}, {"comparisons", nlohmann::json::array()}};
  for (std::size_t c = 0; c < m.size(); ++c) {
    auto names = FeatureTable::level_names(s.comparisons[c].kind);
    nlohmann::json levels = nlohmann::json::array();
    for (std::size_t l = 0; l < m[c].size(); ++l) levels.push_back({{"level", names[l]}, {"m", m[c][l]}, {"u", u[c][l]}});
    j["comparisons"].push_back({{"label", s.comparisons[c].label}, {"levels", levels}});
  }
  return j;
}

ModelParameters ModelParameters::from_json(const nlohmann::json& j) {
  ModelParameters p;
  p.lambda = j.at("lambda").get<double>();
  for (const auto& c : j.at("comparisons")) {
    std::vector<double> m, u;
    std::vector<std::string> names;
    for (const auto& l : c.at("levels")) {
      m.push_back(l.at("m").get<double>());
      u.push_back(l.at("u").get<double>());
      names.push_back(l.value("level", ""));
    }
    p.m.push_back(std::move(m));
    p.u.push_back(std::move(u));
    p.level_names.push_back(std::move(names));
  }
  return p;
}

bool ModelParameters::fits(const MatchSettings& s) const {
  if (m.size() != s.comparisons.size() || u.size() != m.size()) return false;
  for (std::size_t c = 0; c < m.size(); ++c) {
    const auto& names = match::level_names(s.comparisons[c].kind);
    if (m[c].size() != names.size() || u[c].size() != names.size()) return false;
    if (c < level_names.size() && level_names[c] != names) return false;
  }
  return true;
}

namespace {

// The prior and the weights of the comparisons whose weight depends on their level alone (no
// term frequency): one sum per pattern of levels, shared by every pair that shows it.
double level_weight(const MatchSettings& s, const ModelParameters& model, const std::uint8_t* levels) {
  double w = std::log2(model.lambda / (1 - model.lambda));
  for (std::size_t c = 0; c < s.comparisons.size(); ++c)
    if (std::uint8_t l = levels[c]; l != kNullLevel && !s.comparisons[c].term_slots())
      w += std::log2(model.m[c][l] / std::clamp(model.u[c][l], kFloor, 1.0));  // as pair_weight clamps a scaled u
  return w;
}

// A pair's weight from its level weight: the comparisons whose u the agreeing value's frequency
// scales are added for these two records.
double pair_weight(const FeatureTable& f, const MatchSettings& s, const ModelParameters& model, std::uint32_t a,
                   std::uint32_t b, const std::uint8_t* levels, double level_weight) {
  double w = level_weight;
  for (std::size_t c = 0; c < s.comparisons.size(); ++c) {
    std::uint8_t l = levels[c];
    if (l == kNullLevel || !s.comparisons[c].term_slots()) continue;
    double u = std::clamp(model.u[c][l] * f.tf_factor(c, a, b, l), kFloor, 1.0);
    w += std::log2(model.m[c][l] / u);
  }
  return w;
}

// A scored pair of records a < b whose weight is known.
ScoredPair scored_pair(const FeatureTable& f, std::uint32_t a, std::uint32_t b, double w) {
  ScoredPair p;
  p.a = a;
  p.b = b;
  p.weight = w;
  p.probability = 1.0 / (1.0 + std::exp2(-w));
  std::uint32_t ia = f.identity(p.a), ib = f.identity(p.b);
  p.identity_equal = ia && ia == ib;
  if (ia && ib && ia != ib) {
    auto relation = text::relate_citizen_ids(f.pool().text(ia), f.pool().text(ib), f.identity_suspect(p.a), f.identity_suspect(p.b));
    p.identity_near = relation == text::CitizenIdRelation::kOneKeystroke;
    p.identity_conflict = relation == text::CitizenIdRelation::kContradicting;
  }
  if (p.identity_equal) p.probability = 1.0;
  return p;
}

}  // namespace

ScoredPair score_pair(const FeatureTable& f, const MatchSettings& s, const ModelParameters& model, std::uint32_t a,
                      std::uint32_t b) {
  if (a > b) std::swap(a, b);
  std::vector<std::uint8_t> levels(s.comparisons.size());
  for (std::size_t c = 0; c < levels.size(); ++c) levels[c] = f.level(c, a, b);
  return scored_pair(f, a, b, pair_weight(f, s, model, a, b, levels.data(), level_weight(s, model, levels.data())));
}

namespace {

// Scoring and clustering, once the pairs, their levels and the model are known.
// Takes the pairs and their comparisons, and frees them once the pairs are scored: clustering
// needs only those at or above `candidate`.
void score_and_cluster(const FeatureTable& f, const MatchSettings& s, CandidatePairs&& pairs,
                       ComparedPairs&& compared, const PairDecisions& decisions, MatchResult& out);

}  // namespace

CandidatePairs CandidatePairs::from_packed(std::size_t records, const std::vector<std::uint64_t>& packed) {
  std::vector<std::uint64_t> ordered(packed.size());  // first record the smaller, then sorted, once
  for (std::size_t k = 0; k < packed.size(); ++k) {
    const auto x = static_cast<std::uint32_t>(packed[k] >> 32), y = static_cast<std::uint32_t>(packed[k]);
    ordered[k] = static_cast<std::uint64_t>(std::min(x, y)) << 32 | std::max(x, y);
  }
  std::sort(ordered.begin(), ordered.end());
  ordered.erase(std::unique(ordered.begin(), ordered.end()), ordered.end());
  CandidatePairs out;
  out.start.assign(records + 1, 0);
  out.partner.resize(ordered.size());
  for (std::size_t k = 0; k < ordered.size(); ++k) {
    ++out.start[(ordered[k] >> 32) + 1];
    out.partner[k] = static_cast<std::uint32_t>(ordered[k]);
  }
  for (std::size_t a = 0; a < records; ++a) out.start[a + 1] += out.start[a];
  return out;
}

std::vector<std::uint64_t> CandidatePairs::packed() const {
  std::vector<std::uint64_t> out;
  out.reserve(size());
  for (std::size_t a = 0; a < records(); ++a)
    for (std::size_t k = start[a]; k < start[a + 1]; ++k) out.push_back(static_cast<std::uint64_t>(a) << 32 | partner[k]);
  return out;
}

CandidatePairs block_pairs(const FeatureTable& f, const MatchSettings& s, MatchStats& stats) {
  return candidate_pairs(f, s, stats);
}

MatchResult run_matching(const FeatureTable& f, const MatchSettings& s, const PairDecisions& decisions) {
  MatchResult out;
  out.stats.records = f.size();
  const std::size_t width = s.comparisons.size();

  auto t = Clock::now();
  CandidatePairs pairs = candidate_pairs(f, s, out.stats);
  out.stats.candidate_pairs = pairs.size();
  out.stats.seconds_blocking = seconds_since(t);

  t = Clock::now();
  ComparedPairs compared = compare_all(f, width, pairs);
  out.stats.seconds_comparing = seconds_since(t);

  t = Clock::now();
  const double n = static_cast<double>(f.size());
  out.model = train(compared, s, random_pair_u(f, s), n * (n - 1) / 2, out.stats);
  out.stats.seconds_training = seconds_since(t);
  score_and_cluster(f, s, std::move(pairs), std::move(compared), decisions, out);
  return out;
}

MatchResult match_with_model(const FeatureTable& f, const MatchSettings& s, const ModelParameters& model,
                             CandidatePairs pairs, const PairDecisions& decisions) {
  MatchResult out;
  out.stats.records = f.size();
  out.stats.candidate_pairs = pairs.size();
  out.model = model;
  auto t = Clock::now();
  ComparedPairs compared = compare_all(f, s.comparisons.size(), pairs);
  out.stats.seconds_comparing = seconds_since(t);
  score_and_cluster(f, s, std::move(pairs), std::move(compared), decisions, out);
  return out;
}

namespace {

void score_and_cluster(const FeatureTable& f, const MatchSettings& s, CandidatePairs&& pairs,
                       ComparedPairs&& compared, const PairDecisions& decisions, MatchResult& out) {
  auto t = Clock::now();
  // Levels from the comparing pass, not again; each pattern's level weight once. Two threads
  // score a half each; only pairs at or above `candidate` (or sharing a valid citizen ID) stay.
  std::vector<double> pattern_weight(compared.pattern_count());
  for (std::size_t k = 0; k < pattern_weight.size(); ++k) pattern_weight[k] = level_weight(s, out.model, compared.pattern(k));
  const double candidate_weight = std::log2(s.candidate / (1 - s.candidate));
  std::vector<ScoredPair> halves[2];
  two_halves(pairs, [&](std::size_t from, std::size_t to, unsigned h) {
    std::vector<ScoredPair>& kept = halves[h];
    const std::size_t end = pairs.pairs_before(to);
    for (std::size_t a = from; a < to; ++a)
      for (std::size_t k = pairs.start[a]; k < pairs.start[a + 1]; ++k) {
        if (k + kPrefetchDistance < end) f.prefetch(pairs.partner[k + kPrefetchDistance]);
        const std::uint32_t b = pairs.partner[k];
        const double w = pair_weight(f, s, out.model, static_cast<std::uint32_t>(a), b, compared.levels_of(k),
                                     pattern_weight[compared.pattern_of[k]]);
        // Well below `candidate` and not one citizen ID: dropped before its IDs are related.
        if (w < candidate_weight - 1e-9 && !(f.identity(a) && f.identity(a) == f.identity(b))) continue;
        ScoredPair p = scored_pair(f, static_cast<std::uint32_t>(a), b, w);
        if (p.probability >= s.candidate || p.identity_equal) kept.push_back(p);
      }
  });
  pairs = CandidatePairs();  // before the halves are joined: clustering needs neither
  compared = ComparedPairs();
  std::vector<ScoredPair> scored = std::move(halves[0]);
  scored.insert(scored.end(), halves[1].begin(), halves[1].end());
  std::vector<ScoredPair>().swap(halves[1]);
  base::parallel_sort(scored, [](const ScoredPair& x, const ScoredPair& y) {
    if (x.identity_equal != y.identity_equal) return x.identity_equal;
    if (x.probability != y.probability) return x.probability > y.probability;
    return x.a != y.a ? x.a < y.a : x.b < y.b;
  });

  UnionFind uf(f);
  out.score.assign(f.size(), -1.0);
  out.rule.assign(f.size(), "single");
  // Administrators' decisions come before any automatic one.
  for (auto [a, b] : decisions.different) {
    uf.apart[a].push_back(b);
    uf.apart[b].push_back(a);
  }
  for (auto [a, b] : decisions.same)
    if (uf.join(a, b, true))
      for (std::uint32_t r : {a, b}) {
        out.score[r] = 1.0;
        out.rule[r] = "decision";
      }
  // A record joins a person through one strong pair only when it resembles that person as a
  // whole: the mean probability across the two clusters (whole_resemblance: over their identity
  // units, records sharing a citizen ID counting as one) must reach `candidate`.
  // Otherwise records chain: a record without an identifier that resembles two namesakes would
  // join them, and on data with no identifier at all clusters grow through one pair at a time.
  constexpr std::uint32_t kMaxCrossPairs = 4096;  // beyond it a cluster is far larger than any person
  const bool one_record_each = sources_hold_one_record_each(s, out.model);
  std::vector<std::uint32_t> members_a, members_b;
  auto members = [&](std::uint32_t root, std::vector<std::uint32_t>& out_members) {
    out_members.clear();
    std::uint32_t x = root;
    do {
      out_members.push_back(x);
      x = uf.next[x];
    } while (x != root);
  };
  auto supported = [&](const ScoredPair& p) {
    std::uint32_t ra = uf.find(p.a), rb = uf.find(p.b);
    if (ra == rb || uf.size[ra] + uf.size[rb] <= 2) return true;
    if (static_cast<std::uint64_t>(uf.size[ra]) * uf.size[rb] > kMaxCrossPairs) return false;
    members(ra, members_a);
    members(rb, members_b);
    ++out.stats.linkage_checks;
    if (attested_values_differ(f, members_a, members_b) ||
        (one_record_each && same_source_apart(f, s, out.model, members_a, members_b))) {
      ++out.stats.linkage_refused;
      return false;
    }
    const double mean = whole_resemblance(f, members_a, members_b, [&](std::uint32_t x, std::uint32_t y) {
      bool same = std::min(x, y) == p.a && std::max(x, y) == p.b;
      return same ? p.probability : score_pair(f, s, out.model, x, y).probability;
    });
    bool ok = mean >= s.candidate;
    if (!ok) ++out.stats.linkage_refused;
    return ok;
  };
  // A record without a citizen ID that resembles two persons about equally belongs to neither
  // automatically: a party record giving only the birth year, the name and birth year shared by
  // namesakes of one unit, would go to whichever pair sorts first. Its pair into one person must
  // beat its pair into another by the odds `definite` asks of any link; the other is "another
  // person" when the two cannot be one (contradicting citizen IDs, full dates, names or units two
  // sources each attest, a decision).
  std::vector<std::uint32_t> strong_start(f.size() + 1, 0), strong;  // per record: its definite pairs
  auto is_strong = [&](const ScoredPair& p) { return !p.identity_equal && p.probability >= s.definite; };
  for (const ScoredPair& p : scored)
    if (is_strong(p)) {
      ++strong_start[p.a + 1];
      ++strong_start[p.b + 1];
    }
  for (std::size_t r = 0; r < f.size(); ++r) strong_start[r + 1] += strong_start[r];
  strong.resize(strong_start.back());
  {
    std::vector<std::uint32_t> fill(strong_start.begin(), strong_start.end() - 1);
    for (std::uint32_t k = 0; k < scored.size(); ++k)
      if (is_strong(scored[k])) {
        strong[fill[scored[k].a]++] = k;
        strong[fill[scored[k].b]++] = k;
      }
  }
  const double margin = ambiguity_margin(s);
  std::vector<std::uint32_t> joining_members, rival_members, target_members;
  auto two_persons = [&](std::uint32_t rx, std::uint32_t ry) {
    if (uf.ids_contradict(rx, ry) || (!uf.apart.empty() && uf.kept_apart(rx, ry))) return true;
    if (static_cast<std::uint64_t>(uf.size[rx]) * uf.size[ry] > kMaxCrossPairs) return false;
    members(rx, target_members);
    members(ry, rival_members);
    return attested_values_differ(f, target_members, rival_members).has_value();
  };
  auto ambiguous = [&](const ScoredPair& p) {
    const std::uint32_t ra = uf.find(p.a), rb = uf.find(p.b);
    if (ra == rb) return false;
    for (auto [joining, target] : {std::pair{ra, rb}, std::pair{rb, ra}}) {
      if (uf.identity[joining] || uf.size[joining] > kMaxCrossPairs) continue;  // held by a citizen ID
      members(joining, joining_members);
      for (std::uint32_t m : joining_members)
        for (std::uint32_t k = strong_start[m]; k < strong_start[m + 1]; ++k) {
          const ScoredPair& q = scored[strong[k]];
          const std::uint32_t rival = uf.find(q.a == m ? q.b : q.a);
          if (rival == target || rival == joining || p.weight - q.weight >= margin) continue;
          if (two_persons(target, rival)) return true;
        }
    }
    return false;
  };
  std::vector<const ScoredPair*> pending;  // possible review cases
  for (const ScoredPair& p : scored) {
    bool definite = p.identity_equal || (p.probability >= s.definite && !p.identity_conflict && supported(p));
    if (definite && !p.identity_equal && ambiguous(p)) {
      definite = false;
      ++out.stats.ambiguous;
    }
    if (definite && uf.join(p.a, p.b)) {
      for (std::uint32_t r : {p.a, p.b}) {
        out.score[r] = std::max(out.score[r], p.probability);
        if (p.identity_equal) out.rule[r] = "citizen_id";
        else if (out.rule[r] == "single") out.rule[r] = "probabilistic";
      }
      continue;
    }
    if (!p.identity_conflict || p.probability >= s.candidate) pending.push_back(&p);
  }
  // Clusters numbered by their first record, so the numbering is stable for a given input.
  std::unordered_map<std::uint32_t, std::uint32_t> number;
  out.cluster_of.resize(f.size());
  for (std::uint32_t i = 0; i < f.size(); ++i) {
    auto [it, fresh] = number.emplace(uf.find(i), static_cast<std::uint32_t>(number.size()));
    out.cluster_of[i] = it->second;
  }
  out.clusters = number.size();
  std::vector<std::uint32_t> sizes(out.clusters, 0);
  for (std::uint32_t c : out.cluster_of) ++sizes[c];
  for (std::uint32_t n : sizes) {
    ++out.stats.cluster_sizes[n];
    out.stats.largest_cluster = std::max<std::size_t>(out.stats.largest_cluster, n);
  }
  // One review case per pair of clusters: the strongest pair between them. None for a pair below
  // `definite` when the two clusters are two persons by what they hold (two_persons:
  // contradicting CCCDs, full dates, names or units two sources each attest) and each record of
  // the pair belongs to its own person by a link stronger than this pair: the case would ask
  // whether two persons are one, which the evidence has answered, and whether a record is in the
  // wrong one, which it has too. A definite pair the cluster rules refused stays a case: there
  // the pair and the persons disagree, and a person decides.
  auto settled_apart = [&](const ScoredPair& p) {
    if (p.probability >= s.definite) return false;
    const std::uint32_t ra = uf.find(p.a), rb = uf.find(p.b);
    if (uf.size[ra] < 2 || uf.size[rb] < 2) return false;
    if (out.score[p.a] <= p.probability || out.score[p.b] <= p.probability) return false;
    return two_persons(ra, rb);
  };
  std::unordered_map<std::uint64_t, bool> seen;
  for (const ScoredPair* p : pending) {
    std::uint32_t ca = out.cluster_of[p->a], cb = out.cluster_of[p->b];
    if (ca == cb) continue;
    if (!uf.apart.empty() && uf.kept_apart(uf.find(p->a), uf.find(p->b))) continue;  // decided already
    if (settled_apart(*p)) {
      ++out.stats.review_settled;
      continue;
    }
    std::uint64_t key = static_cast<std::uint64_t>(std::min(ca, cb)) << 32 | std::max(ca, cb);
    if (seen.emplace(key, true).second) out.review.push_back(*p);
  }
  out.stats.seconds_clustering = seconds_since(t);
}

}  // namespace

Explanation explain_pair(const FeatureTable& f, const MatchSettings& s, const ModelParameters& model, std::uint32_t a,
                         std::uint32_t b) {
  Explanation e;
  ScoredPair p = score_pair(f, s, model, a, b);
  e.prior_weight = std::log2(model.lambda / (1 - model.lambda));
  for (std::size_t c = 0; c < s.comparisons.size(); ++c) {
    WeightTerm t;
    t.comparison = s.comparisons[c].label;
    t.value_a = f.display(a, c);
    t.value_b = f.display(b, c);
    std::uint8_t l = f.level(c, a, b);
    if (l == kNullLevel) {
      t.level = "missing";
    } else {
      t.level = FeatureTable::level_names(s.comparisons[c].kind)[l];
      t.m = model.m[c][l];
      t.u = std::clamp(model.u[c][l] * f.tf_factor(c, std::min(a, b), std::max(a, b), l), kFloor, 1.0);
      t.weight = std::log2(t.m / t.u);
    }
    e.terms.push_back(std::move(t));
  }
  // The citizen IDs as evidence beyond the comparison: each against its own record, and the two
  // against each other.
  for (std::uint32_t r : {a, b}) {
    if (!f.identity(r)) continue;
    const std::string& id = f.pool().text(f.identity(r));
    text::CitizenIdCheck check = text::check_citizen_id(id, f.canonical(r, "birth_date"), f.canonical(r, "gender"));
    std::string who = r == a ? "first record" : "second record";
    if (check.suspect) e.notes.push_back("citizen ID of the " + who + " is suspect: " + check.reason);
    else if (check.year_checked || check.gender_checked)
      e.notes.push_back("citizen ID of the " + who + " agrees with its birth year and gender");
  }
  if (p.identity_near)
    e.notes.push_back("the citizen IDs are one keystroke apart (embedded century, gender and year equal): "
                      "joined only when the whole evidence reaches definite");
  else if (p.identity_conflict)
    e.notes.push_back("the citizen IDs differ in two or more digits or in what they embed: never joined automatically");
  e.total_weight = p.weight;
  e.probability = p.probability;
  if (p.identity_equal) e.decision = "linked: the same valid citizen ID";
  else if (p.identity_conflict) e.decision = "never linked automatically: two citizen IDs that cannot be one number";
  // What the pair says alone: clustering weighs the persons as wholes (two persons each attested
  // by two sources settle a pair for review; a definite pair can be refused), which explain
  // shows after the pairs.
  else if (p.probability >= s.definite) e.decision = "alone, a link (at or above definite " + fmt::format("{:.2f}", s.definite) + ")";
  else if (p.probability >= s.candidate)
    e.decision = "alone, a case for review (between candidate and definite); what the persons hold may settle it";
  else e.decision = "alone, no link (below candidate " + fmt::format("{:.2f}", s.candidate) + ")";
  return e;
}

}  // namespace hopnhat::match
