#include "expected_records.hpp"

#include <fstream>
#include <set>
#include <stdexcept>
#include <unordered_map>

namespace hopnhat::testkit {
namespace {

std::string json_quoted(const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

std::string pair_text(const std::pair<std::string, std::string>& p) { return "[" + json_quoted(p.first) + ", " + json_quoted(p.second) + "]"; }

}  // namespace

std::vector<ExpectedRecord> expected_records_from_json(const nlohmann::json& j, const std::string& where) {
  auto bad = [&](const std::string& path, const std::string& what) {
    return std::runtime_error(where + ": " + path + ": " + what);
  };
  if (!j.is_array()) throw bad("the top level", "expected a JSON array of records");
  std::vector<ExpectedRecord> out;
  std::set<std::string> ids;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const auto& e = j[i];
    std::string at = "[" + std::to_string(i) + "]";
    if (!e.is_object()) throw bad(at, "expected an object with \"id\" and \"fields\"");
    for (const auto& [key, value] : e.items())
      if (key != "id" && key != "fields" && key != "attributes" && key != "history")
        throw bad(at + "." + key, "unknown key (id, fields, attributes, history)");
    if (!e.contains("id") || !e["id"].is_string() || e["id"].get<std::string>().empty())
      throw bad(at + ".id", "expected a non-empty string");
    ExpectedRecord r;
    r.id = e["id"];
    if (!ids.insert(r.id).second) throw bad(at + ".id", "the id " + json_quoted(r.id) + " is listed twice");
    if (!e.contains("fields") || !e["fields"].is_object()) throw bad(at + ".fields", "expected an object of strings");
    for (const auto& [name, value] : e["fields"].items()) {
      if (!value.is_string()) throw bad(at + ".fields." + name, "expected a string");
      r.fields[name] = value;
    }
    if (e.contains("attributes")) {
      const auto& a = e["attributes"];
      if (!a.is_array()) throw bad(at + ".attributes", "expected an array of [name, value] pairs");
      r.attributes.emplace();
      for (std::size_t k = 0; k < a.size(); ++k) {
        if (!a[k].is_array() || a[k].size() != 2 || !a[k][0].is_string() || !a[k][1].is_string())
          throw bad(at + ".attributes[" + std::to_string(k) + "]", "expected a [name, value] pair of strings");
        r.attributes->emplace_back(a[k][0], a[k][1]);
      }
    }
    if (e.contains("history")) {
      const auto& h = e["history"];
      if (!h.is_array()) throw bad(at + ".history", "expected an array of {\"kind\", \"from\", \"to\", \"fields\"}");
      r.history.emplace();
      for (std::size_t k = 0; k < h.size(); ++k) {
        const std::string hat = at + ".history[" + std::to_string(k) + "]";
        if (!h[k].is_object()) throw bad(hat, "expected an object");
        sdk::HistoryRow row;
        for (const auto& [key, value] : h[k].items()) {
          if (key == "fields") {
            if (!value.is_object()) throw bad(hat + ".fields", "expected an object of strings");
            for (const auto& [name, v] : value.items()) {
              if (!v.is_string()) throw bad(hat + ".fields." + name, "expected a string");
              row.fields[name] = v;
            }
          } else if (key == "kind" || key == "from" || key == "to") {
            if (!value.is_string()) throw bad(hat + "." + key, "expected a string");
            (key == "kind" ? row.kind : key == "from" ? row.from : row.to) = value;
          } else {
            throw bad(hat + "." + key, "unknown key (kind, from, to, fields)");
          }
        }
        if (row.kind.empty()) throw bad(hat + ".kind", "expected posting, grade or party");
        r.history->push_back(std::move(row));
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<ExpectedRecord> read_expected_records(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error("--expected-records: cannot read " + file.string());
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& e) {
    throw std::runtime_error("--expected-records: " + file.string() + " is not valid JSON: " + e.what());
  }
  return expected_records_from_json(j, file.string());
}

std::string first_difference(const std::vector<ExpectedRecord>& expected, const std::vector<sdk::SourceRecord>& got) {
  std::unordered_map<std::string, const sdk::SourceRecord*> read;
  for (const auto& r : got) read.emplace(r.id, &r);
  std::set<std::string> listed;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const ExpectedRecord& want = expected[i];
    listed.insert(want.id);
    std::string record = "record " + json_quoted(want.id) + " (expected record " + std::to_string(i + 1) + ")";
    auto it = read.find(want.id);
    if (it == read.end())
      return record + " was not read; the importer read " + std::to_string(got.size()) + " record(s)" +
             (got.empty() ? "" : ", the first with id " + json_quoted(got.front().id));
    const sdk::SourceRecord& have = *it->second;
    std::set<std::string> names;
    for (const auto& [k, v] : want.fields) names.insert(k);
    for (const auto& [k, v] : have.fields) names.insert(k);
    for (const auto& name : names) {
      auto w = want.fields.find(name);
      auto h = have.fields.find(name);
      if (w != want.fields.end() && h != have.fields.end() && w->second == h->second) continue;
      return record + ", field " + name + ": expected " + (w == want.fields.end() ? "no such field" : json_quoted(w->second)) +
             ", got " + (h == have.fields.end() ? "no such field" : json_quoted(h->second));
    }
    if (want.history) {
      auto row_text = [](const sdk::HistoryRow& h) {
        return nlohmann::json{{"kind", h.kind}, {"from", h.from}, {"to", h.to}, {"fields", h.fields}}.dump(
            -1, ' ', false, nlohmann::json::error_handler_t::replace);
      };
      const auto& wh = *want.history;
      const auto& hh = have.history;
      for (std::size_t k = 0; k < std::max(wh.size(), hh.size()); ++k) {
        if (k < wh.size() && k < hh.size() && wh[k].kind == hh[k].kind && wh[k].from == hh[k].from && wh[k].to == hh[k].to &&
            wh[k].fields == hh[k].fields)
          continue;
        return record + ", history row " + std::to_string(k + 1) + ": expected " + (k < wh.size() ? row_text(wh[k]) : "none") +
               ", got " + (k < hh.size() ? row_text(hh[k]) : "none");
      }
    }
    if (!want.attributes) continue;
    const auto& wa = *want.attributes;
    const auto& ha = have.attributes;
    for (std::size_t k = 0; k < std::max(wa.size(), ha.size()); ++k) {
      if (k < wa.size() && k < ha.size() && wa[k] == ha[k]) continue;
      return record + ", attribute " + std::to_string(k + 1) + ": expected " + (k < wa.size() ? pair_text(wa[k]) : "none") +
             ", got " + (k < ha.size() ? pair_text(ha[k]) : "none");
    }
  }
  for (const auto& r : got)
    if (!listed.count(r.id)) return "record " + json_quoted(r.id) + " was read but is not among the " + std::to_string(expected.size()) + " expected records";
  return "";
}

}  // namespace hopnhat::testkit
