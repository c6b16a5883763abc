#include "hopnhat/sdk/options.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace hopnhat::sdk {
inline namespace HOPNHAT_ABI_NAMESPACE {

struct OptionReader::State {
  std::string plugin;
  nlohmann::json options;
  std::set<std::string> read;
  std::string first_error;
  std::string prefix;  // a nested reader's place in the options: "history[0]."
};

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string shown(const nlohmann::json& v) {
  std::string s = v.dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}
}  // namespace

OptionReader::OptionReader(std::string plugin, const std::string& options_json) : state_(new State) {
  state_->plugin = std::move(plugin);
  try {
    state_->options = nlohmann::json::parse(options_json.empty() ? "{}" : options_json);
    if (!state_->options.is_object())
      state_->first_error = state_->plugin + ": the options must be a JSON object, got " + shown(state_->options);
  } catch (const nlohmann::json::exception& e) {
    state_->first_error = state_->plugin + ": the options are not valid JSON (" + e.what() + ")";
    state_->options = nlohmann::json::object();
  }
}

OptionReader::OptionReader(std::string plugin, const std::string& options_json, std::string prefix)
    : OptionReader(std::move(plugin), options_json) {
  state_->prefix = std::move(prefix);
}

OptionReader::~OptionReader() = default;

void OptionReader::fail(const std::string& key, const std::string& expected) {
  if (state_->first_error.empty())
    state_->first_error = state_->plugin + ": option '" + state_->prefix + key + "': " + expected;
}

#define HOPNHAT_OPTION_LOOKUP_(key)                         \
  state_->read.insert(key);                                 \
  if (!state_->options.is_object()) return {};              \
  auto it = state_->options.find(key);                      \
  if (it == state_->options.end() || it->is_null()) return {};

std::optional<std::string> OptionReader::string(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_string()) { fail(key, "expected a string, got " + shown(*it)); return {}; }
  return it->get<std::string>();
}

std::string OptionReader::required_string(const std::string& key) {
  auto v = string(key);
  if (!v && state_->options.is_object() && !state_->options.contains(key))
    fail(key, "is required but missing");
  else if (v && v->empty())
    fail(key, "must not be empty");
  return v.value_or("");
}

std::optional<bool> OptionReader::boolean(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_boolean()) { fail(key, "expected true or false, got " + shown(*it)); return {}; }
  return it->get<bool>();
}

std::optional<std::int64_t> OptionReader::integer(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_number_integer()) { fail(key, "expected a whole number, got " + shown(*it)); return {}; }
  return it->get<std::int64_t>();
}

std::optional<double> OptionReader::number(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_number()) { fail(key, "expected a number, got " + shown(*it)); return {}; }
  return it->get<double>();
}

std::map<std::string, std::string> OptionReader::string_map(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_object()) { fail(key, "expected an object of strings, got " + shown(*it)); return {}; }
  std::map<std::string, std::string> out;
  for (auto& [k, v] : it->items()) {
    if (!v.is_string()) { fail(key + "." + k, "expected a string, got " + shown(v)); return {}; }
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

std::vector<std::string> OptionReader::string_list(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_array()) { fail(key, "expected a list of strings, got " + shown(*it)); return {}; }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string()) { fail(key + "[" + std::to_string(i) + "]", "expected a string, got " + shown(v)); return {}; }
    out.push_back(v.get<std::string>());
  }
  return out;
}

std::vector<std::string> OptionReader::object_list(const std::string& key) {
  HOPNHAT_OPTION_LOOKUP_(key)
  if (!it->is_array()) { fail(key, "expected a list of objects, got " + shown(*it)); return {}; }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_object()) { fail(key + "[" + std::to_string(i) + "]", "expected an object, got " + shown(v)); return {}; }
    out.push_back(v.dump());
  }
  return out;
}

#undef HOPNHAT_OPTION_LOOKUP_

Status OptionReader::status() const {
  if (!state_->first_error.empty()) return Status::invalid_options(state_->first_error);
  if (state_->options.is_object()) {
    for (auto& [k, v] : state_->options.items()) {
      if (state_->read.count(k)) continue;
      std::string best;
      std::size_t best_d = 3;
      for (const auto& known : state_->read) {
        std::size_t d = edit_distance(k, known);
        if (d < best_d) { best_d = d; best = known; }
      }
      std::string msg = state_->plugin + ": unknown option '" + state_->prefix + k + "'";
      if (!best.empty()) msg += " (did you mean '" + best + "'?)";
      return Status::invalid_options(msg);
    }
  }
  return Status::ok();
}

}  // namespace HOPNHAT_ABI_NAMESPACE
}  // namespace hopnhat::sdk
