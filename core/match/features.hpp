// Comparison features: each record's values prepared once (normalised, folded, interned), and the
// comparison levels of a pair computed from them. Built once per run; read-only afterwards, so
// pairs may be compared from several threads.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>

#include "base/uninitialized.hpp"
#include "hopnhat/sdk/record.hpp"
#include "match/settings.hpp"
#include "text/normalize.hpp"

namespace hopnhat::match {

inline constexpr std::uint8_t kNullLevel = 255;  // a value missing on either side: no evidence

/// Interned strings; id 0 is the empty string. Millions of values are interned per run, so the
/// index is an open-addressing table (absl) over views of strings that never move (a deque),
/// and code points are kept only for the values compared by edit distance that are not ASCII
/// (folded names and most identifiers are ASCII: their bytes are compared instead).
/// Interning is for one thread; the const comparisons may run on many at once.
class StringPool {
 public:
  StringPool();
  /// `compared`: the value will be compared by Jaro-Winkler or edit distance.
  std::uint32_t intern(std::string_view s, bool compared = false);
  const std::string& text(std::uint32_t id) const { return strings_[id]; }
  /// Only for ids interned with `compared`.
  double jaro_winkler(std::uint32_t a, std::uint32_t b) const;
  /// Only for ids interned with `compared`: at most one edit apart (see within_one_edit).
  bool within_one_edit(std::uint32_t a, std::uint32_t b) const;
  /// A hint to the processor to fetch what comparing `id` reads first; no effect on results.
  void prefetch(std::uint32_t id) const {
    __builtin_prefetch(&sketch_[id]);
    __builtin_prefetch(&strings_[id]);
  }

 private:
  // A value is known by its 128-bit XXH3 hash, not by its text: a lookup compares sixteen bytes
  // in the table's slot instead of reading the stored string (a cache miss per value, in a pool
  // of millions: a fifth of the interning thread's time at a million persons). Two different
  // values share a hash with odds of about n^2 / 2^129 — for the ten million values of the
  // largest runs, 1e-25 — far below the odds of a memory error.
  struct Key {
    std::uint64_t low, high;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const { return k.low; }
  };
  struct KeyEqual {
    bool operator()(const Key& a, const Key& b) const { return a.low == b.low && a.high == b.high; }
  };
  static Key key_of(std::string_view s);
  absl::flat_hash_map<Key, std::uint32_t, KeyHash, KeyEqual> ids_;
  std::deque<std::string> strings_;
  // The code points of the compared values that are not ASCII, by id: few (names and units are
  // compared folded), so kept apart rather than as an empty string beside each of millions of ids.
  absl::flat_hash_map<std::uint32_t, std::u32string> u32_;
  // Per id: its length in code points (8 bits, 255 for longer), whether it is not ASCII (1 bit)
  // and which characters it holds (23 bits, each code point hashed to one). Two values one edit
  // apart differ by at most one in length and at most two in those bits, so most pairs are told
  // apart here, in one dense array, without reading either string (two cache misses each, in a
  // table of millions); and two ASCII values are compared without a look at u32_.
  std::vector<std::uint32_t> sketch_;
  static constexpr std::uint32_t kNotAscii = 1u << 23;
  static constexpr std::uint32_t kChars = kNotAscii - 1;
  static std::uint32_t sketch_of(std::string_view s);
  template <class Compare>
  auto on_values(std::uint32_t a, std::uint32_t b, Compare compare) const;
};

/// A record's prepared value of one column: a view of its slots in the table (valid while the
/// table lives). Per comparison kind, what the slots hold (slots_of(kind) of them):
///  person_name: exact (tone key), folded full, folded family, folded middle(s), folded given
///  text:        exact, folded;   date: yyyymmdd packed (0 = none), precision (1 y, 2 m, 3 d)
///  identifier:  value, the length of a citizen ID (its numbering scheme; 0 for other columns)
///  exact, unit: value;           province: the 2-digit code of today's province as a number
///  source:      the record's source (its name, interned)
struct Feature {
  const std::uint32_t* slot;
  bool present() const { return slot[0] != 0; }
};

/// How many slots a column of this kind keeps per record: a million persons' two million records
/// hold each column, so a date does not pay for a name's five.
std::size_t slots_of(ComparisonKind kind);

/// What the store keeps of a record for incremental matching (on its link): a stable 64-bit hash
/// (XXH3) of its key under each blocking rule, and of the value each term-frequency comparison
/// counts. With them a run finds a changed record's block neighbours, and counts term
/// frequencies over every record, without reading the records themselves. 0: no key. Under a
/// rule with when_one_lacks the lowest bit of the key says whether the record lacks that value:
/// records share the rule's block when their keys agree but for that bit.
struct MatchKeys {
  std::vector<std::uint64_t> block;  // per blocking rule
  std::vector<std::uint64_t> term;   // per comparison with term_frequency, in settings order

