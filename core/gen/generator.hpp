// Synthetic staff data of a merged district agency, never real personal data: persons drawn
// from the name and code tables, then written as the three kinds of source the agency has — a
// party-member database export, a civil-servant system export and an office spreadsheet saved in
// TCVN3 — with the noise such sources carry, and a ground-truth file linking every record to
// its person. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace hopnhat::gen {

struct GenOptions {
  std::int64_t persons = 100;
  std::uint64_t seed = 1;
  std::filesystem::path out_dir;
};

struct GenSummary {
  std::int64_t persons = 0;
  std::int64_t party_records = 0;
  std::int64_t civil_records = 0;
  std::int64_t office_records = 0;
};

/// Writes party_members.csv, civil_servants.csv, office_staff_tcvn3.csv, truth.csv and
/// hopnhat.json (a configuration that syncs them) into `out_dir`. Throws std::runtime_error.
GenSummary generate(const GenOptions& options);

/// Encodes UTF-8 text as TCVN3 bytes (the inverse of sdk::decode with tcvn3).
std::string encode_tcvn3(const std::string& utf8);

}  // namespace hopnhat::gen
