#include "staff_json.hpp"

#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/text.hpp"

namespace example {

using hopnhat::sdk::Status;

Status parse_staff(const std::string& text, const std::string& id_key, const std::string& where,
                   std::vector<hopnhat::sdk::SourceRecord>& out) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::invalid_input(where + ": not valid JSON (" + e.what() + ")");
  }
  if (!doc.is_array()) return Status::invalid_input(where + ": expected a JSON array of staff objects");
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& item = doc[i];
    const std::string path = where + ": [" + std::to_string(i) + "]";
    if (!item.is_object()) return Status::invalid_input(path + ": expected an object");
    hopnhat::sdk::SourceRecord rec;
    rec.origin = path;
    for (auto& [key, value] : item.items()) {
      std::string v = value.is_string() ? value.get<std::string>() : value.dump();
      v = hopnhat::sdk::to_nfc(v);
      if (key == id_key) rec.id = v;
      else if (hopnhat::sdk::find_field(key)) rec.fields[key] = v;
      else rec.attributes.emplace_back(key, v);
    }
    if (rec.id.empty()) return Status::invalid_input(path + "." + id_key + ": the record id is missing");
    out.push_back(std::move(rec));
  }
  return Status::ok();
}

nlohmann::json person_to_json(const hopnhat::sdk::PersonRecord& person) {
  nlohmann::json j{{"person_id", person.person_id}};
  for (const auto& [field, value] : person.fields) j[field] = value.value;
  return j;
}

}  // namespace example
