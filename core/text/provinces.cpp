#include "text/provinces.hpp"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::text {
namespace {

// The words of a folded text: runs of letters and digits (bytes of other scripts count as
// letters); hyphens, commas and dots separate.
std::vector<std::string> words_of(std::string_view folded) {
  std::vector<std::string> words;
  std::string word;
  for (char ch : folded) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
      word += ch;
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

struct ProvinceNames {
  struct Name {
    std::vector<std::string> words;
    int now = 0;
  };
  std::unordered_map<std::string, std::vector<Name>> by_first_word;
  std::unordered_map<std::string, int> now_of_cccd_code;  // "030" → 31 (Thành phố Hải Phòng)

  void add(std::string_view written, int now) {
    std::string folded = sdk::fold(written);
    for (std::string_view kind : {"thanh pho ", "tinh "})
      if (folded.rfind(kind, 0) == 0) folded.erase(0, kind.size());
    std::vector<std::string> words = words_of(folded);
    if (words.empty() || now <= 0) return;
    auto& names = by_first_word[words.front()];
    for (const Name& n : names)
      if (n.words == words) return;
    names.push_back({std::move(words), now});
  }
};

int number(const std::string& code) {
  try {
    return std::stoi(code);
  } catch (const std::exception&) {
    return 0;
  }
}

const ProvinceNames& province_names() {
  static const ProvinceNames names = [] {
    ProvinceNames n;
    for (const auto& row : core_data_rows("provinces_34_from_2025-07-01.csv"))
      if (row.size() >= 3) n.add(row[2], number(row[1]));
    for (const auto& row : core_data_rows("provinces_2025_merges.csv")) {
      if (row.size() < 4) continue;
      n.now_of_cccd_code[row[0]] = number(row[2]);
      n.add(row[1], number(row[2]));
    }
    // The old names as the 63-province list writes them ("Thừa Thiên Huế", "Hòa Bình").
    for (const auto& row : core_data_rows("provinces_63_pre2025_gso_cccd.csv"))
      if (row.size() >= 4)
        if (auto it = n.now_of_cccd_code.find(row[1]); it != n.now_of_cccd_code.end()) n.add(row[3], it->second);
    return n;
  }();
  return names;
}

}  // namespace

int province_now_named_in(std::string_view place) {
  const ProvinceNames& names = province_names();
  const std::vector<std::string> words = words_of(sdk::fold(place));
  int found = 0;
  for (std::size_t at = 0; at < words.size(); ++at) {
    auto it = names.by_first_word.find(words[at]);
    if (it == names.by_first_word.end()) continue;
    std::size_t longest = 0;
    for (const auto& name : it->second) {
      if (name.words.size() <= longest || at + name.words.size() > words.size()) continue;
      bool all = true;
      for (std::size_t k = 1; k < name.words.size() && all; ++k) all = words[at + k] == name.words[k];
      if (all) {
        longest = name.words.size();
        found = name.now;  // a later position wins: the province ends the address
      }
    }
  }
  return found;
}

int province_now_of_citizen_id(std::string_view id) {
  if (id.size() != 12) return 0;
  for (char c : id)
    if (c < '0' || c > '9') return 0;
  const auto& codes = province_names().now_of_cccd_code;
  auto it = codes.find(std::string(id.substr(0, 3)));
  return it == codes.end() ? 0 : it->second;
}

}  // namespace hopnhat::text
