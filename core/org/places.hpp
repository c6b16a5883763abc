// Administrative units over time (issue #21, item 6): a home town, birth place or address
// written before the 2025 reform ("xã Hà Phong, TP Hạ Long, tỉnh Quảng Ninh", "Hà Giang") names
// units that no longer exist: provinces went from 63 to 34 on 1 July 2025 (Nghị quyết
// 202/2025/QH15), the district level was abolished and communes merged. `resolve` says which
// unit exists now ("Phường Hà Tu, tỉnh Quảng Ninh"; "tỉnh Tuyên Quang"), from the official lists
// compiled in (core/data: the 63 provinces and the 34, the province merges, Quảng Ninh's communes
// before 2025 and their 2025 merges); other provinces' commune lists drop in as files of the same
// shape (add_communes / add_commune_merges). An old commune split over several new ones is not
// guessed: its candidates are given. Immutable after loading; thread-safe for reading.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace hopnhat::org {

struct PlaceNow {
  std::string now;            // the unit that exists now, written out; empty when not resolved
  std::string province_code;  // of the 34 provinces (2 digits), when the province is known
  // "commune" (an old commune, merged), "province" (only the province is named, or known),
  // "current" (already names units of today), "ambiguous" (candidates), "" (not recognised)
  std::string how;
  std::vector<std::string> candidates;  // ambiguous: the units it may be now
  bool changed = false;                 // `now` differs from what was written
};

/// One more province's lists, as files: its communes before 2025 (UTF-8 CSV with the header
/// province_code,district_code,district_type,district_name,commune_code,commune_type,commune_name)
/// and their 2025 merges (new_code,new_name,old_code,old_name,share).
struct CommuneFiles {
  std::filesystem::path communes, merges;
};

class PlaceRegistry {
 public:
  /// The lists compiled into hopnhat.
  static const PlaceRegistry& builtin();
  /// The lists compiled in, and `files` (the configuration's "places"). Throws OrgError naming
  /// the file, line and column of what is wrong.
  static PlaceRegistry with(const std::vector<CommuneFiles>& files);

  /// Rows (no header) of `province_code,district_code,district_type,district_name,commune_code,
  /// commune_type,commune_name` (province_code: the 2-digit GSO code): one province's communes
  /// before the 2025 merges. Throws std::runtime_error naming `origin` and the row that is short.
  void add_communes(const std::vector<std::vector<std::string>>& rows, const std::string& origin);
  /// Rows (no header) of `new_code,new_name,old_code,old_name,share`: the 2025 commune merges
  /// (old communes added first).
  void add_commune_merges(const std::vector<std::vector<std::string>>& rows, const std::string& origin);

  PlaceNow resolve(std::string_view text) const;

 private:
  struct Province {
    std::string code, name;  // of the 34: "08", "Tuyên Quang" ("Thành phố Hà Nội" for a city)
  };
  struct OldCommune {
    std::string code, type, name, district_key, province_old;  // province_old: the 3-digit CCCD code
  };
  struct NewCommune {
    std::string code, name;  // "Phường Hà Tu"
    std::string province;    // its province's code of the 34
  };
  const Province* province_named(const std::string& key) const;
  std::string province_text(const Province& p) const;

  std::map<std::string, Province> new_by_code_;            // "08" → Tuyên Quang
  std::map<std::string, std::string> old_to_new_;          // old CCCD code → new code
  std::map<std::string, std::string> province_by_key_;     // folded name (old or new) → new code
  std::map<std::string, std::string> old_gso_to_cccd_;     // "22" → "022"
  std::multimap<std::string, OldCommune> old_communes_;    // folded name → commune
  std::map<std::string, std::string> district_names_;     // folded district name → province_old
  std::multimap<std::string, NewCommune> merged_into_;     // old commune code → new communes
  std::multimap<std::string, std::string> new_by_key_;     // folded new commune name → new code
  std::map<std::string, NewCommune> new_communes_;         // new commune code → the commune
};

/// Adds to each place field of a golden record (`hometown`, `birth_place`, `address`: field →
/// {value, source, …}) whose value names units that changed, what exists now:
/// "now": {"value", "how", "candidates"}. What `persons` and the person page show.
void annotate_places(nlohmann::json& golden, const PlaceRegistry& places = PlaceRegistry::builtin());

}  // namespace hopnhat::org
