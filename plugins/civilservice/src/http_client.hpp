// HTTP over libcurl with what a nightly job against a state gateway needs: TLS always verified
// (optionally against a given CA bundle), time-outs, a proxy, and retries with exponential
// back-off and jitter on network errors, 5xx and 429 (honouring Retry-After). Not thread-safe:
// one client per thread.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace hopnhat_civil {

struct HttpSettings {
  long timeout_s = 30;
  int retries = 5;
  long retry_base_ms = 500;
  std::string ca_file;
  std::string proxy;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class HttpClient {
 public:
  explicit HttpClient(HttpSettings settings);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Sends a request, retrying as above; returns the final answer (which may be a 4xx).
  /// Throws HttpError when the network fails or 5xx/429 persist after the last retry.
  HttpResponse send(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                    const std::string& body);
  /// URL-encodes one query or form value.
  std::string escape(const std::string& value) const;
  int retries_made() const { return retries_made_; }

 private:
  HttpResponse once(const std::string& method, const std::string& url, const std::vector<std::string>& headers,
                    const std::string& body, std::string& error);
  HttpSettings settings_;
  void* curl_ = nullptr;
  std::uint64_t jitter_state_;
  int retries_made_ = 0;
};

}  // namespace hopnhat_civil
