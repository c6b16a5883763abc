#include <map>

#include "civil.hpp"
#include "hopnhat/sdk/fields.hpp"
#include "hopnhat/sdk/options.hpp"
#include "hopnhat/sdk/text.hpp"

namespace hopnhat_civil {

using hopnhat::sdk::Status;
namespace sdk = hopnhat::sdk;

namespace {

// The item's "quá trình công tác" and "quá trình lương" (docs/civilservice-api.md): arrays of
// periods. An element that is not an object, or lacks what its kind needs, still becomes a row:
// the host refuses the record naming the element.
void read_history(const nlohmann::json& item, const std::string& id, std::vector<sdk::HistoryRow>& out) {
  struct Kind {
    const char* key;
    const char* kind;
    std::vector<std::pair<const char*, const char*>> fields;  // history field → element key
  };
  static const Kind kKinds[] = {
      {"qua_trinh_cong_tac", "posting", {{"unit", "don_vi.ten"}, {"position", "chuc_vu"}}},
      {"qua_trinh_luong", "grade", {{"grade_code", "ma_ngach"}, {"salary_step", "bac_luong"}, {"salary_coefficient", "he_so_luong"}}}};
  for (const Kind& k : kKinds) {
    auto it = item.find(k.key);
    if (it == item.end() || !it->is_array()) continue;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& e = (*it)[i];
      sdk::HistoryRow row;
      row.kind = k.kind;
      row.origin = "civil-service item " + id + ", " + k.key + "[" + std::to_string(i) + "]";
      if (e.is_object()) {
        row.from = value_at(e, "tu_ngay");
        row.to = value_at(e, "den_ngay");
        for (const auto& [field, key] : k.fields) {
          std::string v = value_at(e, key);
          if (v.empty() && std::string(key) == "don_vi.ten" && e.contains("don_vi") && e["don_vi"].is_string())
            v = e["don_vi"].get<std::string>();  // the unit as a plain name
          if (!v.empty()) row.fields[field] = sdk::to_nfc(v);
        }
      }
      out.push_back(std::move(row));
    }
  }
}

}  // namespace

Status CivilImporter::configure(const std::string& options_json, sdk::Context& ctx) {
  ctx_ = &ctx;
  sdk::OptionReader opt("civilservice", options_json);
  read_api_options(opt, api_);
  page_size_ = static_cast<int>(opt.integer("page_size").value_or(500));
  full_every_ = opt.integer("full_every").value_or(7);
  for (const auto& [field, key] : api_.fields)
    if (!sdk::find_field(field)) opt.fail("fields." + field, "\"" + field + "\" is not a canonical field");
  if (page_size_ < 1) opt.fail("page_size", "must be 1 or more");
  if (full_every_ < 1) opt.fail("full_every", "must be 1 or more");
  return opt.status();
}

Status CivilImporter::read(const sdk::ReadRequest& request, sdk::RecordSink& sink, sdk::ReadResult& result) {
  std::string since;
  std::int64_t since_full = 0;
  if (!request.state.empty()) {
    try {
      auto s = nlohmann::json::parse(request.state);
      since = s.value("updated_since", "");
      since_full = s.value("reads_since_full", 0);
    } catch (const std::exception&) {
      ctx_->log(sdk::LogLevel::kWarning, "civilservice: the stored bookmark is unreadable; doing a full read");
    }
  }
  const bool full = request.full || since.empty() || since_full + 1 >= full_every_;
  // Pages can overlap (an item that changes during the read moves to a later page): keep the
  // newest version of each item, and emit only after the whole list arrived.
  std::map<std::string, nlohmann::json> items;
  std::string newest = since;
  std::size_t pages = 0;
  try {
    ApiClient api(api_);
    api.list(full ? "" : since, page_size_, [&](const nlohmann::json& page) {
      ++pages;
      for (const auto& item : page) {
        std::string id = value_at(item, "ma_can_bo");
        std::string changed = value_at(item, "cap_nhat_luc");
        if (changed > newest) newest = changed;
        auto it = items.find(id);
        if (it == items.end() || value_at(it->second, "cap_nhat_luc") <= changed) items[id] = item;
      }
    });
    if (api.retries_made() > 0)
      ctx_->log(sdk::LogLevel::kInfo, "civilservice: " + std::to_string(api.retries_made()) + " requests were retried");
  } catch (const HttpError& e) {
    return Status::unavailable(std::string("civilservice: ") + e.what());
  }
  for (auto& [id, item] : items) {
    sdk::SourceRecord rec;
    rec.id = id;
    rec.origin = "civil-service item " + id;
    if (id.empty()) {
      sink.reject("civil-service item without ma_can_bo", "the item has no ma_can_bo");
      continue;
    }
    std::set<std::string> used = {"ma_can_bo", "cap_nhat_luc", "qua_trinh_cong_tac", "qua_trinh_luong"};
    read_history(item, id, rec.history);
    for (const auto& [field, key] : api_.fields) {
      std::string v = value_at(item, key);
      used.insert(key.substr(0, key.find('.')));
      if (!v.empty()) rec.fields[field] = sdk::to_nfc(v);
    }
    for (auto& [k, v] : item.items())
      if (!used.count(k) || k == "don_vi") {
        if (k == "don_vi" && v.is_object()) {
          if (v.contains("ma")) rec.attributes.emplace_back("don_vi.ma", value_at(v, "ma"));
          continue;
        }
        rec.attributes.emplace_back(k, sdk::to_nfc(v.is_string() ? v.get<std::string>() : v.dump()));
      }
    if (!sink.emit(std::move(rec))) return Status::cancelled("civilservice: stopped by the host");
  }
  result.full_snapshot = full;
  result.state = nlohmann::json{{"updated_since", newest}, {"reads_since_full", full ? 0 : since_full + 1}}.dump();
  ctx_->log(sdk::LogLevel::kInfo, std::string("civilservice: ") + (full ? "full" : "incremental") + " read, " +
                                      std::to_string(items.size()) + " items in " + std::to_string(pages) + " pages");
  return Status::ok();
}

}  // namespace hopnhat_civil
