// JSON text written directly, for the few shapes a run writes millions of times (records'
// fields, normalised values, golden records): the same bytes nlohmann::json::dump() writes —
// UTF-8 kept, control characters escaped, keys in the order given — without building a tree.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace hopnhat::base {

/// Throws std::invalid_argument on text that is not UTF-8, as nlohmann::json::dump() does, so
/// that nothing unreadable is ever stored.
inline void require_utf8(std::string_view text) {
  if (!simdjson::validate_utf8(text.data(), text.size()))
    throw std::invalid_argument("text that is not valid UTF-8: " + std::string(text.substr(0, 40)));
}

/// Appends `s` as a JSON string, unchecked: for a writer that checks its whole text once with
/// require_utf8() (escaping leaves every byte of 0x80 and above as it is, so the text is UTF-8
/// exactly when each string in it is) — one check a record instead of one a value.
inline void append_json_string_unchecked(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') [[likely]] continue;
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

}  // namespace hopnhat::base
