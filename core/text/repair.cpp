#include "text/repair.hpp"

#include "hopnhat/sdk/text.hpp"

namespace hopnhat::text {

std::optional<std::string> repair_mojibake(std::string_view utf8) { return sdk::repair_legacy_text(utf8); }

}  // namespace hopnhat::text
