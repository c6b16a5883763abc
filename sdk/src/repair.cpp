#include <array>
#include <cstdint>

#include "hopnhat/sdk/text.hpp"
#include "utf8.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
namespace {

// The characters Windows-1252 shows for bytes 0x80–0x9F, by byte (0 where the byte is unused);
// 0xA0–0xFF are Latin-1 itself. Built once from the decoder so the two cannot disagree.
const std::array<char32_t, 32>& cp1252_high() {
  static const std::array<char32_t, 32> kTable = [] {
    std::array<char32_t, 32> t{};
    for (int b = 0x80; b < 0xA0; ++b) {
      std::string out;
      if (!decode(std::string(1, static_cast<char>(b)), Encoding::kWindows1258, out)) continue;
      std::size_t at = 0;
      char32_t c = out.empty() ? 0xFFFFFFFF : utf8::next(out, at);
      if (c != 0xFFFFFFFF && at == out.size()) t[static_cast<std::size_t>(b - 0x80)] = c;
    }
    return t;
  }();
  return kTable;
}

// The byte a Windows-1252 reading turned into `c`, or -1 when no byte shows as `c`.
int cp1252_byte(char32_t c) {
  if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) return static_cast<int>(c);
  const auto& high = cp1252_high();
  for (std::size_t i = 0; i < high.size(); ++i)
    if (high[i] == c) return static_cast<int>(0x80 + i);
  return -1;
}

}  // namespace

std::optional<std::string> repair_legacy_text(std::string_view utf8, Encoding encoding) {
  // Quick exits: plain ASCII has nothing to repair, and a letter only Vietnamese text has
  // (lead bytes E1: ạ…ỹ; C4: ă đ ĩ) shows the text was decoded right.
  bool high = false;
  for (char ch : utf8) {
    auto b = static_cast<unsigned char>(ch);
    if (b == 0xE1 || b == 0xC4) return std::nullopt;
    high = high || b >= 0x80;
  }
  if (!high) return std::nullopt;
  // The bytes a Windows-1252 reading of the legacy text started from.
  std::string bytes;
  bytes.reserve(utf8.size());
  for (std::size_t at = 0; at < utf8.size();) {
    int b = cp1252_byte(utf8::next(utf8, at));
    if (b < 0) return std::nullopt;  // a character no 8-bit reading makes
    bytes.push_back(static_cast<char>(b));
  }
  if (encoding == Encoding::kTcvn3 || encoding == Encoding::kVni) {
    std::string forced;
    if (!decode(bytes, encoding, forced)) return std::nullopt;
    return forced;
  }
  // A reading wins only over a worse-scoring original and only when it reads as Vietnamese; the
  // original is scored once a reading could win, as most text read right yields none that can.
  std::optional<int> best_score;
  std::optional<std::string> best;
  for (Encoding e : {Encoding::kTcvn3, Encoding::kVni}) {
    std::string candidate;
    if (!decode(bytes, e, candidate)) continue;
    int score = vietnamese_score(candidate);
    if (score <= 0) continue;
    if (!best_score) best_score = vietnamese_score(utf8);
    if (score > *best_score) {
      best_score = score;
      best = std::move(candidate);
    }
  }
  return best;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
