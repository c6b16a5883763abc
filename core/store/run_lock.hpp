// RunLock: one sync at a time per store. An exclusive flock(2) on "<store>.lock", which the
// kernel releases when the holding process ends however it ends (kill -9, power loss), so a
// stale lock is taken over by simply locking again. The file also says who holds it, for the
// message the second run prints. Not copyable; released on destruction.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

namespace hopnhat::store {

/// Another run holds the store (exit code 4); the message says who and since when.
class LockedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class RunLock {
 public:
  /// Takes the lock or throws LockedError ("… is held by pid 1234 (a sync since …)").
  static std::unique_ptr<RunLock> acquire(const std::filesystem::path& store_path, const std::string& what);
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  RunLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  int fd_;
  std::filesystem::path path_;
};

}  // namespace hopnhat::store
