#include "hopnhat/sdk/text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "embedded_data.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "legacy_tables.hpp"
#include "utf8.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {
namespace {

void append_utf8(std::string& out, char32_t cp) { utf8::append(out, cp); }

bool nfc_changes(std::string_view utf8, std::string& out);  // below, beside ICU

// How many bytes from `i` on are ASCII, eight at a time (a staff file is mostly ASCII: digits,
// dates, codes, the letters of names without their marks).
std::size_t ascii_run(std::string_view s, std::size_t i) {
  const std::size_t from = i;
  for (std::uint64_t word; i + 8 <= s.size(); i += 8) {
    std::memcpy(&word, s.data() + i, 8);
    if (word & 0x8080808080808080ULL) break;
  }
  return i - from;
}

// Returns the offset of the first ill-formed byte, or npos.
std::size_t first_invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    i += ascii_run(s, i);
    if (i >= s.size()) break;
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    char32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; cp = c & 0x07; }
    else return i;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return i;
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    bool overlong = (n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n + 1;
  }
  return std::string_view::npos;
}

// How much of `s` reads as UTF-8: valid multi-byte sequences, and bytes that start no valid
// sequence (each counted once, reading going on at the next byte).
struct Utf8Census {
  std::size_t multibyte = 0, invalid = 0, first_invalid = std::string_view::npos;
};

Utf8Census utf8_census(std::string_view s) {
  Utf8Census c;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = first_invalid_utf8(s.substr(i));
    std::string_view good = s.substr(i, at == std::string_view::npos ? s.size() - i : at);
    for (unsigned char b : good) c.multibyte += (b & 0xC0) == 0xC0;  // lead bytes
    if (at == std::string_view::npos) break;
    if (c.first_invalid == std::string_view::npos) c.first_invalid = i + at;
    ++c.invalid;
    i += at + 1;
  }
  return c;
}

// `s` with every byte that starts no valid UTF-8 sequence replaced by U+FFFD.
std::string utf8_replacing_invalid(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t at = first_invalid_utf8(s.substr(i));
    if (at == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, at));
    out.append("\xEF\xBF\xBD");
    i += at + 1;
  }
  return out;
}

Status decode_utf16(std::string_view in, bool big_endian, std::string& out, std::size_t* bad) {
  auto unit = [&](std::size_t i) -> char16_t {
    auto a = static_cast<unsigned char>(in[i]), b = static_cast<unsigned char>(in[i + 1]);
    return static_cast<char16_t>(big_endian ? (a << 8 | b) : (b << 8 | a));
  };
  if (in.size() % 2 != 0) {
    if (bad) *bad = in.size() - 1;
    return Status::invalid_input("UTF-16 text has an odd number of bytes (the file is cut short)");
  }
  for (std::size_t i = 0; i < in.size(); i += 2) {
    char16_t u = unit(i);
    char32_t cp = u;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 2 >= in.size() || unit(i + 2) < 0xDC00 || unit(i + 2) > 0xDFFF) {
        if (bad) *bad = i;
        return Status::invalid_input("UTF-16 text has an unpaired surrogate at byte " + std::to_string(i));
      }
      cp = 0x10000 + ((u - 0xD800) << 10) + (unit(i + 2) - 0xDC00);
      i += 2;
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      if (bad) *bad = i;
      return Status::invalid_input("UTF-16 text has an unpaired surrogate at byte " + std::to_string(i));
    }
    append_utf8(out, cp);
  }
  return Status::ok();
}

Status decode_single_byte(std::string_view in, const std::array<char32_t, 256>& table, std::string_view name,
                          std::string& out, std::size_t* bad) {
  for (std::size_t i = 0; i < in.size(); ++i) {
    auto b = static_cast<unsigned char>(in[i]);
    char32_t cp = table[b];
    if (cp == 0 && b != 0) {
      if (bad) *bad = i;
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", b);
      return Status::invalid_input("byte " + std::string(hex) + " at offset " + std::to_string(i) +
                                   " has no meaning in " + std::string(name));
    }
    append_utf8(out, cp);
  }
  return Status::ok();
}

