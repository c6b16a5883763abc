// The JSON API behind the admin UI (and for scripts). Requests are handled one at a time on one
// store connection (SQLite allows one writer; reads see committed data only, so a sync that is
// running is invisible until it commits). Thread-safe: every entry point takes the lock, except
// that a login's password check runs outside it, a bounded number at a time.
#pragma once

#include <algorithm>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "admin/users.hpp"
#include "config/config.hpp"
#include "sync/explainer.hpp"
#include "store/store.hpp"

namespace hopnhat::server {

/// An HTTP answer without HTTP: status, JSON body, and cookies/headers to set.
struct Reply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  std::string set_cookie;
  std::string retry_after;
};

struct Request {
  std::string method;
  std::string path;      // "/api/conflicts/12"
  std::string body;
  std::string cookie_token;
  std::string csrf_header;
  std::multimap<std::string, std::string> query;
  bool tls = false;
};

class Api {
 public:
  explicit Api(const config::Config& config);
  Reply handle(const Request& request);

 private:
  Reply route(const Request& r, const std::optional<admin::Session>& session);
  Reply login(const Request& r);
  Reply dashboard();
  Reply conflicts(const Request& r);
  Reply conflict(std::int64_t id);
  Reply person(const std::string& id);
  Reply runs();
  Reply decisions();
  Reply rules();
  Reply audit(const Request& r);
  Reply users();
  Reply units(const Request& r);
  nlohmann::json explanation(const std::string& a, const std::string& b);
  nlohmann::json record_json(const std::string& source, const std::string& record_id);

  const config::Config& config_;
  std::mutex mutex_;
  // Password checks running at once (each holds 64 MiB): one per core, at least two.
  std::counting_semaphore<256> verify_slots_{std::clamp<std::ptrdiff_t>(std::thread::hardware_concurrency(), 2, 256)};
  std::unique_ptr<store::Store> store_;
  admin::SessionSettings sessions_;
  std::unique_ptr<sync::Explainer> explainer_;
  std::int64_t explainer_run_ = -1;
  // The units page counts every living person: counted once per date and state of the store
  // (the newest run and audit entry: a run or an alias changes them).
  std::string units_key_;
  nlohmann::json units_page_;
};

}  // namespace hopnhat::server
