// Streaming XML (expat) for spreadsheet parts, with DTDs refused outright: no entity can expand,
// so "billion laughs" and external entities end in a clear error. One parser per part.
#pragma once

#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include "zip_archive.hpp"

namespace hopnhat_sheet {

struct XmlHandlers {
  std::function<void(const char* name, const char** attrs)> start;
  std::function<void(const char* name)> end;
  std::function<void(std::string_view text)> text;
};

class XmlStream {
 public:
  XmlStream(std::string where, XmlHandlers handlers);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;
  /// Feeds a chunk; throws SheetError naming the part and line on malformed XML or a DTD.
  void feed(std::string_view chunk, bool last = false);

 private:
  std::string where_;
  XmlHandlers handlers_;
  void* parser_;
  bool dtd_ = false;
  std::exception_ptr failure_;  // thrown by a handler, rethrown by feed()
  friend struct XmlCallbacks;
};

/// The value of attribute `name` (local name, namespace prefix ignored), or nullptr.
const char* attribute(const char** attrs, std::string_view name);
/// The local part of a qualified name ("table:table-cell" → "table-cell").
std::string_view local_name(const char* name);

}  // namespace hopnhat_sheet
