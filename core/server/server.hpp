// `hopnhat serve`: the administrators' web UI (Vietnamese by default, English switchable) and
// the JSON API it uses, over cpp-httplib. Loopback by default; HTTPS with --tls-cert/--tls-key.
// Every asset is compiled into the binary (the agency LAN has no internet, so no CDN).
#pragma once

#include <string>

#include "config/config.hpp"

namespace hopnhat::server {

struct ServeOptions {
  std::string listen = "127.0.0.1:8080";  // port 0: any free port (the chosen one is printed)
  std::string tls_cert, tls_key;
};

/// Serves until SIGINT or SIGTERM; returns the process exit code.
int serve(const config::Config& config, const ServeOptions& options);

}  // namespace hopnhat::server
