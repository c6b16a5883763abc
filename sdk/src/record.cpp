#include "hopnhat/sdk/record.hpp"

#include <cstdio>
#include <fstream>

// Compiled in (header-only use): the SDK's users need not link xxHash.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
namespace {

// Two independent 64-bit FNV-1a streams (different offset bases) give a 128-bit digest; the
// input is length-prefixed so that ("ab","c") and ("a","bc") differ.
struct Digest {
  std::uint64_t a = 0xcbf29ce484222325ULL;
  std::uint64_t b = 0x84222325cbf29ce4ULL;
  void byte(unsigned char c) {
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x100000001b3ULL;
    b ^= b >> 29;
  }
  void text(const std::string& s) {
    std::uint64_t n = s.size();
    for (int i = 0; i < 8; ++i) byte(static_cast<unsigned char>(n >> (8 * i)));
    for (char c : s) byte(static_cast<unsigned char>(c));
  }
};

}  // namespace

std::string compute_content_hash(const SourceRecord& record) {
  Digest d;
  d.text(record.id);
  d.byte('F');
  for (const auto& [k, v] : record.fields) { d.text(k); d.text(v); }
  d.byte('A');
  for (const auto& [k, v] : record.attributes) { d.text(k); d.text(v); }
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(d.a),
                static_cast<unsigned long long>(d.b));
  return out;
}

namespace {

std::string hex128(XXH128_hash_t h) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(h.high64), static_cast<unsigned long long>(h.low64));
  return out;
}

// The salt's length first, so that (salt, bytes) pairs cannot run into each other.
void start(XXH3_state_t* state, std::string_view salt) {
  XXH3_128bits_reset(state);
  const std::uint64_t n = salt.size();
  XXH3_128bits_update(state, &n, sizeof n);
  XXH3_128bits_update(state, salt.data(), salt.size());
}

}  // namespace

std::string fingerprint(std::string_view bytes, std::string_view salt) {
  XXH3_state_t state;
  start(&state, salt);
  XXH3_128bits_update(&state, bytes.data(), bytes.size());
  return hex128(XXH3_128bits_digest(&state));
}

std::optional<std::string> fingerprint_file(const std::string& path, std::string_view salt) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  XXH3_state_t state;
  start(&state, salt);
  std::string buf(1 << 20, '\0');
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    XXH3_128bits_update(&state, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) return std::nullopt;
  return hex128(XXH3_128bits_digest(&state));
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
