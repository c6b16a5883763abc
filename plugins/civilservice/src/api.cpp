#include "api.hpp"

#include <fstream>

namespace hopnhat_civil {

void read_api_options(hopnhat::sdk::OptionReader& opt, ApiSettings& s) {
  s.base_url = opt.required_string("base_url");
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  if (!s.base_url.empty() && s.base_url.rfind("https://", 0) != 0 && s.base_url.rfind("http://", 0) != 0)
    opt.fail("base_url", "expected an https:// (or, on a closed network, http://) URL");
  s.client_id = opt.required_string("client_id");
  s.client_secret = opt.required_string("client_secret");
  s.http.timeout_s = opt.integer("timeout_s").value_or(30);
  s.http.retries = static_cast<int>(opt.integer("retries").value_or(5));
  s.http.retry_base_ms = opt.integer("retry_base_ms").value_or(500);
  s.http.ca_file = opt.string("ca_file").value_or("");
  if (!s.http.ca_file.empty() && !std::ifstream(s.http.ca_file).good()) opt.fail("ca_file", "cannot read " + s.http.ca_file);
  s.http.proxy = opt.string("proxy").value_or("");
  auto paths = opt.string_map("paths");
  for (const auto& [k, v] : paths) {
    if (k == "token") s.token_path = v;
    else if (k == "list") s.list_path = v;
    else if (k == "record") s.record_path = v;
    else opt.fail("paths." + k, "expected token, list or record");
  }
  if (s.record_path.find("{id}") == std::string::npos) opt.fail("paths.record", "must contain {id}");
  s.fields = field_map(opt.string_map("fields"));
}

std::map<std::string, std::string> field_map(const std::map<std::string, std::string>& overrides) {
  std::map<std::string, std::string> m = {
      {"civil_servant_code", "ma_can_bo"}, {"full_name", "ho_ten"},    {"birth_date", "ngay_sinh"},
      {"gender", "gioi_tinh"},             {"citizen_id", "so_dinh_danh"}, {"grade_code", "ma_ngach"},
      {"salary_step", "bac_luong"},        {"salary_coefficient", "he_so_luong"}, {"org_unit", "don_vi.ten"},
      {"position", "chuc_vu"}};
  for (const auto& [k, v] : overrides) m[k] = v;
  return m;
}

std::string value_at(const nlohmann::json& item, const std::string& dotted) {
  const nlohmann::json* cur = &item;
  std::size_t start = 0;
  while (true) {
    auto dot = dotted.find('.', start);
    std::string key = dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return "";
    cur = &(*cur)[key];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  if (cur->is_null()) return "";
  if (cur->is_string()) return cur->get<std::string>();
  return cur->dump();
}

ApiClient::ApiClient(const ApiSettings& settings) : s_(settings), http_(settings.http) {}

void ApiClient::renew_token() {
  std::string form = "grant_type=client_credentials&client_id=" + http_.escape(s_.client_id) +
                     "&client_secret=" + http_.escape(s_.client_secret);
  HttpResponse r = http_.send("POST", s_.base_url + s_.token_path, {"Content-Type: application/x-www-form-urlencoded"}, form);
  if (r.status != 200)
    throw HttpError("POST " + s_.base_url + s_.token_path + ": the gateway refused the client credentials (HTTP " +
                    std::to_string(r.status) + ")");
  try {
    token_ = nlohmann::json::parse(r.body).at("access_token").get<std::string>();
  } catch (const std::exception& e) {
    throw HttpError("POST " + s_.base_url + s_.token_path + ": expected {\"access_token\", \"expires_in\"}, got an answer that is not (" +
                    std::string(e.what()) + ")");
  }
}

HttpResponse ApiClient::authorised(const std::string& method, const std::string& url, const std::string& body,
                                   const std::vector<std::string>& extra) {
  if (token_.empty()) renew_token();
  for (int attempt = 0;; ++attempt) {
    std::vector<std::string> headers = extra;
    headers.push_back("Authorization: Bearer " + token_);
    headers.push_back("Accept: application/json");
    HttpResponse r = http_.send(method, url, headers, body);
    if (r.status != 401 || attempt == 1) return r;
    renew_token();  // expired: renew once and try again
  }
}

void ApiClient::list(const std::string& updated_since, int page_size,
                     const std::function<void(const nlohmann::json&)>& on_page) {
  std::string cursor;
  for (int page = 1;; ++page) {
    std::string url = s_.base_url + s_.list_path + "?page_size=" + std::to_string(page_size);
    if (!updated_since.empty()) url += "&updated_since=" + http_.escape(updated_since);
    if (!cursor.empty()) url += "&cursor=" + http_.escape(cursor);
    HttpResponse r = authorised("GET", url, "");
    const std::string where = "GET " + s_.base_url + s_.list_path + " page " + std::to_string(page);
    if (r.status != 200) throw HttpError(where + ": HTTP " + std::to_string(r.status));
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(r.body);
    } catch (const nlohmann::json::parse_error& e) {
      throw HttpError(where + ": the answer is not valid JSON (cut short?): " + e.what());
    }
    if (!doc.is_object() || !doc.contains("items") || !doc["items"].is_array())
      throw HttpError(where + ": expected {\"items\": [...], \"next_cursor\": ...}");
    on_page(doc["items"]);
    if (!doc.contains("next_cursor") || doc["next_cursor"].is_null()) return;
    if (!doc["next_cursor"].is_string()) throw HttpError(where + ": next_cursor must be a string or null");
    std::string next = doc["next_cursor"].get<std::string>();
    if (next == cursor) throw HttpError(where + ": the gateway returned the same cursor again");
    cursor = next;
  }
}

long ApiClient::patch(const std::string& id, const nlohmann::json& changes, const std::string& key) {
  std::string path = s_.record_path;
  path.replace(path.find("{id}"), 4, http_.escape(id));
  HttpResponse r = authorised("PATCH", s_.base_url + path, changes.dump(),
                              {"Content-Type: application/json", "Idempotency-Key: " + key});
  return r.status;
}

}  // namespace hopnhat_civil