void decode_vni(std::string_view in, std::string& out) {
  const auto& t = legacy::tables();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (i + 1 < in.size()) {
      auto it = t.vni.find(std::string(in.substr(i, 2)));
      if (it != t.vni.end()) { append_utf8(out, it->second); ++i; continue; }
    }
    auto b = static_cast<unsigned char>(in[i]);
    if (b >= 0x80) {
      auto it = t.vni.find(std::string(1, in[i]));
      if (it != t.vni.end()) { append_utf8(out, it->second); continue; }
      // Not a VNI letter: read as Windows-125x punctuation or Latin-1.
      char32_t cp = b < 0xA0 ? t.cp1258[b] : static_cast<char32_t>(b);
      append_utf8(out, cp ? cp : 0xFFFD);
      continue;
    }
    out.push_back(in[i]);
  }
}

Status decode_as(std::string_view in, Encoding enc, std::string& raw, std::size_t* bad) {
  const auto& t = legacy::tables();
  switch (enc) {
    case Encoding::kUtf8: {
      if (in.substr(0, 3) == "\xEF\xBB\xBF") in.remove_prefix(3);
      std::size_t at = first_invalid_utf8(in);
      if (at != std::string_view::npos) {
        if (bad) *bad = at;
        return Status::invalid_input("the text is not valid UTF-8 at byte " + std::to_string(at) +
                                     " (set the encoding option: tcvn3, vni, windows-1258, utf-16 or auto)");
      }
      raw.assign(in);
      return Status::ok();
    }
    case Encoding::kUtf16: {
      bool be = false;
      if (in.substr(0, 2) == "\xFF\xFE") in.remove_prefix(2);
      else if (in.substr(0, 2) == "\xFE\xFF") { in.remove_prefix(2); be = true; }
      else {  // no BOM: ASCII text has its zero bytes in the high half of each unit
        std::size_t zeros_even = 0, zeros_odd = 0;
        for (std::size_t i = 0; i + 1 < in.size() && i < 4096; i += 2) {
          zeros_even += in[i] == 0;
          zeros_odd += in[i + 1] == 0;
        }
        be = zeros_even > zeros_odd;
      }
      return decode_utf16(in, be, raw, bad);
    }
    case Encoding::kWindows1258: return decode_single_byte(in, t.cp1258, "windows-1258", raw, bad);
    case Encoding::kTcvn3: return decode_single_byte(in, t.tcvn3, "tcvn3", raw, bad);
    case Encoding::kVni: decode_vni(in, raw); return Status::ok();
    case Encoding::kAuto: break;
  }
  return Status::internal("decode_as called with auto");
}

