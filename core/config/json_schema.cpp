#include "config/json_schema.hpp"

#include "base/similarity.hpp"

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

namespace hopnhat::config {

struct SchemaCheck::Impl {
  nlohmann::json source;
  valijson::Schema schema;
};

namespace {

bool is_index(const std::string& segment) {
  return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  return static_cast<std::size_t>(base::damerau_levenshtein(base::to_u32(a), base::to_u32(b), 8));
}

// The sub-schema at a valijson context, following "properties" and "items" only.
const nlohmann::json* schema_at(const nlohmann::json& schema, const std::vector<std::string>& context) {
  const nlohmann::json* s = &schema;
  for (const auto& seg : context) {
    if (seg == "<root>") continue;
    std::string name = seg.size() >= 2 ? seg.substr(1, seg.size() - 2) : seg;
    if (is_index(name) && s->contains("items")) { s = &(*s)["items"]; continue; }
    if (s->contains("properties") && (*s)["properties"].contains(name)) { s = &(*s)["properties"][name]; continue; }
    return nullptr;
  }
  return s;
}

std::string friendly(const nlohmann::json& schema, const valijson::ValidationResults::Error& e,
                     const std::string& root_path, std::string& path_out) {
  std::string path = json_path(e.context, root_path);
  const std::string& d = e.description;
  const std::string unknown_marker = "'properties' or 'additionalProperties' constraints: '";
  auto at = d.find(unknown_marker);
  if (at != std::string::npos) {
    std::string key = d.substr(at + unknown_marker.size());
    key = key.substr(0, key.find('\''));
    std::string suggestion;
    if (const nlohmann::json* s = schema_at(schema, e.context); s && s->contains("properties")) {
      std::size_t best = 3;
      for (auto& [name, _] : (*s)["properties"].items()) {
        std::size_t dist = edit_distance(key, name);
        if (dist < best) { best = dist; suggestion = name; }
      }
    }
    path_out = path.empty() ? key : path + "." + key;
    std::string msg = path_out + ": unknown key";
    if (!suggestion.empty()) msg += " (did you mean \"" + suggestion + "\"?)";
    return msg;
  }
  path_out = path;
  return (path.empty() ? std::string("(top level)") : path) + ": " + d;
}

}  // namespace

std::string json_path(const std::vector<std::string>& context, const std::string& root_path) {
  std::string out = root_path;
  for (const auto& seg : context) {
    if (seg == "<root>") continue;
    std::string name = seg.size() >= 2 && seg.front() == '[' ? seg.substr(1, seg.size() - 2) : seg;
    if (is_index(name)) out += "[" + name + "]";
    else out += (out.empty() ? "" : ".") + name;
  }
  return out;
}

SchemaCheck::SchemaCheck(nlohmann::json schema) : impl_(new Impl) {
  impl_->source = std::move(schema);
  try {
    valijson::SchemaParser parser;
    valijson::adapters::NlohmannJsonAdapter adapter(impl_->source);
    parser.populateSchema(adapter, impl_->schema);
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("not a valid JSON Schema: ") + e.what());
  }
}

SchemaCheck::~SchemaCheck() = default;
SchemaCheck::SchemaCheck(SchemaCheck&&) noexcept = default;

std::vector<std::string> SchemaCheck::problems(const nlohmann::json& document, const std::string& root_path) const {
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(document);
  if (validator.validate(impl_->schema, target, &results)) return {};
  // valijson reports a failure at every level up to the root; keep the deepest per branch.
  std::vector<std::pair<std::string, std::string>> found;  // (path, message)
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string path;
    std::string msg = friendly(impl_->source, e, root_path, path);
    found.emplace_back(path, msg);
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& [path, msg] : found) {
    bool has_deeper = std::any_of(found.begin(), found.end(), [&](const auto& other) {
      return other.first.size() > path.size() && other.first.compare(0, path.size(), path) == 0 &&
             (path.empty() || other.first[path.size()] == '.' || other.first[path.size()] == '[');
    });
    if (has_deeper) continue;
    if (seen.insert(msg).second) out.push_back(msg);
  }
  return out;
}

}  // namespace hopnhat::config
