#include "hopnhat/sdk/files.hpp"

#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

std::string column_letter(std::size_t index) {
  std::string s;
  ++index;
  while (index > 0) {
    s.insert(s.begin(), static_cast<char>('A' + (index - 1) % 26));
    index = (index - 1) / 26;
  }
  return s;
}

std::string temp_path_beside(const std::string& target, std::string_view suffix) {
  // The process id keeps two runs that export to one file (which the run lock should prevent)
  // from writing into each other's temporary.
  return target + ".tmp-" + std::to_string(::getpid()) + std::string(suffix);
}

Status replace_file(const std::string& temp, const std::string& target) {
  std::error_code ec;
  std::filesystem::rename(temp, target, ec);
  if (ec) return Status::io_error(target + ": cannot replace the file (" + ec.message() + ")");
  return Status::ok();
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
