#include "sync/record_hash.hpp"

#include <cstdint>
#include <cstdio>

namespace hopnhat::sync {
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

std::string legacy_content_hash(const sdk::SourceRecord& record) {
  Digest d;
  d.text(record.id);
  d.byte('F');
  for (const auto& [k, v] : record.fields) { d.text(k); d.text(v); }
  d.byte('A');
  for (const auto& [k, v] : record.attributes) { d.text(k); d.text(v); }
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(d.a), static_cast<unsigned long long>(d.b));
  return out;
}

bool same_content(std::string_view stored_hash, const sdk::SourceRecord& record) {
  if (stored_hash.size() == 32) return stored_hash == legacy_content_hash(record);
  return stored_hash == record.content_hash;
}

}  // namespace hopnhat::sync
