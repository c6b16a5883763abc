// Byte tables of the legacy Vietnamese encodings, parsed once from the embedded TSV files.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace hopnhat::sdk::legacy {

struct Tables {
  std::array<char32_t, 256> tcvn3{};    // byte → code point (0 = undefined)
  std::array<char32_t, 256> cp1258{};   // byte → code point (0 = undefined)
  std::map<std::string, char32_t> vni;  // 1- or 2-byte VNI sequence → letter
};

/// The tables; built on first use, immutable afterwards.
const Tables& tables();

}  // namespace hopnhat::sdk::legacy
