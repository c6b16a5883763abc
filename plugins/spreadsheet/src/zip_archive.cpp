#include "zip_archive.hpp"

#include <zip.h>

namespace hopnhat_sheet {

ZipArchive::ZipArchive(const std::string& path, std::uint64_t max_total_bytes) : path_(path), max_total_(max_total_bytes) {
  int err = 0;
  archive_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!archive_) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    std::string why = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw SheetError(path + ": not a readable XLSX/ODS file (" + why +
                     "); an old .xls or a web page saved as .xlsx is not a zip archive");
  }
  zip_int64_t n = zip_get_num_entries(archive_, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const char* raw = zip_get_name(archive_, static_cast<zip_uint64_t>(i), 0);
    std::string name = raw ? raw : "";
    if (name.empty() || name[0] == '/' || name.find("..") != std::string::npos || name.find('\\') != std::string::npos) {
      // A constructor that throws runs no destructor: the archive is closed here.
      zip_discard(archive_);
      archive_ = nullptr;
      throw SheetError(path + ": refused: the archive holds an entry with a path trick (\"" + name + "\")");
    }
  }
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

bool ZipArchive::has(const std::string& name) const { return zip_name_locate(archive_, name.c_str(), 0) >= 0; }

std::int64_t ZipArchive::index_checked(const std::string& name) {
  zip_int64_t i = zip_name_locate(archive_, name.c_str(), 0);
  if (i < 0) throw SheetError(path_ + ": the part " + name + " is missing");
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(archive_, static_cast<zip_uint64_t>(i), 0, &st) != 0)
    throw SheetError(path_ + ": " + name + ": cannot read its size");
  if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && st.size > (16u << 20) &&
      st.size / (st.comp_size + 1) > 200)
    throw SheetError(path_ + ": refused: " + name + " expands " + std::to_string(st.size / (st.comp_size + 1)) +
                     "-fold to " + std::to_string(st.size >> 20) + " MiB (a zip bomb?)");
  if ((st.valid & ZIP_STAT_SIZE) && expanded_ + st.size > max_total_)
    throw SheetError(path_ + ": refused: the archive expands beyond " + std::to_string(max_total_ >> 20) +
                     " MiB (option max_uncompressed_mb)");
  return i;
}

std::string ZipArchive::read(const std::string& name) {
  std::string out;
  stream(name, [&](std::string_view c) { out.append(c); });
  return out;
}

void ZipArchive::stream(const std::string& name, const std::function<void(std::string_view)>& chunk) {
  zip_int64_t i = index_checked(name);
  zip_file_t* f = zip_fopen_index(archive_, static_cast<zip_uint64_t>(i), 0);
  if (!f) throw SheetError(path_ + ": " + name + ": cannot open (" + zip_strerror(archive_) + ")");
  char buf[1 << 16];
  while (true) {
    zip_int64_t n = zip_fread(f, buf, sizeof buf);
    if (n < 0) {
      std::string why = zip_file_strerror(f);
      zip_fclose(f);
      throw SheetError(path_ + ": " + name + ": the file is damaged or cut short (" + why + ")");
    }
    if (n == 0) break;
    expanded_ += static_cast<std::uint64_t>(n);
    if (expanded_ > max_total_) {  // sizes in the directory can lie
      zip_fclose(f);
      throw SheetError(path_ + ": refused: the archive expands beyond " + std::to_string(max_total_ >> 20) +
                       " MiB (option max_uncompressed_mb)");
    }
    try {
      chunk(std::string_view(buf, static_cast<std::size_t>(n)));
    } catch (...) {
      zip_fclose(f);
      throw;
    }
  }
  zip_fclose(f);
}

}  // namespace hopnhat_sheet