  /// Under a rule with when_one_lacks, the key kept for a record of block `key` that lacks the
  /// value or not (the lowest bit), and what the kept key says: its block and whether it lacks.
  static std::uint64_t with_lacks(std::uint64_t key, bool lacks) {
    const std::uint64_t block = key & ~std::uint64_t{1};
    return (block ? block : 2) | (lacks ? 1 : 0);  // never 0, which means no key
  }
  static std::uint64_t block_of(std::uint64_t kept) { return kept & ~std::uint64_t{1}; }
  static bool lacks(std::uint64_t kept) { return (kept & 1) != 0; }

  /// 8 bytes per hash, little-endian: blocks, then terms.
  std::string encode() const;
  /// The same of `n` hashes laid out flat (blocks, then terms).
  static std::string encode(const std::uint64_t* hashes, std::size_t n);
  /// The same, into `out` (its buffer reused).
  static void encode_to(const std::uint64_t* hashes, std::size_t n, std::string& out);
  /// nullopt when `bytes` does not have the layout `settings` gives (written under other settings).
  static std::optional<MatchKeys> decode(std::string_view bytes, const MatchSettings& settings);
  /// The same into `out` (blocks then terms, `width` hashes; two million records need no
  /// allocation each); false when `bytes` do not hold `width` hashes.
  static bool decode_to(std::string_view bytes, std::size_t width, std::uint64_t* out);
};

/// How often each value of a term-frequency comparison occurs among all active records; shared
/// by a full run (counted from its FeatureTable) and an incremental one (counted from the keys
/// kept in the store), so that both weigh a pair the same. Built single-threaded, then read-only.
class TermFrequencies {
 public:
  explicit TermFrequencies(const MatchSettings& settings);
  void add(const MatchKeys& keys) { add_terms(keys.term.data(), keys.term.size()); }
  /// `terms`: the term hashes of one record (MatchKeys::term), `n` of them.
  void add_terms(const std::uint64_t* terms, std::size_t n);
  /// Call once after the last add(): computes the mean frequency of an agreeing value.
  void finish();
  /// How much more (or less) common the value `term` of comparison `c` is than an average
  /// agreeing value; 1 when the comparison counts none.
  /// `part`: 0 the value, 1 a name's given name (ComparisonSpec::term_slots).
  double factor(std::size_t c, std::uint64_t term, std::size_t part = 0) const;

 private:
  std::vector<int> slot_;  // per comparison: index into counts_, or -1
  std::vector<absl::flat_hash_map<std::uint64_t, std::uint32_t>> counts_;
  std::vector<double> mean_, total_;  // per slot: Σf³/Σf², records with a value
};

class FeatureTable {
 public:
  /// `normalized`, when given, holds each record's canonical values already normalised (parallel
  /// to `records`, text::normalize_record); otherwise they are normalised here the same way.
  /// `frequencies`, when given, are the term frequencies of all records (the table then holds
  /// only some of them); otherwise they are counted over `records`. Not owned; must outlive it.
  FeatureTable(const std::vector<const sdk::SourceRecord*>& records, const MatchSettings& settings,
               const std::vector<text::NormalizedFields>* normalized = nullptr,
               const TermFrequencies* frequencies = nullptr);

  std::size_t size() const { return records_; }
  const MatchSettings& settings() const { return settings_; }
  /// A record's prepared `value` of comparison c (not its `with` value of a cross-field one).
  Feature at(std::size_t record, std::size_t comparison) const { return column(record, comparison); }
  const StringPool& pool() const { return pool_; }
  /// The valid identity value (citizen ID) of a record, or 0.
  std::uint32_t identity(std::size_t record) const { return identity_[record]; }
  /// How precisely a record dates: the sum, over the date comparisons, of its value's precision
  /// (3 a full date, 2 a month, 1 a year, 0 none).
  std::uint32_t date_precision(std::size_t record) const {
    std::uint32_t sum = 0;
    for (std::size_t c = 0; c < settings_.comparisons.size(); ++c)
      if (settings_.comparisons[c].kind == ComparisonKind::kDate) sum += column(record, c).slot[1];
    return sum;
  }
  /// The source a record came from.
  const std::string& source(std::size_t record) const { return source_[record]->source; }
  /// Whether a record's citizen ID contradicts the record's own birth year or gender.
  bool identity_suspect(std::size_t record) const { return suspect_[record] != 0; }
  /// Whether an identity value is suspect in every record that carries it (a value some record
  /// confirms is not): what a cluster's IDs are weighed by.
  bool suspect_id(std::uint32_t id) const { return suspect_ids_.contains(id); }
  /// The blocking key of record i under rule b (0 when the record lacks a part of it).
  std::uint64_t block_key(std::size_t b, std::size_t i) const { return block_keys_[b][i]; }
  /// Whether record i has no value under rule b's when_one_lacks part (false when the rule sets
  /// none): such a record pairs with every member of its block, others only with such records.
  bool block_lacks(std::size_t b, std::size_t i) const { return !block_lacks_[b].empty() && block_lacks_[b][i]; }
  /// Whether rule b pairs only where one record lacks a value (BlockingRule::when_one_lacks).
  bool block_pairs_lacking(std::size_t b) const { return !block_lacks_[b].empty(); }
  /// What the store keeps of record i for incremental matching.
  MatchKeys keys(std::size_t i) const;
  /// The same flat into `out`: key_width() hashes, blocks then terms (no allocation per record).
  void keys_to(std::size_t i, std::uint64_t* out) const;
  std::size_t key_width() const { return block_keys_.size() + terms_per_record(); }
  /// A value under a blocking transform ("" when the transform does not apply).
  static std::string transform(const std::string& value, const std::string& transform);
  /// Human-readable value of a comparison for a record (for explanations).
  std::string display(std::size_t record, std::size_t comparison) const;
  /// A record's normalised value of a canonical field ("" when absent or not understood).
  std::string canonical(std::size_t record, std::string_view field) const;

