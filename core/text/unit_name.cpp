#include "text/unit_name.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::text {
namespace {

struct UnitTables {
  std::map<std::string, std::string, std::less<>> abbreviations;  // folded word → folded words
  std::vector<std::string> party_prefixes;                        // longest first
};

const UnitTables& unit_tables() {
  static const UnitTables kTables = [] {
    UnitTables t;
    for (const auto& cells : core_data_rows("unit_abbreviations.csv")) {
      if (cells.size() >= 3 && cells[0] == "abbreviation") t.abbreviations.emplace(cells[1], cells[2]);
      else if (cells.size() >= 2 && cells[0] == "party_prefix") t.party_prefixes.push_back(cells[1]);
    }
    std::sort(t.party_prefixes.begin(), t.party_prefixes.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
    return t;
  }();
  return kTables;
}

}  // namespace

std::string unit_key(std::string_view name) {
  const UnitTables& tables = unit_tables();
  const std::string folded = sdk::fold(name);  // millions of values a run: no streams below
  std::string out;
  out.reserve(folded.size() + 16);
  std::string word;
  auto flush = [&] {
    if (word.empty() || word == "va") {
      word.clear();
      return;
    }
    auto it = tables.abbreviations.find(word);
    if (!out.empty()) out += ' ';
    out += it == tables.abbreviations.end() ? word : it->second;
    word.clear();
  };
  for (char c : folded) {
    // "&" and "-" join the parts of an abbreviation ("ldtb&xh", "vh-tt"); between words with
    // spaces around them they leave an empty word, dropped.
    if (c == '&' || c == '-') continue;
    if (c == ' ' || c == '.' || c == ',' || c == '/' || c == '(' || c == ')' || c == '\t') flush();
    else word += c;
  }
  flush();
  for (const std::string& prefix : tables.party_prefixes)
    if (out.size() > prefix.size() && out.compare(0, prefix.size(), prefix) == 0 && out[prefix.size()] == ' ') {
      out.erase(0, prefix.size() + 1);
      break;
    }
  return out;
}

bool unit_key_within(std::string_view a, std::string_view b) {
  // Words split on single spaces, walked in place: matching asks this of most candidate pairs
  // whose units differ, tens of millions a run.
  auto next_word = [](std::string_view& s) {
    const auto sp = s.find(' ');
    const std::string_view word = s.substr(0, sp);
    s = sp == std::string_view::npos ? std::string_view() : s.substr(sp + 1);
    return word;
  };
  auto words = [&](std::string_view s) {
    std::size_t n = 0;
    for (; !s.empty(); ++n) next_word(s);
    return n;
  };
  std::size_t na = words(a), nb = words(b);
  if (na == 0 || nb == 0) return false;
  if (na > nb) {
    std::swap(a, b);
    std::swap(na, nb);
  }
  std::size_t k = 0;  // words of `a` found, in order
  std::string_view wanted = next_word(a);
  for (std::size_t i = 0; i < nb && k < na; ++i)
    if (next_word(b) == wanted && ++k < na) wanted = next_word(a);
  return k == na;
}

}  // namespace hopnhat::text
