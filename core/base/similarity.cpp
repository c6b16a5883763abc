#include "base/similarity.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace hopnhat::base {

std::u32string to_u32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  each_code_point(s, [&](char32_t cp) { out.push_back(cp); });
  return out;
}

namespace {

template <class Char>
double jaro_winkler_of(std::basic_string_view<Char> a, std::basic_string_view<Char> b) {
  if (a.empty() && b.empty()) return 1.0;
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  const std::size_t la = a.size(), lb = b.size();
  const std::size_t window = std::max<std::size_t>(std::max(la, lb) / 2, 1) - 1;
  // Match flags on the stack for names and ids (called millions of times a run).
  constexpr std::size_t kShort = 64;
  std::array<char, kShort> short_a{}, short_b{};
  std::vector<char> long_a, long_b;
  char* ma = short_a.data();
  char* mb = short_b.data();
  if (la > kShort || lb > kShort) {
    long_a.assign(la, 0);
    long_b.assign(lb, 0);
    ma = long_a.data();
    mb = long_b.data();
  }
  std::size_t matches = 0;
  for (std::size_t i = 0; i < la; ++i) {
    std::size_t lo = i > window ? i - window : 0, hi = std::min(lb, i + window + 1);
    for (std::size_t j = lo; j < hi; ++j) {
      if (mb[j] || a[i] != b[j]) continue;
      ma[i] = mb[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  std::size_t t = 0, k = 0;
  for (std::size_t i = 0; i < la; ++i) {
    if (!ma[i]) continue;
    while (!mb[k]) ++k;
    if (a[i] != b[k]) ++t;
    ++k;
  }
  double m = static_cast<double>(matches);
  double jaro = (m / static_cast<double>(la) + m / static_cast<double>(lb) + (m - static_cast<double>(t) / 2.0) / m) / 3.0;
  std::size_t prefix = 0;
  while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

template <class Char>
bool within_one_edit_of(std::basic_string_view<Char> a, std::basic_string_view<Char> b) {
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > 1) return false;
  std::size_t i = 0;
  while (i < b.size() && a[i] == b[i]) ++i;
  if (i == b.size()) return true;  // equal, or `a` has one more at the end
  if (a.size() > b.size()) return a.substr(i + 1) == b.substr(i);  // one inserted
  if (a.substr(i + 1) == b.substr(i + 1)) return true;              // one substituted
  return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2);  // a swap
}

}  // namespace

double jaro_winkler(std::u32string_view a, std::u32string_view b) { return jaro_winkler_of(a, b); }
double jaro_winkler(std::string_view a, std::string_view b) { return jaro_winkler_of(a, b); }
bool within_one_edit(std::u32string_view a, std::u32string_view b) { return within_one_edit_of(a, b); }
bool within_one_edit(std::string_view a, std::string_view b) { return within_one_edit_of(a, b); }

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

int damerau_levenshtein(std::u32string_view a, std::u32string_view b, int limit) {
  const int la = static_cast<int>(a.size()), lb = static_cast<int>(b.size());
  if (std::abs(la - lb) > limit) return limit + 1;
  std::vector<int> prev2(static_cast<std::size_t>(lb) + 1), prev(static_cast<std::size_t>(lb) + 1), cur(static_cast<std::size_t>(lb) + 1);
  for (int j = 0; j <= lb; ++j) prev[static_cast<std::size_t>(j)] = j;
  for (int i = 1; i <= la; ++i) {
    cur[0] = i;
    int row_min = cur[0];
    for (int j = 1; j <= lb; ++j) {
      int cost = a[static_cast<std::size_t>(i - 1)] == b[static_cast<std::size_t>(j - 1)] ? 0 : 1;
      int v = std::min({prev[static_cast<std::size_t>(j)] + 1, cur[static_cast<std::size_t>(j - 1)] + 1, prev[static_cast<std::size_t>(j - 1)] + cost});
      if (i > 1 && j > 1 && a[static_cast<std::size_t>(i - 1)] == b[static_cast<std::size_t>(j - 2)] && a[static_cast<std::size_t>(i - 2)] == b[static_cast<std::size_t>(j - 1)])
        v = std::min(v, prev2[static_cast<std::size_t>(j - 2)] + 1);
      cur[static_cast<std::size_t>(j)] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[static_cast<std::size_t>(lb)], limit + 1);
}

}  // namespace hopnhat::base