std::string with_commas(std::size_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The encoding of `in`, and why (DecodeReport's evidence and guessed); `lossy`: UTF-8 with
// invalid bytes to replace.
struct Detection {
  Encoding encoding = Encoding::kUtf8;
  bool lossy = false;
  bool guessed = false;
  std::string evidence;
};

Detection detect(std::string_view in) {
  Detection d;
  if (in.substr(0, 3) == "\xEF\xBB\xBF") {
    d.evidence = "UTF-8: the file starts with its byte-order mark";
    in.remove_prefix(3);
    Utf8Census c = utf8_census(in);
    d.lossy = c.invalid > 0;
    return d;
  }
  if (in.substr(0, 2) == "\xFF\xFE" || in.substr(0, 2) == "\xFE\xFF") {
    d.encoding = Encoding::kUtf16;
    d.evidence = "UTF-16: the file starts with its byte-order mark";
    return d;
  }
  std::size_t zeros = 0, n = std::min<std::size_t>(in.size(), 4096);
  for (std::size_t i = 0; i < n; ++i) zeros += in[i] == 0;
  if (n >= 4 && zeros * 4 >= n) {
    d.encoding = Encoding::kUtf16;
    d.evidence = "UTF-16: a quarter or more of the first bytes are zero";
    return d;
  }
  const Utf8Census c = utf8_census(in);
  if (c.invalid == 0) {
    d.evidence = c.multibyte ? "UTF-8: valid throughout" : "UTF-8: plain ASCII";
    return d;
  }
  const std::string census = with_commas(c.multibyte) + " valid multi-byte UTF-8 sequences against " +
                             with_commas(c.invalid) + " invalid byte" + (c.invalid == 1 ? "" : "s");
  if (c.multibyte >= 4 * c.invalid) {
    d.lossy = d.guessed = true;
    d.evidence = "UTF-8: " + census + " (those replaced by U+FFFD)";
    return d;
  }
  // A legacy 8-bit file: the reading that looks most like Vietnamese, if any does.
  std::string_view sample = in.substr(0, 256 * 1024);
  Encoding best = Encoding::kTcvn3;
  int best_score = std::numeric_limits<int>::min();
  std::string scores;
  for (Encoding e : {Encoding::kTcvn3, Encoding::kWindows1258, Encoding::kVni}) {
    std::string text;
    if (!decode_as(sample, e, text, nullptr)) continue;
    int score = vietnamese_score(to_nfc(text));
    scores += std::string(scores.empty() ? "" : ", ") + std::string(encoding_name(e)) + " " + std::to_string(score);
    if (score > best_score) { best_score = score; best = e; }
  }
  d.guessed = true;
  if (best_score <= 0 && c.multibyte > 0) {  // no reading looks Vietnamese: keep what is UTF-8 as it is
    d.lossy = true;
    d.evidence = "UTF-8: no legacy reading looks Vietnamese (scores " + scores + "); " + census + " (those replaced by U+FFFD)";
    return d;
  }
  d.encoding = best;
  d.evidence = std::string(encoding_name(best)) + ": the legacy reading that looks most Vietnamese (scores " + scores +
               "); not UTF-8: " + census;
  if (best_score <= 0) d.evidence += "; weak evidence: set the encoding option if the names read wrong";
  return d;
}

bool is_tone_mark(UChar32 c) { return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323; }

// Whether a lower-case syllable without tone marks (NFC) has a Vietnamese shape: an onset, a
// vowel nucleus from the language's set and an allowed final consonant.
bool vietnamese_syllable(const std::u32string& w) {
  static const std::u32string kVowels = U"aăâeêioôơuưy";
  static const std::set<std::u32string> kOnsets = {U"", U"b", U"c", U"ch", U"d", U"đ", U"g", U"gh", U"gi", U"h", U"k", U"kh",
                                                   U"l", U"m", U"n", U"ng", U"ngh", U"nh", U"p", U"ph", U"qu", U"r", U"s",
                                                   U"t", U"th", U"tr", U"v", U"x"};
  static const std::set<std::u32string> kNuclei = {
      U"a", U"ă", U"â", U"e", U"ê", U"i", U"o", U"ô", U"ơ", U"u", U"ư", U"y", U"ai", U"ao", U"au", U"ay", U"âu", U"ây",
      U"eo", U"êu", U"ia", U"iê", U"iu", U"oa", U"oă", U"oe", U"oi", U"ôi", U"ơi", U"oo", U"ua", U"uâ", U"uê", U"ui",
      U"uô", U"uơ", U"ưa", U"ưi", U"ươ", U"ưu", U"uy", U"yê", U"iêu", U"oai", U"oao", U"oay", U"oeo", U"uây", U"uôi",
      U"ươi", U"ươu", U"uya", U"uyê", U"uyu", U"yêu"};
  static const std::set<std::u32string> kCodas = {U"", U"c", U"ch", U"m", U"n", U"ng", U"nh", U"p", U"t"};
  std::size_t i = 0;
  while (i < w.size() && kVowels.find(w[i]) == std::u32string::npos) ++i;
  std::u32string onset = w.substr(0, i);
  std::size_t j = i;
  while (j < w.size() && kVowels.find(w[j]) != std::u32string::npos) ++j;
  std::u32string nucleus = w.substr(i, j - i), coda = w.substr(j);
  if (onset == U"q" && !nucleus.empty() && nucleus[0] == U'u') { onset = U"qu"; nucleus.erase(0, 1); }
  if (onset == U"g" && nucleus.size() > 1 && nucleus[0] == U'i') { onset = U"gi"; nucleus.erase(0, 1); }
  if (onset == U"gi" && nucleus.empty()) nucleus = U"i";
  return kOnsets.count(onset) && kNuclei.count(nucleus) && kCodas.count(coda);
}

// Scores one word given in NFD: +1 for a valid Vietnamese word with marks, -2 for an impossible
// one, 0 for plain ASCII.
int score_word(const icu::UnicodeString& w) {
  int tones = 0;
  bool marked = false;
  UChar32 base = 0;
  icu::UnicodeString toneless;
  for (int32_t i = 0; i < w.length(); i = w.moveIndex32(i, 1)) {
    UChar32 c = w.char32At(i);
    UChar32 lower = u_tolower(c);
    if (c < 0x80 && u_isalpha(c)) { base = lower; toneless.append(lower); continue; }
    if (lower == 0x111) { base = 'd'; marked = true; toneless.append(static_cast<UChar32>(0x111)); continue; }
    marked = true;
    if (is_tone_mark(c)) { ++tones; continue; }
    if (c == 0x302 && (base == 'a' || base == 'e' || base == 'o')) { toneless.append(c); continue; }
    if (c == 0x306 && base == 'a') { toneless.append(c); continue; }
    if (c == 0x31B && (base == 'o' || base == 'u')) { toneless.append(c); continue; }
    return -2;
  }
  if (!marked) return 0;
  if (tones > 1) return -2;
  UErrorCode err = U_ZERO_ERROR;
  icu::UnicodeString composed = icu::Normalizer2::getNFCInstance(err)->normalize(toneless, err);
  std::u32string syllable;
  for (int32_t i = 0; i < composed.length(); i = composed.moveIndex32(i, 1)) syllable.push_back(static_cast<char32_t>(composed.char32At(i)));
  return vietnamese_syllable(syllable) ? 1 : -2;
}

const std::map<std::string, std::string>& heading_index() {
  static const std::map<std::string, std::string> kIndex = [] {
    std::map<std::string, std::string> index;
    for (const FieldInfo& f : kCanonicalFields) {
      index.emplace(fold(f.name), std::string(f.name));
      index.emplace(fold(f.label_vi), std::string(f.name));
      index.emplace(fold(f.label_en), std::string(f.name));
    }
    std::istringstream in{std::string(sdk_data::embedded_file("header_aliases.tsv"))};
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      index.emplace(fold(line.substr(tab + 1)), line.substr(0, tab));
    }
    return index;
  }();
  return kIndex;
}

}  // namespace

