#include "http_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace hopnhat_civil {
namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(value.begin());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
  }
  return size * n;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

}  // namespace

HttpClient::HttpClient(HttpSettings settings)
    : settings_(std::move(settings)),
      jitter_state_(static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1) {
  static CurlGlobal global;
  curl_ = curl_easy_init();
  if (!curl_) throw HttpError("libcurl could not start");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::string HttpClient::escape(const std::string& value) const {
  char* e = curl_easy_escape(static_cast<CURL*>(curl_), value.c_str(), static_cast<int>(value.size()));
  std::string out = e ? e : "";
  curl_free(e);
  return out;
}

HttpResponse HttpClient::once(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                              const std::string& body, std::string& error) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  HttpResponse r;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_s);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, std::min<long>(settings_.timeout_s, 15));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);  // never an "insecure" mode
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!settings_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, settings_.ca_file.c_str());
  if (!settings_.proxy.empty()) curl_easy_setopt(c, CURLOPT_PROXY, settings_.proxy.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  struct curl_slist* list = nullptr;
  for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    error = std::string(curl_easy_strerror(rc)) + (errbuf[0] ? std::string(": ") + errbuf : "");
    r.status = 0;
    return r;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  return r;
}

HttpResponse HttpClient::send(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                              const std::string& body) {
  std::string last_problem;
  for (int attempt = 0;; ++attempt) {
    std::string error;
    HttpResponse r = once(method, url, headers, body, error);
    bool transient = r.status == 0 || r.status == 429 || r.status >= 500;
    if (!transient) return r;
    last_problem = r.status == 0 ? error : "HTTP " + std::to_string(r.status);
    if (attempt >= settings_.retries)
      throw HttpError(method + " " + url + ": " + last_problem + " (after " + std::to_string(attempt) + " retries)");
    ++retries_made_;
    // Exponential back-off with jitter; a Retry-After in seconds from the server wins.
    long wait_ms = settings_.retry_base_ms << std::min(attempt, 10);
    jitter_state_ ^= jitter_state_ << 13;
    jitter_state_ ^= jitter_state_ >> 7;
    jitter_state_ ^= jitter_state_ << 17;
    wait_ms += static_cast<long>(jitter_state_ % static_cast<std::uint64_t>(wait_ms / 2 + 1));
    if (auto it = r.headers.find("retry-after"); it != r.headers.end()) {
      try {
        wait_ms = std::stol(it->second) * 1000;
      } catch (...) {
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(wait_ms, 120000)));
  }
}

}  // namespace hopnhat_civil
