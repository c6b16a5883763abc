// A zip archive (XLSX, ODS) read with limits, so that a hostile file ends in a clear error:
// entries with path tricks are refused, the total expanded size is capped, and an entry that
// expands more than 200-fold beyond 16 MiB is taken for a zip bomb. One thread at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

struct zip;

namespace hopnhat_sheet {

class SheetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ZipArchive {
 public:
  ZipArchive(const std::string& path, std::uint64_t max_total_bytes);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  bool has(const std::string& name) const;
  /// The whole entry (for small parts: workbook, styles, shared strings).
  std::string read(const std::string& name);
  /// The entry in chunks, for sheets that may be large.
  void stream(const std::string& name, const std::function<void(std::string_view)>& chunk);

 private:
  std::int64_t index_checked(const std::string& name);
  std::string path_;
  zip* archive_ = nullptr;
  std::uint64_t max_total_;
  std::uint64_t expanded_ = 0;
};

}  // namespace hopnhat_sheet
