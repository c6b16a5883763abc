#include "server/connection_guard.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

namespace hopnhat::server {

namespace {

// The port of a socket address, and its host as httplib writes it (numeric, no brackets).
bool describe(const sockaddr_storage& sa, socklen_t len, std::string& host, int& port) {
  if (sa.ss_family != AF_INET && sa.ss_family != AF_INET6) return false;
  char text[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&sa), len, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0) return false;
  host = text;
  port = sa.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in&>(sa).sin_port)
                                 : ntohs(reinterpret_cast<const sockaddr_in6&>(sa).sin6_port);
  return true;
}

std::string key_of(const std::string& address, int port) { return address + " " + std::to_string(port); }

// The peer of `fd` when it is a connection accepted on `port` (not the listening socket, not
// another socket of the process): its address, and its key "address port".
std::optional<std::pair<std::string, std::string>> peer_on(int fd, int port) {
  sockaddr_storage local{}, peer{};
  socklen_t local_len = sizeof local, peer_len = sizeof peer;
  std::string host, peer_host;
  int local_port = 0, peer_port = 0;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_len) != 0 || !describe(local, local_len, host, local_port) ||
      local_port != port)
    return std::nullopt;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0 || !describe(peer, peer_len, peer_host, peer_port))
    return std::nullopt;  // the listening socket itself
  return std::make_pair(peer_host, key_of(peer_host, peer_port));
}

}  // namespace

ConnectionGuard::ConnectionGuard(int listening_port, Limits limits)
    : port_(listening_port), limits_(limits), thread_([this] { run(); }) {}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionGuard::begin(const std::string& address, int port) {
  std::lock_guard lock(mutex_);
  Connection& c = connections_[key_of(address, port)];
  ++c.answering;
}

void ConnectionGuard::end(const std::string& address, int port) {
  std::lock_guard lock(mutex_);
  auto it = connections_.find(key_of(address, port));
  if (it == connections_.end()) return;
  it->second.answering = std::max(0, it->second.answering - 1);
  it->second.waiting_since = std::chrono::steady_clock::now();  // the next request's time starts now
}

void ConnectionGuard::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, limits_.scan_every, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    scan();
    lock.lock();
  }
}

void ConnectionGuard::scan() {
  // The accepted sockets of the listening port: a socket whose local port is ours and that has a peer.
  struct Found {
    int fd;
    std::string address, key;
  };
  std::vector<Found> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    char* end = nullptr;
    long fd = std::strtol(entry.path().filename().c_str(), &end, 10);
    if (*end != '\0') continue;
    struct stat st {};
    if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    if (auto peer = peer_on(static_cast<int>(fd), port_)) found.push_back({static_cast<int>(fd), peer->first, peer->second});
  }

  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<int, std::string>> to_close;  // fd, key: shut down after the lock
  {
    std::lock_guard lock(mutex_);
    for (auto& [key, c] : connections_) c.seen = false;
    for (const Found& f : found) {
      Connection& c = connections_[f.key];
      if (c.fd != f.fd) {  // a connection not seen before (or begun before it was seen)
        c.fd = f.fd;
        c.waiting_since = now;
      }
      c.seen = true;
    }
    for (auto it = connections_.begin(); it != connections_.end();)
      it = it->second.seen || it->second.answering > 0 ? std::next(it) : connections_.erase(it);

    std::map<std::string, std::vector<std::pair<std::chrono::steady_clock::time_point, std::string>>> by_address;
    for (const Found& f : found) {
      const Connection& c = connections_[f.key];
      if (c.answering > 0) continue;
      if (now - c.waiting_since > limits_.request_deadline) {
        to_close.emplace_back(f.fd, f.key);
        if (now - last_warned_[f.address] > std::chrono::minutes(1)) {
          last_warned_[f.address] = now;
          spdlog::warn("serve: a connection from {} sent no whole request within {} s; closed", f.address,
                       std::chrono::duration_cast<std::chrono::seconds>(limits_.request_deadline).count());
        }
      } else {
        by_address[f.address].emplace_back(c.waiting_since, f.key);
      }
    }
    for (auto& [address, list] : by_address) {
      // Its answered connections count against a client's share too; the newest waiting ones go.
      int answering = 0;
      for (const auto& [key, c] : connections_)
        if (c.answering > 0 && key.compare(0, address.size() + 1, address + " ") == 0) ++answering;
      int over = answering + static_cast<int>(list.size()) - limits_.per_client;
      if (over <= 0) continue;
      std::sort(list.begin(), list.end());
      for (int k = 0; k < over && k < static_cast<int>(list.size()); ++k) {
        const std::string& key = list[list.size() - 1 - k].second;
        to_close.emplace_back(connections_[key].fd, key);
      }
      if (now - last_warned_[address] > std::chrono::minutes(1)) {
        last_warned_[address] = now;
        spdlog::warn("serve: {} holds {} connections; the newest {} closed (at most {} per client)", address,
                     answering + static_cast<int>(list.size()), over, limits_.per_client);
      }
    }
  }
  for (const auto& [fd, key] : to_close) {
    // The descriptor could have been closed and given to another socket since the look above:
    // shut it only if it still joins the same peer on our port.
    auto peer = peer_on(fd, port_);
    if (!peer || peer->second != key) continue;
    ::shutdown(fd, SHUT_RDWR);  // the pooled thread's read ends now; httplib closes the socket
  }
}

}  // namespace hopnhat::server
