#include "org/places.hpp"

#include "org/csv_table.hpp"
#include "org/units.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/text.hpp"
#include "text/domain_tables.hpp"

namespace hopnhat::org {

namespace {

std::string trimmed(std::string_view s) {
  const auto a = s.find_first_not_of(" \t.");
  if (a == std::string_view::npos) return {};
  const auto b = s.find_last_not_of(" \t.");
  return std::string(s.substr(a, b - a + 1));
}

// The parts of an address: "xã A, huyện B, tỉnh C", "Xã A - Huyện B - Tỉnh C"; a note the writer
// added ("(nay là …)") is left out.
std::vector<std::string> parts_of(std::string_view text) {
  std::string s(text);
  if (auto open = s.find('('); open != std::string::npos) s.erase(open);
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    const bool dash = i + 2 < s.size() && s.compare(i, 3, " - ") == 0;
    if (i == s.size() || s[i] == ',' || s[i] == ';' || dash) {
      std::string part = trimmed(std::string_view(s).substr(start, i - start));
      if (!part.empty()) out.push_back(std::move(part));
      start = i + (dash ? 3 : 1);
      if (dash) i += 2;
    }
  }
  return out;
}

// A folded part without the kind of unit it starts with: ("xa", "ha phong") from "Xã Hà Phong".
struct Part {
  std::string kind;  // commune | district | province | city ("thành phố": a district or a province) | ""
  std::string key;
};

Part classify(const std::string& written) {
  const std::string f = sdk::fold(written);
  static const std::vector<std::pair<std::string, std::string>> kPrefixes = {
      {"thi tran ", "commune"}, {"dac khu ", "commune"}, {"phuong ", "commune"}, {"xa ", "commune"}, {"p. ", "commune"},
      {"thi xa ", "district"}, {"huyen ", "district"}, {"quan ", "district"}, {"tx ", "district"}, {"tx. ", "district"},
      {"h. ", "district"}, {"tinh ", "province"}, {"t. ", "province"}, {"thanh pho ", "city"}, {"tp. ", "city"}, {"tp ", "city"}};
  for (const auto& [prefix, kind] : kPrefixes)
    if (f.rfind(prefix, 0) == 0) return {kind, trimmed(std::string_view(f).substr(prefix.size()))};
  return {"", f};
}

std::string name_without_kind(const std::string& name) { return classify(name).key; }

std::runtime_error bad_row(const std::string& origin, std::size_t index, const std::string& what) {
  return std::runtime_error(origin + ": row " + std::to_string(index + 2) + ": " + what);  // + 2: the header, and from 1
}

}  // namespace

const PlaceRegistry& PlaceRegistry::builtin() {
  static const PlaceRegistry registry = [] {
    PlaceRegistry r;
    for (const auto& row : text::core_data_rows("provinces_34_from_2025-07-01.csv")) {
      if (row.size() < 3) continue;
      r.new_by_code_[row[1]] = {row[1], row[2]};
      r.province_by_key_[name_without_kind(row[2])] = row[1];
    }
    for (const auto& row : text::core_data_rows("provinces_2025_merges.csv")) {
      if (row.size() < 4) continue;
      r.old_to_new_[row[0]] = row[2];
      r.province_by_key_.emplace(name_without_kind(row[1]), row[2]);  // a new name wins over an old one
    }
    for (const auto& row : text::core_data_rows("provinces_63_pre2025_gso_cccd.csv"))
      if (row.size() >= 2) r.old_gso_to_cccd_[row[0]] = row[1];
    r.add_communes(text::core_data_rows("quang_ninh_pre2025_districts_communes.csv"), "quang_ninh_pre2025_districts_communes.csv");
    r.add_commune_merges(text::core_data_rows("quang_ninh_2025_commune_merges.csv"), "quang_ninh_2025_commune_merges.csv");
    return r;
  }();
  return registry;
}

PlaceRegistry PlaceRegistry::with(const std::vector<CommuneFiles>& files) {
  PlaceRegistry r = builtin();
  auto rows_of = [](const std::filesystem::path& file, const std::vector<std::string>& columns) {
    const CsvTable table = CsvTable::read(file, columns, {});
    std::vector<std::vector<std::string>> rows;
    for (const CsvRow& row : table.rows) {
      std::vector<std::string> cells;
      for (const auto& c : columns) cells.push_back(row.get(c));
      rows.push_back(std::move(cells));
    }
    return rows;
  };
  for (const CommuneFiles& f : files) {
    try {
      r.add_communes(rows_of(f.communes, {"province_code", "district_code", "district_type", "district_name", "commune_code",
                                          "commune_type", "commune_name"}),
                     f.communes.string());
      r.add_commune_merges(rows_of(f.merges, {"new_code", "new_name", "old_code", "old_name", "share"}), f.merges.string());
    } catch (const OrgError&) {
      throw;
    } catch (const std::exception& e) {
      throw OrgError(e.what());
    }
  }
  return r;
}

void PlaceRegistry::add_communes(const std::vector<std::vector<std::string>>& rows, const std::string& origin) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.size() < 7) throw bad_row(origin, i, "expected 7 columns");
    auto cccd = old_gso_to_cccd_.find(row[0]);
    if (cccd == old_gso_to_cccd_.end())
      throw bad_row(origin, i, "\"" + row[0] + "\" is not a province code of 2024");
    const std::string district = sdk::fold(row[3]);
    old_communes_.emplace(sdk::fold(row[6]), OldCommune{row[4], row[5], row[6], district, cccd->second});
    district_names_[district] = cccd->second;
  }
}

