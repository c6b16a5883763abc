#include "org/positions.hpp"

#include "hopnhat/sdk/text.hpp"

namespace hopnhat::org {

namespace {
// Folded beginnings of titles. Heads: the one who leads a unit, whatever the unit is called.
const char* const kHeads[] = {"truong", "thu truong", "chanh van phong", "chanh thanh tra", "giam doc", "bi thu", "chu tich",
                              "tong bien tap", "hieu truong", "vien truong", "chanh an", "cuc truong", "vu truong"};
const char* const kDeputies[] = {"pho"};
}  // namespace

PositionLevels::PositionLevels(const std::vector<std::string>& heads, const std::vector<std::string>& deputies) {
  for (const char* h : kHeads) heads_.emplace_back(h);
  for (const char* d : kDeputies) deputies_.emplace_back(d);
  for (const auto& h : heads) heads_.push_back(sdk::fold(h));
  for (const auto& d : deputies) deputies_.push_back(sdk::fold(d));
}

PositionLevel PositionLevels::level(std::string_view title) const {
  const std::string t = sdk::fold(title);
  auto starts = [&](const std::string& prefix) {
    return t.compare(0, prefix.size(), prefix) == 0 && (t.size() == prefix.size() || t[prefix.size()] == ' ');
  };
  for (const auto& d : deputies_)
    if (starts(d)) return PositionLevel::kDeputy;
  for (const auto& h : heads_)
    if (starts(h)) return PositionLevel::kHead;
  return PositionLevel::kStaff;
}

}  // namespace hopnhat::org
