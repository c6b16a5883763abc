// Position levels as data (issue #21, item 4): whether a position title ("Trưởng phòng",
// "Phó Chánh Văn phòng", "Chuyên viên") makes its holder the head of a unit, a deputy, or staff.
// Titles are compared folded (no diacritics, lower case); the first matching prefix decides,
// deputies first ("Phó Bí thư" is a deputy though "Bí thư" heads). Defaults for Vietnamese
// agencies; the configuration may add its own (organisation.positions). Immutable; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace hopnhat::org {

enum class PositionLevel { kStaff, kDeputy, kHead };

class PositionLevels {
 public:
  /// The defaults plus `heads` and `deputies` (titles or their beginnings, any spelling).
  explicit PositionLevels(const std::vector<std::string>& heads = {}, const std::vector<std::string>& deputies = {});
  PositionLevel level(std::string_view title) const;

 private:
  std::vector<std::string> heads_, deputies_;  // folded prefixes
};

}  // namespace hopnhat::org
