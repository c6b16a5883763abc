#include "merge/golden_reader.hpp"

#include <stdexcept>

namespace hopnhat::merge {
namespace {

[[noreturn]] void fail(const std::string& person_id, const simdjson::simdjson_error& e) {
  throw std::runtime_error("person " + person_id + ": its stored golden record is not valid: " + e.what());
}

}  // namespace

simdjson::ondemand::document& GoldenReader::parse(const std::string& person_id, std::string_view text) {
  buffer_.assign(text);
  buffer_.append(simdjson::SIMDJSON_PADDING, '\0');
  try {
    document_ = parser_.iterate(buffer_.data(), text.size(), buffer_.size());
  } catch (const simdjson::simdjson_error& e) {
    fail(person_id, e);
  }
  return document_;
}

void GoldenReader::read(const std::string& person_id, std::string_view text, std::map<std::string, sdk::PersonValue>& out) {
  out.clear();
  auto& doc = parse(person_id, text);
  try {
    for (auto field : doc.get_object()) {
      // Stored records list their fields in key order: each one goes at the end of the map.
      std::string key(field.unescaped_key().value());
      sdk::PersonValue& v = out.empty() || out.rbegin()->first < key ? out.emplace_hint(out.end(), std::move(key), sdk::PersonValue{})->second
                                                                     : out[key];
      for (auto member : field.value().get_object()) {
        std::string_view key = member.unescaped_key().value();
        if (key == "value") v.value = std::string_view(member.value().get_string());
        else if (key == "source") v.provenance.source = std::string_view(member.value().get_string());
        else if (key == "record_id") v.provenance.record_id = std::string_view(member.value().get_string());
        else if (key == "rule") v.provenance.rule = std::string_view(member.value().get_string());
        else if (key == "run") v.provenance.run_id = member.value().get_int64();
      }
    }
  } catch (const simdjson::simdjson_error& e) {
    fail(person_id, e);
  }
}

void GoldenReader::add_fields(const std::string& person_id, std::string_view text, std::set<std::string>& fields) {
  auto& doc = parse(person_id, text);
  try {
    for (auto field : doc.get_object()) {
      std::string_view key = field.unescaped_key().value();
      if (!fields.count(std::string(key))) fields.emplace(key);
    }
  } catch (const simdjson::simdjson_error& e) {
    fail(person_id, e);
  }
}

}  // namespace hopnhat::merge
