#include "admin/audit_key.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "admin/crypto.hpp"
#include "base/iso_time.hpp"

namespace hopnhat::admin {

namespace {

std::runtime_error file_error(const std::filesystem::path& file, const std::string& what) {
  return std::runtime_error(file.string() + ": " + what);
}

std::string hex_to_bytes(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// Writes `text` to `file` through a temporary file and a rename, mode 0600.
void replace_file(const std::filesystem::path& file, const std::string& text) {
  std::filesystem::path tmp = file;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw file_error(tmp, std::string("cannot write (") + std::strerror(errno) + ")");
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), file.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw file_error(file, std::string("cannot write (") + std::strerror(errno) + ")");
  }
}

}  // namespace

AuditKey::AuditKey(std::filesystem::path key_file, std::filesystem::path checkpoint_file)
    : key_file_(std::move(key_file)), checkpoint_file_(std::move(checkpoint_file)) {}

bool AuditKey::exists() const { return std::filesystem::exists(key_file_); }

const std::string& AuditKey::key() {
  if (!key_.empty()) return key_;
  if (!std::filesystem::exists(key_file_)) {
    std::error_code ec;
    std::filesystem::create_directories(key_file_.parent_path(), ec);
    // O_EXCL: two processes starting at once must not each make a key.
    int fd = ::open(key_file_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      std::string text = random_hex(32) + "\n";
      bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
      ::close(fd);
      if (!ok) throw file_error(key_file_, "cannot write the audit key");
    } else if (errno != EEXIST) {
      throw file_error(key_file_, std::string("cannot create the audit key (") + std::strerror(errno) +
                                      "); set audit.key_file in the configuration to a file the job may create");
    }
  }
  struct stat st {};
  if (::stat(key_file_.c_str(), &st) != 0) throw file_error(key_file_, "cannot read the audit key");
  if (st.st_mode & (S_IRWXG | S_IRWXO))
    throw file_error(key_file_, "refused: the audit key may be read or written by others; run `chmod 600 " + key_file_.string() + "`");
  std::ifstream in(key_file_);
  std::string hex;
  in >> hex;
  if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw file_error(key_file_, "not an audit key (expected 64 lowercase hex digits)");
  key_ = hex_to_bytes(hex);
  return key_;
}

std::string AuditKey::mac(const std::string& data) {
  std::lock_guard lock(mutex_);
  return hmac_sha256_hex(key(), data);
}

std::string AuditKey::checkpoint_mac(std::int64_t seq, const std::string& hash, const std::string& at) {
  return hmac_sha256_hex(key(), "checkpoint\x1f" + std::to_string(seq) + "\x1f" + hash + "\x1f" + at);
}

void AuditKey::anchor(std::int64_t seq, const std::string& hash) {
  std::lock_guard lock(mutex_);
  // Processes serialise on a lock file beside the checkpoint; the checkpoint only moves forward.
  std::filesystem::path lock_path = checkpoint_file_;
  lock_path += ".lock";
  int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) throw file_error(lock_path, std::string("cannot open (") + std::strerror(errno) + ")");
  ::flock(lock_fd, LOCK_EX);
  try {
    std::int64_t current = 0;
    if (std::ifstream in(checkpoint_file_); in) {
      try {
        current = nlohmann::json::parse(in).value("seq", std::int64_t{0});
      } catch (const std::exception&) {
        current = 0;  // unreadable: rewritten, and verify reports what it can prove
      }
    }
    if (seq > current) {
      std::string at = base::now_iso();
      nlohmann::json j = {{"seq", seq}, {"hash", hash}, {"at", at}, {"mac", checkpoint_mac(seq, hash, at)}};
      replace_file(checkpoint_file_, j.dump() + "\n");
    }
  } catch (...) {
    ::close(lock_fd);
    throw;
  }
  ::close(lock_fd);
}

std::optional<AuditCheckpoint> AuditKey::checkpoint() {
  std::lock_guard lock(mutex_);
  std::ifstream in(checkpoint_file_);
  if (!in) return std::nullopt;
  AuditCheckpoint c;
  try {
    auto j = nlohmann::json::parse(in);
    c.seq = j.at("seq").get<std::int64_t>();
    c.hash = j.at("hash").get<std::string>();
    c.at = j.at("at").get<std::string>();
    c.genuine = exists() && equal_constant_time(checkpoint_mac(c.seq, c.hash, c.at), j.at("mac").get<std::string>());
  } catch (const nlohmann::json::exception&) {
    c.genuine = false;  // not even readable: certainly not what hopnhat wrote
  }
  return c;
}

}  // namespace hopnhat::admin
