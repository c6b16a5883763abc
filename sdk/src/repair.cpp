#include <unicode/unistr.h>

#include <map>

#include "hopnhat/sdk/text.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
namespace {

// Windows-1252 bytes 0x80–0x9F by the character they show; 0xA0–0xFF are Latin-1 itself.
const std::map<UChar32, unsigned char>& cp1252_high() {
  static const std::map<UChar32, unsigned char> kMap = [] {
    std::map<UChar32, unsigned char> m;
    for (int b = 0x80; b < 0xA0; ++b) {
      std::string out;
      std::string byte(1, static_cast<char>(b));
      if (!decode(byte, Encoding::kWindows1258, out)) continue;
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(out);
      if (u.countChar32() == 1) m.emplace(u.char32At(0), static_cast<unsigned char>(b));
    }
    return m;
  }();
  return kMap;
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
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::string bytes;
  high = false;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    UChar32 c = u.char32At(i);
    if (c < 0x80) { bytes.push_back(static_cast<char>(c)); continue; }
    if (c >= 0xA0 && c <= 0xFF) { bytes.push_back(static_cast<char>(c)); high = true; continue; }
    auto it = cp1252_high().find(c);
    if (it == cp1252_high().end()) return std::nullopt;  // a character no 8-bit reading makes
    bytes.push_back(static_cast<char>(it->second));
    high = true;
  }
  if (!high) return std::nullopt;
  if (encoding == Encoding::kTcvn3 || encoding == Encoding::kVni) {
    std::string forced;
    if (!decode(bytes, encoding, forced)) return std::nullopt;
    return forced;
  }
  int best_score = vietnamese_score(utf8);
  std::optional<std::string> best;
  for (Encoding e : {Encoding::kTcvn3, Encoding::kVni}) {
    std::string candidate;
    if (!decode(bytes, e, candidate)) continue;
    int score = vietnamese_score(candidate);
    if (score > best_score && score > 0) {
      best_score = score;
      best = candidate;
    }
  }
  return best;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
