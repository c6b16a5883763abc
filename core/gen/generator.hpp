// Synthetic staff data of a merged district agency, never real personal data: persons drawn
// from the name and code tables, then written as the three kinds of source the agency has — a
// party-member database export, a civil-servant system export and an office spreadsheet saved in
// TCVN3 — with the noise such sources carry, and a ground-truth file linking every record to
// its person. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace hopnhat::gen {

/// The noise knobs: each, when set, replaces the generator's own rate (so that data made
/// without them stays the same for a seed). Shares are of rows (records) unless said otherwise.
struct NoiseKnobs {
  std::optional<double> missing_cccd;  // party and office rows without a CCCD (default 12% / 8%)
  std::optional<double> cccd_typo;     // rows whose CCCD has one keystroke error anywhere, every source (default: 1% of civil rows, in the serial)
  std::optional<double> namesakes;     // persons with the full name and birth year of another (default 3%)
  std::optional<double> name_typo;     // rows with a typing error in the name, every source (default 3% of civil rows)
};

struct GenOptions {
  std::int64_t persons = 100;
  std::uint64_t seed = 1;
  std::filesystem::path out_dir;
  NoiseKnobs noise;
  /// A merger scenario (issue #21): units.csv (with each unit's quota; the merged unit's is
  /// below its predecessors' staff) and crosswalk.csv (two of the offices merge on
  /// 2025-07-01), the configuration's "organisation", party cells named after each member's
  /// unit, unit names spelled differently per source (office sheets abbreviate: "P. Nội vụ",
  /// "Phòng TCCB", "VP"), truth_units.csv (each person's true unit code before the merger), and
  /// the civil-service system's postings history (civil_postings.csv: transfers between units,
  /// the move into the merged unit — where the heads of Phòng Nội vụ become deputies —, persons
  /// who joined after the merger or left) with its truth
  /// (truth_postings.csv: person, unit_code, position, from, to).
  /// Without it the files are exactly those of earlier versions for the same seed.
  bool merger = false;
};

struct GenSummary {
  std::int64_t persons = 0;
  std::int64_t party_records = 0;
  std::int64_t civil_records = 0;
  std::int64_t office_records = 0;
};

/// Writes party_members.csv, civil_servants.csv, office_staff_tcvn3.csv, truth.csv (record →
/// person), truth_persons.csv (each person's true full_name, birth_date, gender, citizen_id) and
/// hopnhat.json (a configuration that syncs them) into `out_dir`; with `merger`, also the
/// organisation's files (GenOptions::merger). Throws std::runtime_error.
GenSummary generate(const GenOptions& options);

/// Encodes UTF-8 text as TCVN3 bytes (the inverse of sdk::decode with tcvn3).
std::string encode_tcvn3(const std::string& utf8);

}  // namespace hopnhat::gen
