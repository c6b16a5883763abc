// hopnhat SDK — Vietnamese text helpers every importer needs.
//
// Office files from the last twenty years come in UTF-8, UTF-16, Windows-1258 and the two legacy
// 8-bit font encodings TCVN3 (ABC) and VNI. `decode` turns any of them into UTF-8 in NFC, which is
// the only form text may take inside hopnhat. `fold` makes the comparison key of a short text
// (case folded, diacritics removed, đ→d, whitespace collapsed); never store or display it.
//
// Thread-safety: all functions are safe to call from several threads at once (the code tables
// are built once, on first use, under the C++ static-initialisation guarantee).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "hopnhat/sdk/status.hpp"

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

enum class Encoding { kAuto, kUtf8, kUtf16, kWindows1258, kTcvn3, kVni };

/// Parses an option value: "auto", "utf-8", "utf-16", "windows-1258" (or "cp1258"), "tcvn3", "vni".
std::optional<Encoding> parse_encoding(std::string_view name);
/// The option spelling of an encoding ("tcvn3", …).
std::string_view encoding_name(Encoding encoding);

/// Decodes `bytes` into UTF-8 NFC. With kAuto the encoding is detected (byte-order marks, UTF-16
/// zero patterns, UTF-8 validity, then the legacy encoding whose reading gives the most valid
/// Vietnamese syllables). On failure `bad_offset` (if given) receives the offending byte offset.
Status decode(std::string_view bytes, Encoding encoding, std::string& out,
              Encoding* used = nullptr, std::size_t* bad_offset = nullptr);

/// What decode found and did, for a run report.
struct DecodeReport {
  Encoding used = Encoding::kAuto;
  std::size_t replaced = 0;        // bytes that were not valid UTF-8, each replaced by U+FFFD
  std::size_t first_replaced = 0;  // byte offset of the first of them
  /// With kAuto: why this encoding, as a sentence for a run report ("UTF-8: 2,314 valid
  /// multi-byte sequences against 1 invalid byte"); empty otherwise.
  std::string evidence;
  /// With kAuto: the choice rested on evidence that could mislead (a legacy encoding chosen by
  /// how Vietnamese its reading looks, or UTF-8 kept despite invalid bytes): report it.
  bool guessed = false;
};

/// Decodes like the overload above, deciding kAuto on strong evidence only: text that is UTF-8
/// but for a few invalid bytes (at least four valid multi-byte sequences for each invalid byte,
/// or no legacy reading that looks Vietnamese) stays UTF-8, its invalid bytes replaced by U+FFFD
/// and counted in `report` — never read whole in a legacy encoding. The other overload, given
/// such text, fails at the first invalid byte instead. An importer should reject or mark the
/// values holding U+FFFD and say so.
Status decode(std::string_view bytes, Encoding encoding, std::string& out, DecodeReport& report);

/// decode(), taking the bytes: a file that is valid UTF-8 and already in NFC (most are) becomes
/// `out` without a copy — at a hundred megabytes that copy is most of reading the file. Valid
/// UTF-8 leaves `bytes` empty; on failure, with bytes replaced, or in another encoding, `bytes` is
/// left as it was (for an importer to find the line of an offset in).
Status decode_owned(std::string&& bytes, Encoding encoding, std::string& out, DecodeReport& report);

/// True when `bytes` is well-formed UTF-8.
bool is_valid_utf8(std::string_view bytes);

/// `utf8` in Unicode Normalisation Form C (invalid sequences become U+FFFD).
std::string to_nfc(std::string_view utf8);

/// Comparison key: lower case, no diacritics, đ→d, runs of white space as one space, trimmed.
std::string fold(std::string_view utf8);

/// A score of how Vietnamese `utf8` looks: valid syllables with diacritics count up, impossible
/// letter and tone combinations count down. Used to choose between legacy readings.
int vietnamese_score(std::string_view utf8);

/// Repairs text typed in TCVN3 or VNI that reached us inside UTF-8 because a program read its
/// bytes as Windows-1252 ("NguyÔn V¨n Hïng" → "Nguyễn Văn Hùng"), as spreadsheet cells typed
/// in the old fonts do. With kAuto, returns the repaired text only when it reads more plausibly
/// as Vietnamese than the original (TCVN3 or VNI, whichever reads better); with kTcvn3 or kVni,
/// whenever the text can be such bytes. Nothing for text that is already right.
std::optional<std::string> repair_legacy_text(std::string_view utf8, Encoding encoding = Encoding::kAuto);

/// The canonical field a column heading stands for ("Ngày tháng năm sinh" → "birth_date"),
/// matched on folded text against the canonical names, the labels and the built-in aliases.
std::optional<std::string> canonical_field_for_heading(std::string_view heading);

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
