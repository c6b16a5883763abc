// The schema migrations compiled into hopnhat, generated at build time from the files of
// core/store/migrations/sqlite/ and .../postgres/ (core/CMakeLists.txt): version N is the N-th
// file name, "NNN_name.sql", and the build checks that the numbers run 1, 2, 3 … without gaps.
// A later issue adds a file to each folder; a shipped migration is never edited.
// Read-only data made at build time: safe to use from any thread.
#pragma once

#include <span>
#include <string_view>

namespace hopnhat::store::embedded {

/// The migration files of each backend, in version order (their base names).
std::span<const std::string_view> migration_names();
std::span<const std::string_view> postgres_migration_names();
/// The SQL of one migration by its base name; empty when the build has no such file.
std::string_view migration_file(std::string_view file_name);
std::string_view postgres_migration_file(std::string_view file_name);

}  // namespace hopnhat::store::embedded
