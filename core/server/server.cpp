#include "server/server.hpp"

#include <httplib.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <thread>

#include "base/exit_codes.hpp"
#include "server/api.hpp"
#include "server/connection_guard.hpp"

namespace hopnhat::server {
namespace embedded {
std::string_view asset(std::string_view file_name);
}

namespace {

constexpr std::size_t kServerThreads = 64;

std::string cookie_value(const std::string& header, const std::string& name) {
  std::size_t at = 0;
  while (at < header.size()) {
    std::size_t end = header.find(';', at);
    std::string part = header.substr(at, end == std::string::npos ? std::string::npos : end - at);
    std::size_t start = part.find_first_not_of(' ');
    if (start != std::string::npos && part.compare(start, name.size() + 1, name + "=") == 0) return part.substr(start + name.size() + 1);
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return "";
}

void security_headers(httplib::Response& res) {
  // Everything comes from this server; nothing may frame it, guess types or leak the address.
  res.set_header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("X-Frame-Options", "DENY");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("Cache-Control", "no-store");
}

template <class Server>
int run(Server& svr, const config::Config& cfg, const ServeOptions& options, bool tls) {
  auto api = std::make_shared<Api>(cfg);
  svr.set_payload_max_length(1 << 20);
  svr.set_read_timeout(10, 0);
  svr.set_write_timeout(10, 0);
  // More threads than one client may hold (ConnectionGuard), so others, and new logins, find one.
  svr.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };

  std::string host = options.listen, port_text = "8080";
  if (auto colon = options.listen.rfind(':'); colon != std::string::npos) {
    host = options.listen.substr(0, colon);
    port_text = options.listen.substr(colon + 1);
  }
  int port = 0;
  try {
    port = std::stoi(port_text);
  } catch (...) {
    std::cerr << "hopnhat serve: --listen expects ADDRESS:PORT, got \"" << options.listen << "\"\n";
    return base::kExitUsage;
  }
  if (port == 0) port = svr.bind_to_any_port(host);
  else if (!svr.bind_to_port(host, port)) port = -1;
  if (port <= 0) {
    std::cerr << "hopnhat serve: cannot listen on " << options.listen << " (in use, or not an address of this machine)\n";
    return base::kExitFailed;
  }
  auto guard = std::make_shared<ConnectionGuard>(port, ConnectionGuard::Limits{});
  // Marks a request as being answered, so the guard leaves its connection alone meanwhile.
  struct Answering {
    ConnectionGuard& guard;
    const httplib::Request& req;
    Answering(ConnectionGuard& g, const httplib::Request& r) : guard(g), req(r) { guard.begin(req.remote_addr, req.remote_port); }
    ~Answering() { guard.end(req.remote_addr, req.remote_port); }
  };

  auto handle_api = [api, guard, tls](const httplib::Request& req, httplib::Response& res) {
    Answering answering(*guard, req);
    Request r;
    r.method = req.method;
    r.path = req.path;
    r.body = req.body;
    r.cookie_token = cookie_value(req.get_header_value("Cookie"), "hopnhat_session");
    r.csrf_header = req.get_header_value("X-CSRF-Token");
    r.tls = tls;
    for (const auto& [k, v] : req.params) r.query.emplace(k, v);
    Reply reply = api->handle(r);
    res.status = reply.status;
    if (!reply.set_cookie.empty()) res.set_header("Set-Cookie", reply.set_cookie);
    if (!reply.retry_after.empty()) res.set_header("Retry-After", reply.retry_after);
    security_headers(res);
    res.set_content(reply.body.dump(), "application/json; charset=utf-8");
  };
  svr.Get(R"(/api/.*)", handle_api);
  svr.Post(R"(/api/.*)", handle_api);
  auto asset = [guard](const char* name, const char* type) {
    return [guard, name, type](const httplib::Request& req, httplib::Response& res) {
      Answering answering(*guard, req);
      std::string_view data = embedded::asset(name);
      security_headers(res);
      res.set_content(std::string(data), type);
    };
  };
  svr.Get("/", asset("index.html", "text/html; charset=utf-8"));
  svr.Get("/app.js", asset("app.js", "text/javascript; charset=utf-8"));
  svr.Get("/app.css", asset("app.css", "text/css; charset=utf-8"));
  svr.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });

  // SIGINT / SIGTERM end the server cleanly: a thread waits for them and stops the listener.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread stopper([&svr, set] {
    int sig = 0;
    sigwait(&set, &sig);
    svr.stop();
  });
  std::cout << "hopnhat serve: listening on " << (tls ? "https" : "http") << "://" << host << ":" << port << "/" << std::endl;
  if (host != "127.0.0.1" && host != "localhost" && host != "::1" && !tls)
    spdlog::warn("serving without TLS on {}: passwords cross the network in clear; use --tls-cert and --tls-key", host);
  bool ok = svr.listen_after_bind();
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? base::kExitOk : base::kExitFailed;
}

}  // namespace

int serve(const config::Config& cfg, const ServeOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    std::cerr << "hopnhat serve: --tls-cert and --tls-key go together\n";
    return base::kExitUsage;
  }
  if (!options.tls_cert.empty()) {
    httplib::SSLServer svr(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!svr.is_valid()) {
      std::cerr << "hopnhat serve: cannot use " << options.tls_cert << " and " << options.tls_key << " (not a PEM certificate and its key?)\n";
      return base::kExitUsage;
    }
    return run(svr, cfg, options, true);
  }
  httplib::Server svr;
  return run(svr, cfg, options, false);
}

}  // namespace hopnhat::server
