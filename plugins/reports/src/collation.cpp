#include "collation.hpp"

#include <unicode/coll.h>
#include <unicode/unistr.h>

#include <sstream>
#include <stdexcept>
#include <vector>

namespace hopnhat_reports {

NameCollator::NameCollator() {
  UErrorCode status = U_ZERO_ERROR;
  collator_.reset(icu::Collator::createInstance(icu::Locale("vi"), status));
  if (U_FAILURE(status) || !collator_) throw std::runtime_error("reports: ICU has no Vietnamese collation");
}

NameCollator::~NameCollator() = default;

std::string NameCollator::key(std::string_view utf8) const {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::string out(64, '\0');
  int32_t n = collator_->getSortKey(s, reinterpret_cast<uint8_t*>(out.data()), static_cast<int32_t>(out.size()));
  if (n > static_cast<int32_t>(out.size())) {
    out.resize(static_cast<std::size_t>(n));
    n = collator_->getSortKey(s, reinterpret_cast<uint8_t*>(out.data()), n);
  }
  out.resize(n > 0 ? static_cast<std::size_t>(n - 1) : 0);  // without the terminating zero
  return out;
}

std::array<std::string, 3> NameCollator::name_keys(const std::string& full, const std::string& family,
                                                   const std::string& middle, const std::string& given) const {
  std::string f = family, m = middle, g = given;
  if (g.empty()) {
    std::istringstream words(full);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (!w.empty()) {
      g = w.back();
      if (w.size() > 1) f = w.front();
      m.clear();
      for (std::size_t i = 1; i + 1 < w.size(); ++i) m += (m.empty() ? "" : " ") + w[i];
    }
  }
  return {key(g), key(m), key(f)};
}

}  // namespace hopnhat_reports