std::optional<Encoding> parse_encoding(std::string_view name) {
  std::string n = fold(name);
  if (n == "auto") return Encoding::kAuto;
  if (n == "utf-8" || n == "utf8") return Encoding::kUtf8;
  if (n == "utf-16" || n == "utf16") return Encoding::kUtf16;
  if (n == "windows-1258" || n == "cp1258") return Encoding::kWindows1258;
  if (n == "tcvn3" || n == "tcvn" || n == "tcvn5712-1" || n == "abc") return Encoding::kTcvn3;
  if (n == "vni" || n == "vni-windows") return Encoding::kVni;
  return std::nullopt;
}

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::kAuto: return "auto";
    case Encoding::kUtf8: return "utf-8";
    case Encoding::kUtf16: return "utf-16";
    case Encoding::kWindows1258: return "windows-1258";
    case Encoding::kTcvn3: return "tcvn3";
    case Encoding::kVni: return "vni";
  }
  return "?";
}

namespace {

// decode's body; `detected` is detect(bytes) when the caller has it already.
Status decode_detected(std::string_view bytes, Encoding encoding, std::optional<Detection> detected, std::string& out,
                       DecodeReport& report) {
  report = DecodeReport{};
  std::string raw;
  if (encoding == Encoding::kAuto) {
    Detection d = detected ? std::move(*detected) : detect(bytes);
    report.evidence = std::move(d.evidence);
    report.guessed = d.guessed;
    encoding = d.encoding;
    if (d.lossy) {
      std::string_view body = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? bytes.substr(3) : bytes;
      Utf8Census c = utf8_census(body);
      report.replaced = c.invalid;
      report.first_replaced = c.first_invalid + (body.size() < bytes.size() ? 3 : 0);
      raw = utf8_replacing_invalid(body);
    }
  }
  report.used = encoding;
  if (raw.empty()) {
    raw.reserve(bytes.size() + bytes.size() / 4);
    std::size_t bad = 0;
    Status st = decode_as(bytes, encoding, raw, &bad);
    if (!st) {
      report.first_replaced = bad;
      return st;
    }
  }
  if (!nfc_changes(raw, out)) out = std::move(raw);  // most files: no second copy
  return Status::ok();
}

}  // namespace

