// Vietnamese collation (ICU, locale "vi"): "An" < "Ánh" < "Bình" < "Đức". Sort keys are byte
// strings that compare with operator<. Not thread-safe: one NameCollator per thread.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class Collator;
U_NAMESPACE_END

namespace hopnhat_reports {

class NameCollator {
 public:
  NameCollator();  // throws std::runtime_error when ICU lacks the Vietnamese rules
  ~NameCollator();
  std::string key(std::string_view utf8) const;
  /// Keys of a Vietnamese name in list order: given name, middle name, family name. The parts
  /// come from the golden fields when present, else from the full name (first word the family
  /// name, last word the given name).
  std::array<std::string, 3> name_keys(const std::string& full, const std::string& family, const std::string& middle,
                                       const std::string& given) const;

 private:
  std::unique_ptr<icu::Collator> collator_;
};

}  // namespace hopnhat_reports
