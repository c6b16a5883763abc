#include "merge/golden_reader.hpp"

#include <stdexcept>
#include <vector>

#include <simdjson.h>

#include "merge/golden_text.hpp"

namespace hopnhat::merge {

struct GoldenReader::State {
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document document;
  std::string buffer;                     // the text with simdjson's padding after it
  std::vector<sdk::Provenance> origins;   // of the compact record being read
  struct Field {
    std::string key;  // unescaped
    std::string value;
    std::size_t origin = 0;
  };
  std::vector<Field> fields;  // of the compact record being read (buffers reused)
  static constexpr std::size_t kNoOrigin = ~std::size_t{0};  // a value listed without one

  simdjson::ondemand::document& parse(const std::string& person_id, std::string_view text);
};

GoldenReader::GoldenReader() : state_(std::make_unique<State>()) {}
GoldenReader::~GoldenReader() = default;
GoldenReader::GoldenReader(GoldenReader&&) noexcept = default;
GoldenReader& GoldenReader::operator=(GoldenReader&&) noexcept = default;

namespace {

[[noreturn]] void fail(const std::string& person_id, const simdjson::simdjson_error& e) {
  throw std::runtime_error("person " + person_id + ": its stored golden record is not valid: " + e.what());
}

}  // namespace

simdjson::ondemand::document& GoldenReader::State::parse(const std::string& person_id, std::string_view text) {
  buffer.assign(text);
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  try {
    document = parser.iterate(buffer.data(), text.size(), buffer.size());
  } catch (const simdjson::simdjson_error& e) {
    fail(person_id, e);
  }
  return document;
}

void GoldenReader::read(const std::string& person_id, std::string_view text, std::map<std::string, sdk::PersonValue>& out) {
  auto& doc = state_->parse(person_id, text);
  // Stored records list their fields in key order: each one goes at the end of the map.
  auto entry = [&out](std::string key) -> sdk::PersonValue& {
    return out.empty() || out.rbegin()->first < key ? out.emplace_hint(out.end(), std::move(key), sdk::PersonValue{})->second : out[key];
  };
  try {
    if (is_compact_golden(text)) {
      auto& origins = state_->origins;
      origins.clear();
      for (auto origin : doc["p"].get_array()) {  // [source, record_id, run, rule]
        sdk::Provenance& o = origins.emplace_back();
        int k = 0;
        for (auto part : origin.get_array()) {
          switch (k++) {
            case 0: o.source = std::string_view(part.get_string()); break;
            case 1: o.record_id = std::string_view(part.get_string()); break;
            case 2: o.run_id = part.get_int64(); break;
            default: o.rule = std::string_view(part.get_string()); break;
          }
        }
      }
      auto& fields = state_->fields;
      auto origin_of = [&origins](const State::Field& f) {
        return f.origin == State::kNoOrigin ? sdk::Provenance{} : origins[f.origin];
      };
      std::size_t n = 0;
      bool ordered = true;  // as GoldenTextWriter writes them
      for (auto field : doc["f"].get_object()) {  // field: [value, provenance index]
        if (n == fields.size()) fields.emplace_back();
        State::Field& f = fields[n++];
        f.key = std::string_view(field.unescaped_key().value());
        f.value.clear();
        f.origin = State::kNoOrigin;
        int k = 0;
        for (auto part : field.value().get_array()) {
          if (k++ == 0) f.value = std::string_view(part.get_string());
          else f.origin = static_cast<std::size_t>(part.get_uint64());
        }
        if (f.origin != State::kNoOrigin && f.origin >= origins.size()) throw std::out_of_range("provenance");
        ordered = ordered && (n == 1 || fields[n - 2].key < f.key);
      }
      if (!ordered) {
        out.clear();
        for (std::size_t i = 0; i < n; ++i) entry(fields[i].key) = {fields[i].value, origin_of(fields[i])};
        return;
      }
      // Into the map in place: a stream of persons mostly has the same fields, so the nodes (and
      // their strings' buffers) of the person read before serve this one.
      auto it = out.begin();
      for (std::size_t i = 0; i < n; ++i) {
        const State::Field& f = fields[i];
        while (it != out.end() && it->first < f.key) it = out.erase(it);
        if (it == out.end() || it->first != f.key) it = out.emplace_hint(it, f.key, sdk::PersonValue{});
        it->second.value = f.value;
        it->second.provenance = origin_of(f);
        ++it;
      }
      out.erase(it, out.end());
      return;
    }
    out.clear();
    for (auto field : doc.get_object()) {  // the documented shape (older stores)
      sdk::PersonValue& v = entry(std::string(field.unescaped_key().value()));
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
  } catch (const std::out_of_range&) {
    throw std::runtime_error("person " + person_id + ": its stored golden record names a provenance it does not list");
  }
}

void GoldenReader::add_fields(const std::string& person_id, std::string_view text, std::set<std::string, std::less<>>& fields) {
  auto& doc = state_->parse(person_id, text);
  try {
    auto object = is_compact_golden(text) ? doc["f"].get_object() : doc.get_object();
    for (auto field : object) {
      std::string_view key = field.unescaped_key().value();
      if (!fields.contains(key)) fields.emplace(key);  // looked up without a string made
    }
  } catch (const simdjson::simdjson_error& e) {
    fail(person_id, e);
  }
}

}  // namespace hopnhat::merge