  /// Comparison level of records i and j for comparison c (kNullLevel when either lacks it).
  std::uint8_t level(std::size_t c, std::size_t i, std::size_t j) const;
  /// Hints to the processor (no effect on results): fetch record `r`'s prepared values, and
  /// then (once those have arrived) the strings they name. A pair's second record lies anywhere
  /// in the table, so comparing waits on memory more than it computes; a caller walking pairs
  /// asks for the records a few pairs ahead.
  void prefetch(std::size_t r) const {
    const auto* row = reinterpret_cast<const char*>(&slots_[r * stride_]);
    for (std::size_t b = 0; b < stride_ * sizeof(std::uint32_t); b += 64) __builtin_prefetch(row + b);
    __builtin_prefetch(&identity_[r]);
    if (!terms_.empty()) __builtin_prefetch(&terms_[r * terms_per_record()]);
  }
  void prefetch_values(std::size_t r) const {
    for (std::size_t slot : compared_slots_) pool_.prefetch(slots_[r * stride_ + slot]);
  }
  /// Number of levels of comparison c and their names, strongest last.
  static std::vector<std::string> level_names(ComparisonKind kind);
  /// Term-frequency factor for the agreeing value of comparison c between i and j: how much more
  /// (or less) common it is than an average agreeing value; 1 when not applicable.
  double tf_factor(std::size_t c, std::size_t i, std::size_t j, std::uint8_t level) const;

 private:
  /// `field`: the index of a canonical `v` in sdk::kCanonicalFields (text::field_index), looked
  /// up once by the caller rather than once per record.
  std::string value_of(std::size_t record, const ValueRef& v, std::optional<std::size_t> field, bool& valid) const;
  /// The same without a copy where it can: a view of the normalised value, or of `storage`
  /// holding an attribute's cleaned text.
  std::string_view value_view(std::size_t record, const ValueRef& v, std::optional<std::size_t> field, bool& valid,
                              std::string& storage) const;
  Feature column(std::size_t record, std::size_t column) const { return {&slots_[record * stride_ + offset_[column]]}; }
  std::uint8_t level_of(ComparisonKind kind, Feature a, Feature b) const;

  const MatchSettings& settings_;
  const std::vector<text::NormalizedFields>* normalized_ = nullptr;
  std::vector<text::NormalizedFields> owned_normalized_;  // when the caller gave none
  std::size_t records_ = 0;
  std::size_t width_ = 0;    // comparisons
  std::size_t columns_ = 0;  // prepared values per record: one per comparison, then the `with` ones
  std::vector<std::size_t> with_column_;  // per comparison: its `with` column, 0 when not cross-field
  StringPool pool_;
  // Sized unwritten: the preparing threads zero each record's rows (and fault their pages in)
  // before the interning thread fills them (base/uninitialized.hpp).
  base::UninitializedVector<std::uint32_t> slots_;  // per record, its columns' slots (offset_), stride_ in all
  std::vector<std::size_t> offset_;   // per column
  std::size_t stride_ = 0;
  std::vector<std::size_t> compared_slots_;  // offsets in a row of the values compared by edit distance
  base::UninitializedVector<std::uint32_t> identity_;
  base::UninitializedVector<char> suspect_;     // per record (identity_suspect)
  absl::flat_hash_set<std::uint32_t> suspect_ids_;
  std::vector<base::UninitializedVector<std::uint64_t>> block_keys_;  // per rule, per record (MatchKeys::block)
  std::vector<base::UninitializedVector<char>> block_lacks_;  // per rule with when_one_lacks, per record; empty otherwise
  base::UninitializedVector<std::uint64_t> terms_;  // per record, per term-frequency comparison (MatchKeys::term)
  std::vector<int> term_slot_;        // per comparison: index into a record's terms, or -1
  std::size_t terms_per_record() const { return records_ ? terms_.size() / records_ : 0; }
  std::vector<const sdk::SourceRecord*> source_;
  std::optional<TermFrequencies> own_frequencies_;  // when the caller gave none
  const TermFrequencies* frequencies_ = nullptr;
};

}  // namespace hopnhat::match
