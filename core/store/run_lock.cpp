#include "store/run_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/iso_time.hpp"

namespace hopnhat::store {

std::unique_ptr<RunLock> RunLock::acquire(const std::filesystem::path& store_path, const std::string& what) {
  std::filesystem::path path = store_path.string() + ".lock";
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path.string() + ": cannot open the lock file: " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[256] = {0};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string holder = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "another process";
    while (!holder.empty() && holder.back() == '\n') holder.pop_back();
    throw LockedError("the store " + store_path.string() + " is in use: " + holder + " holds its lock; try again when it ends");
  }
  std::string holder = "pid " + std::to_string(::getpid()) + " (" + what + " since " + base::now_iso() + ")\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, holder.data(), holder.size(), 0) < 0) {
    // The lock itself is held; only the note for others is missing.
  }
  return std::unique_ptr<RunLock>(new RunLock(fd, path));
}

RunLock::~RunLock() {
  if (::ftruncate(fd_, 0) != 0) {
  }
  ::close(fd_);  // releases the flock
}

}  // namespace hopnhat::store
