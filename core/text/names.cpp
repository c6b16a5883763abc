#include "text/names.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <map>
#include <set>
#include <utility>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::text {
namespace {

bool is_tone(UChar32 c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; }

struct SurnameIndex {
  std::map<std::string, double> share;                  // folded name → share
  std::set<std::pair<std::string, std::string>> pairs;  // folded regional pairs, both orders
};

const SurnameIndex& surname_index() {
  static const SurnameIndex kIndex = [] {
    SurnameIndex idx;
    for (const auto& s : domain_tables().surnames) {
      auto slash = s.name.find('/');
      if (slash == std::string::npos) {
        idx.share[sdk::fold(s.name)] = s.percent / 100.0;
        continue;
      }
      std::string a = sdk::fold(s.name.substr(0, slash)), b = sdk::fold(s.name.substr(slash + 1));
      idx.share[a] = idx.share[b] = s.percent / 200.0;
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

std::string tone_key(std::string_view text) {
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

bool family_name_variants(std::string_view a, std::string_view b) {
  return surname_index().pairs.count({sdk::fold(a), sdk::fold(b)}) > 0;
}

double family_name_share(std::string_view family) {
  const auto& idx = surname_index();
  auto it = idx.share.find(sdk::fold(family));
  return it == idx.share.end() ? 0.0 : it->second;
}

}  // namespace hopnhat::text
