// hr-jsonl: an importer of a JSON-lines HR export (docs/plugin-guide.md, "A second worked
// example"). Each line is one staff member:
//
//   {"ma_can_bo": "HR001", "ho_ten": "Nguyễn Thị Lan", "ngay_sinh": "03/04/1980", "don_vi": "Phòng Nội vụ",
//    "qua_trinh_cong_tac": [{"tu_ngay": "01/03/2015", "den_ngay": "30/06/2025", "don_vi": "Phòng Nội vụ",
//                            "chuc_vu": "Chuyên viên"}, …],
//    "qua_trinh_luong": [{"tu_ngay": "01/01/2020", "ma_ngach": "01.003", "bac": "3", "he_so": "3,00"}]}
//
// Known keys become canonical fields, the two arrays the record's history (postings and grades:
// the host reads their dates and merges them per period), any other key a raw column. A line that
// is not a JSON object, has no id, or whose history element is not an object is refused with its
// line (and JSON path); the other lines are read. Dates are handed over as written.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/files.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/plugin.hpp"

namespace {

namespace sdk = hopnhat::sdk;
using sdk::Status;

// The export's keys for the canonical fields.
const std::map<std::string, std::string> kFields = {
    {"ho_ten", "full_name"},     {"ngay_sinh", "birth_date"},        {"gioi_tinh", "gender"},
    {"so_cccd", "citizen_id"},   {"don_vi", "org_unit"},             {"chuc_vu", "position"},
    {"ma_ngach", "grade_code"},  {"bac_luong", "salary_step"},       {"he_so_luong", "salary_coefficient"},
    {"que_quan", "hometown"},    {"so_the_dang", "party_card_no"}};

// The history arrays: the kind of their rows and which key holds what (sdk::HistoryRow).
struct Facet {
  const char* kind;
  std::map<std::string, std::string> fields;  // the element's key → the row's field
};
const std::map<std::string, Facet> kFacets = {
    {"qua_trinh_cong_tac", {"posting", {{"don_vi", "unit"}, {"chuc_vu", "position"}}}},
    {"qua_trinh_luong", {"grade", {{"ma_ngach", "grade_code"}, {"bac", "salary_step"}, {"he_so", "salary_coefficient"}}}}};

// A scalar as text: strings as they are, numbers as JSON writes them; null is no value.
bool text_of(const nlohmann::json& v, std::string& out) {
  if (v.is_null()) return false;
  out = v.is_string() ? v.get<std::string>() : v.dump();
  return true;
}

class HrJsonlImporter {
 public:
  Status configure(const std::string& options_json, sdk::Context& ctx) {
    sdk::OptionReader opt("hr-jsonl", options_json);
    path_ = sdk::resolve_path(ctx, opt.required_string("path"));
    return opt.status();
  }

  Status check() {
    if (!std::filesystem::is_regular_file(path_)) return Status::io_error(path_ + ": the file does not exist");
    return Status::ok();
  }

  Status read(const sdk::ReadRequest&, sdk::RecordSink& sink, sdk::ReadResult& result) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return Status::io_error(path_ + ": cannot open the file");
    const std::string name = std::filesystem::path(path_).filename().string();
    std::string line;
    for (long n = 1; std::getline(in, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const std::string origin = name + " line " + std::to_string(n);
      sdk::SourceRecord r;
      if (std::string problem = record_of(line, origin, r); !problem.empty()) {
        sink.reject(origin, problem);
        continue;
      }
      if (!sink.emit(std::move(r))) return Status::cancelled("stopped by the host");
    }
    result.full_snapshot = true;  // the export is the whole staff: who is missing has left
    return Status::ok();
  }

 private:
  // The record of one line, or what is wrong with it.
  static std::string record_of(const std::string& line, const std::string& origin, sdk::SourceRecord& r) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return "expected one JSON object per line";
    r.origin = origin;
    for (const auto& [key, value] : j.items()) {
      std::string text;
      if (key == "ma_can_bo") {
        if (text_of(value, text)) r.id = text;
      } else if (auto f = kFields.find(key); f != kFields.end()) {
        if (text_of(value, text) && !text.empty()) r.fields[f->second] = text;
      } else if (auto facet = kFacets.find(key); facet != kFacets.end()) {
        if (!value.is_array()) return key + ": expected an array";
        for (std::size_t k = 0; k < value.size(); ++k) {
          const std::string at = key + "[" + std::to_string(k) + "]";
          if (!value[k].is_object()) return at + ": expected an object";
          sdk::HistoryRow row;
          row.kind = facet->second.kind;
          row.origin = origin + ", " + at;
          for (const auto& [k2, v2] : value[k].items()) {
            if (!text_of(v2, text)) continue;
            if (k2 == "tu_ngay") row.from = text;
            else if (k2 == "den_ngay") row.to = text;
            else if (auto field = facet->second.fields.find(k2); field != facet->second.fields.end()) row.fields[field->second] = text;
          }
          r.history.push_back(std::move(row));
        }
      } else if (text_of(value, text)) {
        r.attributes.emplace_back(key, text);
      }
    }
    if (r.id.empty()) return "no \"ma_can_bo\": every line needs the staff member's id";
    return "";
  }

  std::string path_;
};

}  // namespace

HOPNHAT_PLUGIN_ABI()
HOPNHAT_IMPORTER(HrJsonlImporter)
