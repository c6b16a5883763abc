#include "org/unit_resolver.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "hopnhat/sdk/text.hpp"
#include "text/unit_name.hpp"

namespace hopnhat::org {

namespace {

std::vector<std::string> words_of(const std::string& key) {
  std::vector<std::string> out;
  std::stringstream ss(key);
  for (std::string w; ss >> w;) out.push_back(w);
  return out;
}

void add_unique(std::vector<std::string>& list, const std::string& code) {
  if (std::find(list.begin(), list.end(), code) == list.end()) list.push_back(code);
}

// Whether the tokens of a written name spell the unit's words: a token equal to the next word,
// or a token not found among the unit's words read as the initials of the next words ("vh",
// "tt" → van hoa, thong tin; "p" → phong or phuong).
bool spells(const std::vector<std::string>& tokens, std::size_t t, const std::vector<std::string>& words, std::size_t w,
            const std::set<std::string>& vocabulary) {
  if (t == tokens.size()) return w == words.size();
  const std::string& token = tokens[t];
  if (w < words.size() && token == words[w] && spells(tokens, t + 1, words, w + 1, vocabulary)) return true;
  if (vocabulary.count(token) || token.size() > 6) return false;  // a real word, not initials
  std::size_t k = 0;
  while (k < token.size() && w + k < words.size() && words[w + k][0] == token[k]) ++k;
  return k == token.size() && spells(tokens, t + 1, words, w + k, vocabulary);
}

}  // namespace

const char* how_name(Resolution::How how) {
  switch (how) {
    case Resolution::How::kAlias: return "alias";
    case Resolution::How::kCode: return "code";
    case Resolution::How::kName: return "name";
    case Resolution::How::kAcronym: return "acronym";
    case Resolution::How::kShortened: return "shortened";
    case Resolution::How::kAmbiguous: return "ambiguous";
    case Resolution::How::kUnknown: return "unknown";
  }
  return "unknown";
}

UnitResolver::UnitResolver(const OrgRegistry& registry, std::map<std::string, std::string> answers)
    : registry_(registry), answers_(std::move(answers)) {
  for (const Unit& u : registry.units()) {
    std::vector<std::string> names{u.name};
    names.insert(names.end(), u.aliases.begin(), u.aliases.end());
    for (const std::string& n : names) {
      std::string key = text::unit_key(n);
      if (key.empty()) continue;
      add_unique(by_key_[key], u.code);
      rows_by_key_[key].push_back(&u);
      words_.emplace_back(words_of(key), u.code);
      vocabulary_.insert(words_.back().first.begin(), words_.back().first.end());
    }
  }
}

Resolution UnitResolver::pick(std::vector<std::string> codes, Resolution::How how, const std::string& date) const {
  Resolution r;
  if (codes.size() > 1 && !date.empty()) {
    std::vector<std::string> valid;
    for (const auto& c : codes)
      if (registry_.find(c, date)) valid.push_back(c);
    if (valid.size() == 1) codes = valid;
  }
  if (codes.size() == 1) {
    r.how = how;
    r.code = codes.front();
  } else {
    r.how = Resolution::How::kAmbiguous;
    r.candidates = std::move(codes);
  }
  return r;
}

Resolution UnitResolver::resolve_undated(std::string_view text) const {
  Resolution r = resolve(text);
  if (r.how != Resolution::How::kAmbiguous) return r;
  for (const std::string& first : r.candidates) {
    std::set<std::string> reached{first};  // every unit `first` became, through any chain of edges
    for (bool grew = true; grew;) {
      grew = false;
      for (const CrosswalkEdge& e : registry_.crosswalk())
        if (reached.count(e.old_code) && reached.insert(e.new_code).second) grew = true;
    }
    if (std::all_of(r.candidates.begin(), r.candidates.end(), [&](const std::string& c) { return reached.count(c) > 0; }))
      return pick({first}, Resolution::How::kName, "");
  }
  return r;
}

Resolution UnitResolver::resolve(std::string_view text, const std::string& date) const {
  std::string written(text);
  written.erase(0, written.find_first_not_of(" \t"));
  written.erase(written.find_last_not_of(" \t") + 1);
  if (written.empty()) return {};
  if (auto it = answers_.find(written); it != answers_.end()) return pick({it->second}, Resolution::How::kAlias, date);
  if (registry_.latest(written)) return pick({written}, Resolution::How::kCode, date);
  const std::string key = text::unit_key(written);
  if (key.empty()) return {};
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    // A name two units bore at different times (a new ward named after one of its predecessors,
    // which kept the other's code) means the one that bore it on the date asked.
    if (it->second.size() > 1 && !date.empty()) {
      std::vector<std::string> bearing;
      for (const Unit* u : rows_by_key_.at(key))
        if (u->valid_on(date)) add_unique(bearing, u->code);
      if (bearing.size() == 1) return pick(bearing, Resolution::How::kName, date);
    }
    return pick(it->second, Resolution::How::kName, date);
  }

  const std::vector<std::string> tokens = words_of(key);
  std::vector<std::string> spelled;
  for (const auto& [words, code] : words_)
    if (spells(tokens, 0, words, 0, vocabulary_)) add_unique(spelled, code);
  if (!spelled.empty()) return pick(spelled, Resolution::How::kAcronym, date);

  // Shortened or lengthened: rank by the share of words in common, a unit within counts only
  // when it is the only one.
  std::vector<std::string> within;
  for (const auto& [k, codes] : by_key_)
    if (text::unit_key_within(key, k) || text::unit_key_within(k, key))
      for (const auto& c : codes) add_unique(within, c);
  if (within.size() > 1) {
    // "Văn phòng Huyện ủy Hoành Bồ" holds both the office and the committee it belongs to: a
    // name that names a unit and its parent means the unit, the more specific.
    std::set<std::string> ancestors;
    for (const auto& c : within)
      for (const Unit* u = registry_.latest(c); u && !u->parent_code.empty(); u = registry_.latest(u->parent_code))
        if (!ancestors.insert(u->parent_code).second) break;
    std::erase_if(within, [&](const std::string& c) { return ancestors.count(c) > 0; });
  }
  if (!within.empty()) {
    Resolution r = pick(within, Resolution::How::kShortened, date);
    if (r.resolved()) return r;
  }
  // Not resolved: suggest the units sharing most words with it.
  std::map<std::string, double> score;
  const std::set<std::string> mine(tokens.begin(), tokens.end());
  for (const auto& [words, code] : words_) {
    std::size_t common = 0;
    for (const auto& w : std::set<std::string>(words.begin(), words.end())) common += mine.count(w);
    if (common == 0) continue;
    double s = static_cast<double>(common) / static_cast<double>(std::max(words.size(), tokens.size()));
    score[code] = std::max(score[code], s);
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [code, s] : score) ranked.emplace_back(-s, code);
  std::sort(ranked.begin(), ranked.end());
  Resolution r;
  r.how = within.size() > 1 ? Resolution::How::kAmbiguous : Resolution::How::kUnknown;
  for (std::size_t i = 0; i < ranked.size() && i < 5; ++i) r.candidates.push_back(ranked[i].second);
  return r;
}

}  // namespace hopnhat::org