void PlaceRegistry::add_commune_merges(const std::vector<std::vector<std::string>>& rows, const std::string& origin) {
  std::map<std::string, std::string> province_of_old;  // old commune code → old province
  for (const auto& [key, c] : old_communes_) province_of_old[c.code] = c.province_old;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row.size() < 5) throw bad_row(origin, i, "expected 5 columns");
    auto old = province_of_old.find(row[2]);
    if (old == province_of_old.end())
      throw bad_row(origin, i, "old commune " + row[2] + " is in no commune list");
    const NewCommune commune{row[0], row[1], old_to_new_.at(old->second)};
    merged_into_.emplace(row[2], commune);
    if (new_communes_.emplace(row[0], commune).second) {
      new_by_key_.emplace(name_without_kind(row[1]), row[0]);
    }
  }
}

const PlaceRegistry::Province* PlaceRegistry::province_named(const std::string& key) const {
  auto it = province_by_key_.find(key);
  return it == province_by_key_.end() ? nullptr : &new_by_code_.at(it->second);
}

std::string PlaceRegistry::province_text(const Province& p) const {
  return p.name.rfind("Thành phố", 0) == 0 ? p.name : "tỉnh " + p.name;
}

PlaceNow PlaceRegistry::resolve(std::string_view text) const {
  PlaceNow out;
  std::vector<std::string> written = parts_of(text);
  if (written.empty()) return out;
  std::vector<Part> parts;
  for (const auto& w : written) parts.push_back(classify(w));
  // " - " also separates parts, but is inside some names ("Bà Rịa - Vũng Tàu"): rejoin those.
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    const std::string joined = parts[i].key + " - " + parts[i + 1].key;
    if (parts[i + 1].kind.empty() && province_by_key_.count(joined)) {
      parts[i].key = joined;
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
  }

  // The province: the last part that names one (a "thành phố" may be a city of a province).
  const Province* province = nullptr;
  std::string province_written;  // its name as written, folded, without its kind
  for (std::size_t i = parts.size(); i-- > 0;) {
    if (parts[i].kind == "commune" || parts[i].kind == "district") continue;
    if (const Province* p = province_named(parts[i].key)) {
      province = p;
      province_written = parts[i].key;
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i));
      break;
    }
  }
  // A district and a commune of the communes lists.
  std::string district;
  for (auto it = parts.begin(); it != parts.end(); ++it)
    if (it->kind != "commune" && district_names_.count(it->key)) {
      district = it->key;
      parts.erase(it);
      break;
    }
  std::string commune_written;  // folded, without its kind
  std::vector<const OldCommune*> communes;
  std::vector<std::string> current;  // new communes of that name
  if (!parts.empty() && (parts.front().kind == "commune" || parts.front().kind == "")) {
    const Part& c = parts.front();
    commune_written = c.key;
    for (auto [a, b] = old_communes_.equal_range(c.key); a != b; ++a) communes.push_back(&a->second);
    // Of communes of one name, those of the district and the province written.
    std::erase_if(communes, [&](const OldCommune* o) {
      return (!district.empty() && o->district_key != district) || (province && old_to_new_.at(o->province_old) != province->code);
    });
    for (auto [a, b] = new_by_key_.equal_range(c.key); a != b; ++a)
      if (!province || new_communes_.at(a->second).province == province->code) current.push_back(a->second);
  }
  if (!communes.empty()) {
    std::set<std::pair<std::string, std::string>> now;  // (code, name)
    for (const OldCommune* o : communes)
      for (auto [a, b] = merged_into_.equal_range(o->code); a != b; ++a) now.emplace(a->second.code, a->second.name);
    const Province& p = new_by_code_.at(old_to_new_.at(communes.front()->province_old));
    out.province_code = p.code;
    if (now.size() == 1) {
      out.how = "commune";
      out.now = now.begin()->second + ", " + province_text(p);
      // Changed when the commune took another name, or its province did (the district is gone
      // either way, but a name that still finds the unit is not a change to report).
      out.changed = name_without_kind(now.begin()->second) != commune_written ||
                    (!province_written.empty() && province_written != name_without_kind(p.name));
    } else if (!now.empty()) {
      out.how = "ambiguous";
      for (const auto& [code, name] : now) out.candidates.push_back(name + ", " + province_text(p));
    }
  } else if (!current.empty()) {
    const NewCommune& commune = new_communes_.at(current.front());
    const Province& p = new_by_code_.at(commune.province);
    out.province_code = p.code;
    out.how = "current";
    out.changed = !province_written.empty() && province_written != name_without_kind(p.name);
    out.now = commune.name + ", " + province_text(p);
  } else if (province) {
    out.province_code = province->code;
    out.how = "province";
    out.now = province_text(*province);
    out.changed = province_written != name_without_kind(province->name);
  } else if (!district.empty()) {
    const Province& p = new_by_code_.at(old_to_new_.at(district_names_.at(district)));
    out.province_code = p.code;
    out.how = "province";
    out.now = province_text(p);
    out.changed = true;  // the district level is gone
  }
  return out;
}

void annotate_places(nlohmann::json& golden, const PlaceRegistry& places) {
  for (const char* field : {"hometown", "birth_place", "address"}) {
    auto it = golden.find(field);
    if (it == golden.end() || !it->is_object() || !it->contains("value") || !(*it)["value"].is_string()) continue;
    const PlaceNow now = places.resolve((*it)["value"].get<std::string>());
    if (!now.changed && now.how != "ambiguous") continue;
    (*it)["now"] = {{"value", now.now}, {"how", now.how}, {"candidates", now.candidates}};
  }
}

}  // namespace hopnhat::org
