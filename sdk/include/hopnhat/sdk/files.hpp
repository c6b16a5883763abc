// hopnhat SDK — small helpers that importers and exporters of files share.
//
// An exporter writes its file beside the target under a temporary name and renames it over the
// target when it is complete: a reader (or a person with the file open) sees the old file or the
// new one, never half of one, and a failed export leaves the last good file in place.
// `column_letter` names a spreadsheet column the way a person sees it ("A", "AB"), for messages.
//
// Thread-safety: pure functions of their arguments (and the file system); safe to call from
// several threads at once.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "hopnhat/sdk/status.hpp"
#include "hopnhat/sdk/version.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

/// "A", "B", …, "Z", "AA", … for the 0-based column `index`.
std::string column_letter(std::size_t index);

/// The name to write `target` under before it replaces it: "<target>.tmp-<pid><suffix>", in the
/// same folder (a rename within one file system is atomic). `suffix` is for writers that choose
/// the format by the extension (".xlsx").
std::string temp_path_beside(const std::string& target, std::string_view suffix = {});

/// Renames the complete file `temp` over `target`. On failure an io_error naming `target` ("…:
/// cannot replace the file (reason)"); `temp` is left for the caller to remove or keep.
Status replace_file(const std::string& temp, const std::string& target);

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