Status decode(std::string_view bytes, Encoding encoding, std::string& out, DecodeReport& report) {
  return decode_detected(bytes, encoding, std::nullopt, out, report);
}

Status decode_owned(std::string&& bytes, Encoding encoding, std::string& out, DecodeReport& report) {
  std::optional<Detection> detected;
  if (encoding == Encoding::kAuto) {
    detected = detect(bytes);
    if (detected->encoding != Encoding::kUtf8 || detected->lossy) return decode_detected(bytes, encoding, std::move(detected), out, report);
  } else if (encoding != Encoding::kUtf8 || first_invalid_utf8(bytes) != std::string_view::npos) {
    return decode_detected(bytes, encoding, std::nullopt, out, report);  // its error names the byte
  }
  // Valid UTF-8 throughout: taken as it is, less its byte-order mark.
  report = DecodeReport{};
  report.used = Encoding::kUtf8;
  if (detected) {
    report.evidence = std::move(detected->evidence);
    report.guessed = detected->guessed;
  }
  std::string text = std::move(bytes);
  bytes = std::string();
  if (std::string_view(text).substr(0, 3) == "\xEF\xBB\xBF") text.erase(0, 3);
  if (!nfc_changes(text, out)) out = std::move(text);
  return Status::ok();
}

Status decode(std::string_view bytes, Encoding encoding, std::string& out, Encoding* used, std::size_t* bad_offset) {
  DecodeReport report;
  Status st = decode(bytes, encoding, out, report);
  if (used) *used = report.used;
  if (!st) {
    if (bad_offset) *bad_offset = report.first_replaced;
    return st;
  }
  if (report.replaced > 0) {  // callers of this form cannot mark what was replaced: refuse
    out.clear();
    if (bad_offset) *bad_offset = report.first_replaced;
    return Status::invalid_input("the text is UTF-8 but not valid at byte " + std::to_string(report.first_replaced) + " (" +
                                 report.evidence + "); correct the file or set the encoding option");
  }
  return Status::ok();
}

bool is_valid_utf8(std::string_view bytes) { return first_invalid_utf8(bytes) == std::string_view::npos; }

namespace {

std::string to_nfc_icu(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString n = nfc->normalize(u, err);
  std::string out;
  if (U_FAILURE(err)) return std::string(utf8);
  n.toUTF8String(out);
  return out;
}

std::string fold_icu(std::string_view utf8) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  icu::UnicodeString d = nfd->normalize(u, err);
  d.foldCase();
  icu::UnicodeString kept;
  bool pending_space = false;
  for (int32_t i = 0; i < d.length(); i = d.moveIndex32(i, 1)) {
    UChar32 c = d.char32At(i);
    if (u_charType(c) == U_NON_SPACING_MARK) continue;
    if (u_isUWhiteSpace(c)) { pending_space = !kept.isEmpty(); continue; }
    if (pending_space) { kept.append(static_cast<UChar>(' ')); pending_space = false; }
    kept.append(c == 0x111 || c == 0xF0 ? static_cast<UChar32>('d') : c);  // đ, and eth typed for it
  }
  std::string out;
  kept.toUTF8String(out);
  return out;
}

// Folding letter by letter for the Latin ranges: built once from the ICU definition above, so
// the fast path and the slow one cannot disagree. 0 marks a code point the fast path leaves to
// ICU (it folds to more than one letter, like "ß").
struct FoldTable {
  std::array<char32_t, 0x300> low{};
  std::array<char32_t, 0x100> extended{};  // U+1E00..U+1EFF
  FoldTable() {
    auto one = [](char32_t cp) -> char32_t {
      std::string in;
      utf8::append(in, cp);
      std::string f = fold_icu(in);
      std::size_t i = 0;
      if (f.empty()) return 0;
      char32_t r = utf8::next(f, i);
      return i == f.size() ? r : 0;
    };
    for (char32_t cp = 0; cp < 0x300; ++cp) low[cp] = one(cp);
    for (char32_t cp = 0; cp < 0x100; ++cp) extended[cp] = one(0x1E00 + cp);
  }
  char32_t get(char32_t cp) const { return cp < 0x300 ? low[cp] : extended[cp - 0x1E00]; }
};

}  // namespace

