#include "store/row_json.hpp"

#include <nlohmann/json.hpp>

#include "base/json_text.hpp"
#include "store/store.hpp"

namespace hopnhat::store {

std::string fields_json(const sdk::SourceRecord& r) {
  std::size_t size = 2;
  for (const auto& [k, v] : r.fields) size += k.size() + v.size() + 6;
  std::string out;
  out.reserve(size);  // escapes aside, the exact size
  out += '{';  // written directly: once per stored record (base/json_text.hpp)
  for (const auto& [k, v] : r.fields) {  // a std::map: in key order, as nlohmann writes objects
    if (out.size() > 1) out += ',';
    base::append_json_string_unchecked(out, k);
    out += ':';
    base::append_json_string_unchecked(out, v);
  }
  out += '}';
  base::require_utf8(out);
  return out;
}

std::string attributes_json(const sdk::SourceRecord& r) { return pairs_json(r.attributes); }

RecordText record_text(const sdk::SourceRecord& r, std::string normalized) {
  return {fields_json(r), attributes_json(r), history_json(r), std::move(normalized)};
}

void read_record_json(const std::string& fields, const std::string& attributes, sdk::SourceRecord& r) {
  if (fields != "{}") {  // matching reads millions of records without their raw fields
    const nlohmann::json f = nlohmann::json::parse(fields);
    for (auto& [k, v] : f.items()) r.fields.emplace(k, v.get<std::string>());
  }
  r.attributes = read_pairs_json(attributes);
}

std::string history_json(const sdk::SourceRecord& r) {
  if (r.history.empty()) return "";
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : r.history)
    out.push_back({{"kind", h.kind}, {"from", h.from}, {"to", h.to}, {"fields", h.fields}, {"origin", h.origin}});
  return out.dump();
}

std::vector<sdk::HistoryRow> read_history_json(const std::string& text) {
  std::vector<sdk::HistoryRow> out;
  if (text.empty()) return out;
  for (const auto& h : nlohmann::json::parse(text))
    out.push_back({h.at("kind"), h.at("from"), h.at("to"), h.at("fields").get<std::map<std::string, std::string>>(),
                   h.value("origin", "")});
  return out;
}

std::string pairs_json(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = "[";  // written directly: once per stored record (base/json_text.hpp)
  for (const auto& [k, v] : pairs) {
    if (out.size() > 1) out += ',';
    out += '[';
    base::append_json_string_unchecked(out, k);
    out += ',';
    base::append_json_string_unchecked(out, v);
    out += ']';
  }
  out += ']';
  base::require_utf8(out);
  return out;
}

std::vector<std::pair<std::string, std::string>> read_pairs_json(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text == "[]") return out;
  for (const auto& pair : nlohmann::json::parse(text)) out.emplace_back(pair[0], pair[1]);
  return out;
}

}  // namespace hopnhat::store
