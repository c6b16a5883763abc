#include "merge/golden_text.hpp"

#include <stdexcept>

#include "base/json_text.hpp"

namespace hopnhat::merge {

namespace {
constexpr std::string_view kCompactStart = "{\"p\":[";
}  // namespace

void GoldenTextWriter::add(std::string_view field, std::string_view value, std::string_view source,
                           std::string_view record_id, std::int64_t run, std::string_view rule) {
  std::size_t at = 0;
  while (at < origins_.size() && !(origins_[at].source == source && origins_[at].record_id == record_id &&
                                   origins_[at].run == run && origins_[at].rule == rule))
    ++at;
  if (at == origins_.size()) origins_.push_back({source, record_id, rule, run});
  if (!fields_.empty()) fields_ += ',';
  base::append_json_string_unchecked(fields_, field);  // finish() checks the whole text
  fields_ += ":[";
  base::append_json_string_unchecked(fields_, value);
  fields_ += ',';
  fields_ += std::to_string(at);
  fields_ += ']';
}

std::string GoldenTextWriter::finish() const {
  std::string out;
  out.reserve(32 + origins_.size() * 48 + fields_.size());
  out += kCompactStart;
  for (std::size_t i = 0; i < origins_.size(); ++i) {
    const Origin& o = origins_[i];
    if (i) out += ',';
    out += '[';
    base::append_json_string_unchecked(out, o.source);
    out += ',';
    base::append_json_string_unchecked(out, o.record_id);
    out += ',';
    out += std::to_string(o.run);
    out += ',';
    base::append_json_string_unchecked(out, o.rule);
    out += ']';
  }
  out += "],\"f\":{";
  out += fields_;
  out += "}}";
  base::require_utf8(out);
  return out;
}

std::string encode_golden(const nlohmann::json& golden) {
  GoldenTextWriter writer;
  for (const auto& [field, v] : golden.items())  // an object iterates in key order
    writer.add(field, v.at("value").get_ref<const std::string&>(), v.at("source").get_ref<const std::string&>(),
               v.at("record_id").get_ref<const std::string&>(), v.at("run").get<std::int64_t>(),
               v.at("rule").get_ref<const std::string&>());
  return writer.finish();
}

bool is_compact_golden(std::string_view text) { return text.substr(0, kCompactStart.size()) == kCompactStart; }

nlohmann::json decode_golden(std::string_view text) {
  nlohmann::json stored = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (stored.is_discarded() || !stored.is_object()) throw std::runtime_error("a stored golden record is not a JSON object");
  if (!is_compact_golden(text)) return stored;  // the documented shape itself (older stores)
  try {
    const nlohmann::json& origins = stored.at("p");
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [field, entry] : stored.at("f").items()) {
      const nlohmann::json& o = origins.at(entry.at(1).get<std::size_t>());
      out[field] = {{"value", entry.at(0)}, {"source", o.at(0)}, {"record_id", o.at(1)}, {"run", o.at(2)}, {"rule", o.at(3)}};
    }
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("a stored golden record is not valid: ") + e.what());
  }
}

bool golden_has_decision(std::string_view text) {
  // Escaped inside a value, neither can occur: a quote there is preceded by a backslash.
  return text.find(",\"decision\"]") != std::string_view::npos || text.find("\"rule\":\"decision\"") != std::string_view::npos;
}

}  // namespace hopnhat::merge
