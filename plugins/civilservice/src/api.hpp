// The reference contract of the state civil-servant API (docs/civilservice-api.md): OAuth2
// client-credentials token, paged list of staff changed since a time, PATCH of one record with
// an Idempotency-Key. The client secret is sent in the token request only and never appears in
// a message. One ApiClient per thread.
#pragma once

#include <functional>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "hopnhat/sdk/options.hpp"
#include "http_client.hpp"

namespace hopnhat_civil {

struct ApiSettings {
  std::string base_url;
  std::string client_id;
  std::string client_secret;
  std::string token_path = "/oauth/token";
  std::string list_path = "/api/v1/can-bo";
  std::string record_path = "/api/v1/can-bo/{id}";
  std::map<std::string, std::string> fields;  // canonical field → item key (dotted)
  HttpSettings http;
};

/// Reads the options both kinds share into `s`; problems go to the reader.
void read_api_options(hopnhat::sdk::OptionReader& opt, ApiSettings& s);

/// The item keys of the reference contract, per canonical field, with `overrides` applied.
std::map<std::string, std::string> field_map(const std::map<std::string, std::string>& overrides);

/// The value at a dotted key ("don_vi.ten") as text, or "" when absent or null.
std::string value_at(const nlohmann::json& item, const std::string& dotted);

class ApiClient {
 public:
  explicit ApiClient(const ApiSettings& settings);

  /// Calls `on_page(items)` for each page of staff changed after `updated_since` ("" for all).
  /// Throws HttpError with the page number for a failed, truncated or malformed answer.
  void list(const std::string& updated_since, int page_size, const std::function<void(const nlohmann::json&)>& on_page);
  /// PATCHes one record; returns the HTTP status (2xx success). Retries are made by the client;
  /// the Idempotency-Key makes a repeated PATCH harmless.
  long patch(const std::string& id, const nlohmann::json& changes, const std::string& idempotency_key);
  int retries_made() const { return http_.retries_made(); }

 private:
  void renew_token();
  HttpResponse authorised(const std::string& method, const std::string& url, const std::string& body,
                          const std::vector<std::string>& extra_headers = {});

  const ApiSettings& s_;
  HttpClient http_;
  std::string token_;
};

}  // namespace hopnhat_civil
