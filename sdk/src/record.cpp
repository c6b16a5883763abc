#include "hopnhat/sdk/record.hpp"

#include <cstdio>
#include <fstream>

// Compiled in (header-only use): the SDK's users need not link xxHash.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
namespace {

void append_text(std::string& out, const std::string& s) {  // length-prefixed: ("ab","c") ≠ ("a","bc")
  const std::uint64_t n = s.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out += s;
}

std::string hex128(XXH128_hash_t h) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(h.high64), static_cast<unsigned long long>(h.low64));
  return out;
}

}  // namespace

std::string compute_content_hash(const SourceRecord& record) {
  thread_local std::string bytes;
  bytes.clear();
  append_text(bytes, record.id);
  bytes += 'F';
  for (const auto& [k, v] : record.fields) { append_text(bytes, k); append_text(bytes, v); }
  bytes += 'A';
  for (const auto& [k, v] : record.attributes) { append_text(bytes, k); append_text(bytes, v); }
  // Only when there is any, so a record without history keeps the hash it had under ABI 3.
  if (!record.history.empty()) {
    bytes += 'H';
    for (const auto& h : record.history) {
      append_text(bytes, h.kind);
      append_text(bytes, h.from);
      append_text(bytes, h.to);
      for (const auto& [k, v] : h.fields) { append_text(bytes, k); append_text(bytes, v); }
      bytes += '|';
    }
  }
  return "2" + hex128(XXH3_128bits(bytes.data(), bytes.size()));
}

namespace {

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
