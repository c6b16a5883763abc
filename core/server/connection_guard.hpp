// ConnectionGuard: what keeps a few slow or greedy clients from taking the admin server down.
//
// cpp-httplib gives every connection a pooled thread and times out each read on its own, so a
// client that sends one byte every few seconds holds a thread for ever, and eight such clients
// held every thread (issue #22, item 6). The library has no hook on accepted sockets, so the guard
// watches them from the side: a thread looks at the process's sockets connected to the listening
// port a few times a second and shuts down (a) a connection that has not delivered a whole
// request within `request_deadline` of connecting or of its previous answer, and (b) the newest
// connections of a client address beyond `per_client`. A connection whose request is being
// answered is never touched: the handlers say when they start and finish.
//
// Thread-safety: begin/end may be called from any thread; the guard owns its thread and stops it
// when destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace hopnhat::server {

class ConnectionGuard {
 public:
  struct Limits {
    int per_client = 10;                             // connections at once from one address
    std::chrono::milliseconds request_deadline{20000};  // to send a whole request's head and body
    std::chrono::milliseconds scan_every{250};
  };
  ConnectionGuard(int listening_port, Limits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  /// A request of the connection from `address`:`port` (as httplib reports them) is being answered.
  void begin(const std::string& address, int port);
  void end(const std::string& address, int port);

 private:
  struct Connection {
    int fd = -1;
    std::chrono::steady_clock::time_point waiting_since;  // connected, or last answered
    int answering = 0;
    bool seen = false;
  };
  void run();
  void scan();

  const int port_;
  const Limits limits_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, Connection> connections_;  // by "address port" of the peer
  std::map<std::string, std::chrono::steady_clock::time_point> last_warned_;  // one warning a minute per address
  std::thread thread_;
};

}  // namespace hopnhat::server
