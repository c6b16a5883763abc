#include "text/names.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <set>
#include <utility>
#include <vector>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::text {
namespace {

bool is_tone(UChar32 c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; }

struct SurnameIndex {
  std::set<std::pair<std::string, std::string>> pairs;  // folded regional pairs, both orders
};

const SurnameIndex& surname_index() {
  static const SurnameIndex kIndex = [] {
    SurnameIndex idx;
    for (const auto& s : domain_tables().surnames) {
      auto slash = s.name.find('/');
      if (slash == std::string::npos) continue;
      std::string a = sdk::fold(s.name.substr(0, slash)), b = sdk::fold(s.name.substr(slash + 1));
      idx.pairs.insert({a, b});
      idx.pairs.insert({b, a});
    }
    return idx;
  }();
  return kIndex;
}

}  // namespace

NameParts split_name(std::string_view full) {
  NameParts p;
  auto first = full.find(' ');
  if (first == std::string_view::npos) {
    p.given = std::string(full);
    return p;
  }
  auto last = full.rfind(' ');
  p.family = std::string(full.substr(0, first));
  p.given = std::string(full.substr(last + 1));
  if (last > first) p.middle = std::string(full.substr(first + 1, last - first - 1));
  return p;
}

namespace {

std::string tone_key_icu(std::string_view text) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  icu::UnicodeString d = nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))), err);
  d.foldCase();
  icu::UnicodeString out;
  UChar32 tone = 0;
  bool space = false;
  auto end_syllable = [&] {
    if (tone) out.append(tone);
    tone = 0;
  };
  for (int32_t i = 0; i < d.length(); i = d.moveIndex32(i, 1)) {
    UChar32 c = d.char32At(i);
    if (u_isUWhiteSpace(c)) { end_syllable(); space = !out.isEmpty(); continue; }
    if (space) { out.append(static_cast<UChar>(' ')); space = false; }
    if (is_tone(c)) { tone = c; continue; }
    if (c == 0xF0) c = 0x111;  // eth typed for đ
    out.append(c);
  }
  end_syllable();
  std::string s;
  out.toUTF8String(s);
  return s;
}

// Per letter of the Latin ranges: its tone-key form (NFD, case-folded, tone mark removed) and
// its tone mark; built once from tone_key_icu so both paths agree.
struct ToneTable {
  struct Entry {
    std::string base;
    UChar32 tone = 0;
    bool simple = false;
  };
  std::vector<Entry> low = std::vector<Entry>(0x300), extended = std::vector<Entry>(0x100);
  ToneTable() {
    auto fill = [](UChar32 cp, Entry& e) {
      if (u_isUWhiteSpace(cp) || cp == 0) return;
      icu::UnicodeString u(cp);
      std::string in;
      u.toUTF8String(in);
      std::string key = tone_key_icu(in);
      icu::UnicodeString k = icu::UnicodeString::fromUTF8(key);
      UChar32 last = k.isEmpty() ? 0 : k.char32At(k.moveIndex32(k.length(), -1));
      if (is_tone(last)) {
        e.tone = last;
        k.truncate(k.moveIndex32(k.length(), -1));
      }
      k.toUTF8String(e.base);
      e.simple = true;
    };
    for (UChar32 cp = 0; cp < 0x300; ++cp) fill(cp, low[static_cast<std::size_t>(cp)]);
    for (UChar32 cp = 0; cp < 0x100; ++cp) fill(0x1E00 + cp, extended[static_cast<std::size_t>(cp)]);
  }
  const Entry* get(UChar32 cp) const {
    if (cp >= 0 && cp < 0x300) return &low[static_cast<std::size_t>(cp)];
    if (cp >= 0x1E00 && cp < 0x1F00) return &extended[static_cast<std::size_t>(cp - 0x1E00)];
    return nullptr;
  }
};

}  // namespace

std::string tone_key(std::string_view text) {
  static const ToneTable kTable;
  std::string out;
  out.reserve(text.size() + 4);
  UChar32 tone = 0;
  bool space = false;
  auto end_syllable = [&] {
    if (tone) {
      char buf[4];
      int32_t n = 0;
      UBool error = false;
      U8_APPEND(buf, n, 4, tone, error);
      (void)error;  // four bytes always fit a code point
      out.append(buf, static_cast<std::size_t>(n));
    }
    tone = 0;
  };
  for (int32_t i = 0; i < static_cast<int32_t>(text.size());) {
    UChar32 c;
    U8_NEXT(text.data(), i, static_cast<int32_t>(text.size()), c);
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0) { end_syllable(); space = !out.empty(); continue; }
    const ToneTable::Entry* e = c < 0 ? nullptr : kTable.get(c);
    if (!e || !e->simple) return tone_key_icu(text);
    if (space) { out.push_back(' '); space = false; }
    out += e->base;
    if (e->tone) tone = e->tone;
  }
  end_syllable();
  return out;
}

bool family_name_variants(std::string_view a, std::string_view b) {
  return surname_index().pairs.count({sdk::fold(a), sdk::fold(b)}) > 0;
}

namespace {

// Syllable shapes without diacritics: the language's onsets, nuclei and finals, folded (ă, â → a;
// ê → e; ô, ơ → o; ư → u; đ → d).
bool folded_syllable(std::string_view w) {
  static const std::set<std::string, std::less<>> kOnsets = {"", "b", "c", "ch", "d", "g", "gh", "gi", "h", "k", "kh", "l", "m",
                                                             "n", "ng", "ngh", "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x"};
  static const std::set<std::string, std::less<>> kNuclei = {
      "a", "e", "i", "o", "u", "y", "ai", "ao", "au", "ay", "eo", "eu", "ia", "ie", "iu", "oa", "oe", "oi", "oo", "ua", "ue",
      "ui", "uo", "uu", "uy", "ye", "ieu", "oai", "oao", "oay", "oeo", "uay", "uoi", "uou", "uya", "uye", "uyu", "yeu"};
  static const std::set<std::string, std::less<>> kCodas = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y'; };
  std::size_t i = 0;
  while (i < w.size() && !vowel(w[i])) ++i;
  std::size_t j = i;
  while (j < w.size() && vowel(w[j])) ++j;
  std::string onset(w.substr(0, i)), nucleus(w.substr(i, j - i));
  std::string_view coda = w.substr(j);
  if (onset == "q" && !nucleus.empty() && nucleus[0] == 'u') { onset = "qu"; nucleus.erase(0, 1); }
  if (onset == "g" && nucleus.size() > 1 && nucleus[0] == 'i') { onset = "gi"; nucleus.erase(0, 1); }
  if (onset == "gi" && nucleus.empty()) nucleus = "i";
  return kOnsets.count(onset) && kNuclei.count(nucleus) && kCodas.count(coda);
}

}  // namespace

bool plausible_vietnamese_name(std::string_view name) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  if (U_FAILURE(err)) return true;
  std::size_t start = 0;
  bool any = false;
  while (start <= name.size()) {
    std::size_t end = name.find(' ', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view word = name.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    any = true;
    icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))), err);
    int tones = 0;
    for (int32_t i = 0; i < decomposed.length(); i = decomposed.moveIndex32(i, 1)) {
      UChar32 c = decomposed.char32At(i);
      if (c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323) ++tones;
    }
    if (tones > 1 || !folded_syllable(sdk::fold(word))) return false;
  }
  return any;
}

}  // namespace hopnhat::text