namespace {

// Fills `out` with the NFC form of `utf8` and returns true, or returns false (leaving `out`
// alone) when `utf8` is NFC as it is. Precomposed Latin text (every Vietnamese letter has a
// precomposed form) is already NFC: only the lines holding anything else go through ICU. A line
// feed never composes with what stands before or after it, so each line normalises alone, and a
// file of a hundred megabytes with a few decomposed names costs one pass instead of two
// conversions of the whole text.
bool nfc_changes(std::string_view utf8, std::string& out) {
  bool changed = false;
  std::size_t done = 0;  // utf8[0, done) is in `out` (once changed)
  for (std::size_t i = 0; i < utf8.size();) {
    i += ascii_run(utf8, i);
    if (i >= utf8.size()) break;
    if (static_cast<unsigned char>(utf8[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    char32_t cp = utf8::next(utf8, i);
    if (cp != 0xFFFFFFFF && utf8::latin_range(cp)) continue;
    const std::size_t feed = utf8.rfind('\n', at);
    const std::size_t line = feed == std::string_view::npos || feed < done ? done : feed + 1;
    std::size_t end = utf8.find('\n', at);
    if (end == std::string_view::npos) end = utf8.size();
    if (!changed) {
      out.clear();
      out.reserve(utf8.size() + utf8.size() / 16);
    }
    changed = true;
    out.append(utf8.substr(done, line - done));
    out += to_nfc_icu(utf8.substr(line, end - line));
    done = i = end;
  }
  if (changed) out.append(utf8.substr(done));
  return changed;
}

}  // namespace

std::string to_nfc(std::string_view utf8) {
  std::string out;
  return nfc_changes(utf8, out) ? out : std::string(utf8);
}

std::string fold(std::string_view utf8) {
  static const FoldTable kTable;
  std::string out;
  out.reserve(utf8.size());
  bool pending_space = false;
  for (std::size_t i = 0; i < utf8.size();) {
    char32_t cp = utf8::next(utf8, i);
    if (cp == 0xFFFFFFFF || !utf8::latin_range(cp)) return fold_icu(utf8);
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' || cp == 0xA0 || cp == 0x85) {
      pending_space = !out.empty();
      continue;
    }
    char32_t f = kTable.get(cp);
    if (f == 0) return fold_icu(utf8);
    if (pending_space) { out.push_back(' '); pending_space = false; }
    utf8::append(out, f);
  }
  return out;
}

namespace {

// Scores of words seen before, per thread: staff data repeats a few thousand names, and scoring
// one (ICU decomposition, syllable tables) costs far more than a lookup. Bounded: emptied when
// full, so odd data cannot grow it without limit.
class WordScores {
 public:
  int get(std::string_view word) {
    if (word.empty()) return 0;
    auto it = scores_.find(word);
    if (it != scores_.end()) return it->second;
    if (scores_.size() >= kMaxWords) scores_.clear();
    int score = compute(word);
    scores_.emplace(std::string(word), score);
    return score;
  }

 private:
  static constexpr std::size_t kMaxWords = 1 << 16;
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  static int compute(std::string_view word) {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size())));
    return score_word(nfd->normalize(u, err));
  }
  std::unordered_map<std::string, int, Hash, std::equal_to<>> scores_;
};

}  // namespace

int vietnamese_score(std::string_view utf8) {
  // Words end at ASCII other than letters and at white space; decomposing leaves those where
  // they are, so each word is scored alone (and remembered).
  thread_local WordScores scores;
  int score = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    const std::size_t at = i;
    const char32_t c = utf8::next(utf8, i);
    const bool separator = c < 0x80 ? !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                                    : c != 0xFFFFFFFF && u_isUWhiteSpace(static_cast<UChar32>(c));
    if (!separator) continue;
    score += scores.get(utf8.substr(start, at - start));
    start = i;
  }
  return score + scores.get(utf8.substr(start));
}

std::optional<std::string> canonical_field_for_heading(std::string_view heading) {
  std::string key = fold(heading);
  auto paren = key.find('(');  // "Ngày sinh (dd/mm/yyyy)"
  if (paren != std::string::npos) key.erase(paren);
  while (!key.empty() && (key.back() == ' ' || key.back() == ':' || key.back() == '*' || key.back() == '.'))
    key.pop_back();
  const auto& index = heading_index();
  auto it = index.find(key);
  if (it == index.end()) return std::nullopt;
  return it->second;
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
