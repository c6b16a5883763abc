#include "xml_stream.hpp"

#include <expat.h>

#include <exception>

namespace hopnhat_sheet {

// No exception may unwind through expat's C frames (its state would leak): a handler's
// exception is kept, the parser stopped, and feed() rethrows it once expat has returned.
struct XmlCallbacks {
  template <class F>
  static void guarded(XmlStream* s, F&& f) {
    if (s->failure_) return;
    try {
      f();
    } catch (...) {
      s->failure_ = std::current_exception();
      XML_StopParser(static_cast<XML_Parser>(s->parser_), XML_FALSE);
    }
  }
  static void start(void* d, const XML_Char* name, const XML_Char** attrs) {
    auto* s = static_cast<XmlStream*>(d);
    if (s->handlers_.start) guarded(s, [&] { s->handlers_.start(name, attrs); });
  }
  static void end(void* d, const XML_Char* name) {
    auto* s = static_cast<XmlStream*>(d);
    if (s->handlers_.end) guarded(s, [&] { s->handlers_.end(name); });
  }
  static void text(void* d, const XML_Char* t, int len) {
    auto* s = static_cast<XmlStream*>(d);
    if (s->handlers_.text) guarded(s, [&] { s->handlers_.text(std::string_view(t, static_cast<std::size_t>(len))); });
  }
  static void doctype(void* d, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    auto* s = static_cast<XmlStream*>(d);
    s->dtd_ = true;
    XML_StopParser(static_cast<XML_Parser>(s->parser_), XML_FALSE);
  }
};

XmlStream::XmlStream(std::string where, XmlHandlers handlers) : where_(std::move(where)), handlers_(std::move(handlers)) {
  XML_Parser p = XML_ParserCreate("UTF-8");
  parser_ = p;
  XML_SetUserData(p, this);
  XML_SetElementHandler(p, XmlCallbacks::start, XmlCallbacks::end);
  XML_SetCharacterDataHandler(p, XmlCallbacks::text);
  XML_SetStartDoctypeDeclHandler(p, XmlCallbacks::doctype);
}

XmlStream::~XmlStream() { XML_ParserFree(static_cast<XML_Parser>(parser_)); }

void XmlStream::feed(std::string_view chunk, bool last) {
  XML_Parser p = static_cast<XML_Parser>(parser_);
  if (failure_) std::rethrow_exception(failure_);
  XML_Status status = XML_Parse(p, chunk.data(), static_cast<int>(chunk.size()), last ? 1 : 0);
  if (failure_) std::rethrow_exception(failure_);
  if (status == XML_STATUS_ERROR || dtd_) {
    if (dtd_) throw SheetError(where_ + ": refused: the XML declares a DTD (entity expansion is not allowed)");
    throw SheetError(where_ + ": line " + std::to_string(XML_GetCurrentLineNumber(p)) + ": the XML is malformed (" +
                     XML_ErrorString(XML_GetErrorCode(p)) + "); the file may be damaged or cut short");
  }
}

std::string_view local_name(const char* name) {
  std::string_view n(name);
  auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* attribute(const char** attrs, std::string_view name) {
  for (int i = 0; attrs && attrs[i]; i += 2)
    if (local_name(attrs[i]) == name) return attrs[i + 1];
  return nullptr;
}

}  // namespace hopnhat_sheet
