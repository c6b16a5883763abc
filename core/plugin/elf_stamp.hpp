// Reading a plugin's stamp from its file, without loading it: dlopen runs a library's static
// initialisers inside the host before any check could refuse it, so the ABI stamp and the
// factory symbols are looked up in the ELF file itself (its dynamic symbol table, and the
// stamp's four bytes in the section that holds it). Only what the plugin exports is read; every
// offset is checked against the file's size, so a truncated or hostile file is an error, not a
// crash. Stateless and thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>

namespace hopnhat::plugin {

struct ElfExports {
  std::set<std::string> symbols;       // names of the defined dynamic symbols
  std::optional<int> abi_stamp;        // the value of hopnhat_plugin_abi_version, if exported
};

/// The exports of a 64-bit little-endian ELF shared library. Throws std::runtime_error with the
/// reason when the file is not one (or is damaged).
ElfExports read_elf_exports(const std::filesystem::path& library, const std::string& stamp_symbol);

}  // namespace hopnhat::plugin
