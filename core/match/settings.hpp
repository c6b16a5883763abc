// What the matcher compares and how candidate pairs are found: the `match` section of the
// configuration, or defaults for Vietnamese staff data. Plain values.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hopnhat::match {

/// A value of a record: a canonical field (normalised by its type) or a raw attribute (by its
/// column heading, cleaned to NFC with single spaces).
struct ValueRef {
  std::string name;
  bool canonical = true;
};

enum class ComparisonKind {
  kPersonName,  // a full Vietnamese name: exact, folded, one typo, syllables aligned, Jaro–Winkler
  kText,        // exact, folded, one typo, Jaro–Winkler 0.90 and 0.80
  kDate,        // exact, day/month swapped, partial precision, one digit, same year, a year apart
  kIdentifier,  // exact, one typing error (Damerau–Levenshtein 1)
  kExact,       // equal or not
  kUnit,        // an agency or unit: same after abbreviations and party prefixes, one typo, one within the other
  kProvince,    // the province of today a place names, or a CCCD was registered in: same or not
  kSource,      // the records' sources: one source or two (reads no value; `value` is "source")
};

/// The levels of a comparison kind, weakest ("different") first: a pair's level is the
/// strongest that holds. Part of the stored model: a model trained under other levels is not
/// used (settings_to_json carries them).
const std::vector<std::string>& level_names(ComparisonKind kind);

struct ComparisonSpec {
  std::string label;  // shown in explanations: the value's name
  ValueRef value;
  ComparisonKind kind = ComparisonKind::kExact;
  bool term_frequency = false;  // agreement on a common value counts for less
  /// A cross-field comparison: record a's `value` against record b's `with` and b's `value`
  /// against a's `with`, the better level of the two ("party_unit" with "org_unit", a given name
  /// with a family name written in its place). Empty name: `value` against `value`.
  ValueRef with{"", true};
  bool crosswise() const { return !with.name.empty(); }

  /// How many term-frequency counts the comparison keeps per record: none; the value; for a
  /// person's name also the given name (agreement on family and given name with the middle name
  /// dropped or changed is worth less for "Hùng" than for "Mận").
  std::size_t term_slots() const {
    if (!term_frequency || crosswise()) return 0;  // a cross-field agreement has no one value to count
    return kind == ComparisonKind::kPersonName ? 2 : 1;
  }
};

/// One part of a blocking key: a value and a transform ("value", "fold", "year", "year_month"
/// (a date's year and month, when it has a month), "year_day" (its year and day, when it has a
/// day), "day_month" (the year, and day and month in sorted order, so swaps block together),
/// "day_month_no_year" (the same without the year), "given", "family", "family_middle" (the
/// name without its given name), "prefix3").
struct BlockingPart {
  ValueRef value;
  std::string transform = "value";
};

/// Records that agree on every part of the rule's key are candidate pairs.
struct BlockingRule {
  std::vector<BlockingPart> parts;
  /// When set, two records of a block are a pair only when one of them has no value under this
  /// part. A block of folded name and birth year holds every namesake born that year (in a
  /// large agency, most of the candidate pairs), yet what only it can bring together is a
  /// record whose birth date lacks the day or month: full dates meet under finer rules.
  std::optional<BlockingPart> when_one_lacks;

  BlockingRule() = default;
  BlockingRule(std::initializer_list<BlockingPart> p) : parts(p) {}
  BlockingRule(std::vector<BlockingPart> p, std::optional<BlockingPart> lacks = std::nullopt)
      : parts(std::move(p)), when_one_lacks(std::move(lacks)) {}
};

struct MatchSettings {
  double definite = 0.95;   // at or above: linked automatically
  double candidate = 0.60;  // at or above (and below definite): a review case
  std::vector<BlockingRule> blocking;
  std::vector<ComparisonSpec> comparisons;
  int em_iterations = 25;
  std::size_t max_block_size = 2000;  // larger blocks are skipped (and reported) as too common
  /// Up to this share of records new, changed or deleted, a run re-matches only the records
  /// near them under the last run's model; above it, every record, with a new model. Not part
  /// of the model: changing it changes when a model is trained, not what it is.
  double incremental_limit = 0.10;
  /// A person holding more records than this is opened as a review case (`oversized_person`):
  /// each source holds a person once or twice, so far more records mean chained namesakes. 0
  /// until the configuration sets it (3 × its number of sources when `match` does not say).
  /// Not part of the model either.
  std::size_t max_person_records = 0;
  /// A value whose exact agreement links records by itself and whose disagreement (two valid,
  /// different values) forbids a link: the citizen ID.
  std::string identity_field = "citizen_id";

  /// Term-frequency counts per record over all comparisons (ComparisonSpec::term_slots).
  std::size_t term_width() const {
    std::size_t n = 0;
    for (const auto& c : comparisons) n += c.term_slots();
    return n;
  }

  /// Whether a comparison or a blocking rule reads a raw attribute (then matching needs the
  /// records' attributes, not only their normalised fields).
  bool uses_attributes() const {
    for (const auto& c : comparisons)
      if (c.kind != ComparisonKind::kSource && (!c.value.canonical || (c.crosswise() && !c.with.canonical))) return true;
    for (const auto& rule : blocking) {
      for (const auto& part : rule.parts)
        if (!part.value.canonical) return true;
      if (rule.when_one_lacks && !rule.when_one_lacks->value.canonical) return true;
    }
    return false;
  }
};

/// The defaults: citizen ID, full name, birth date, gender, phone, other IDs, hometown, unit, and
/// the party cell against the unit (cross-field); blocking on citizen ID; folded full name with
/// birth year and month, with birth year and day, and with birth year where one date lacks the
/// day or month; given name, or family and middle name, with the full birth date; folded full
/// name with day and month of birth; phone, party card number, social insurance number.
MatchSettings default_settings();

/// Reads the configuration's `match` object over the defaults. Throws std::invalid_argument with
/// the JSON path ("match.comparisons[1].kind: …").
MatchSettings parse_settings(const nlohmann::json& match);

/// The settings as JSON (stored with each run's model, shown by explain).
nlohmann::json settings_to_json(const MatchSettings& settings);

const char* kind_name(ComparisonKind kind);

}  // namespace hopnhat::match
