// AuditKey: the secret that keys the audit chain, and the checkpoint that anchors its head,
// both kept outside the store (issue #22, item 10). Without a key anyone who can write the store
// could rewrite an entry and recompute every later hash; without an anchor, removing the newest
// entries would leave a chain that still verifies.
//
// - The key is 32 random bytes, hex in `key_file`, created at first use with mode 0600 (a
//   key file that others may read or write is refused). Keep it out of the store's backups.
// - The checkpoint (`checkpoint_file`, mode 0600) holds the newest entry's seq and hash as
//   of the last commit that appended one, with an HMAC under the key: it is moved forward only
//   (two processes committing at once cannot move it back), under an advisory lock.
//
// Thread-safe (a mutex; the files are replaced atomically by rename).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "store/store.hpp"

namespace hopnhat::admin {

struct AuditCheckpoint {
  std::int64_t seq = 0;
  std::string hash;
  std::string at;          // when it was written
  bool genuine = false;    // its HMAC verifies under the key
};

class AuditKey final : public store::AuditSigner {
 public:
  AuditKey(std::filesystem::path key_file, std::filesystem::path checkpoint_file);

  std::string mac(const std::string& data) override;  // creates the key at first use
  void anchor(std::int64_t seq, const std::string& hash) override;

  /// Whether the key file exists (it is created only when the first keyed entry is written).
  bool exists() const;
  /// The checkpoint, if its file exists. Throws std::runtime_error when it cannot be read.
  std::optional<AuditCheckpoint> checkpoint();
  const std::filesystem::path& key_file() const { return key_file_; }
  const std::filesystem::path& checkpoint_file() const { return checkpoint_file_; }

 private:
  const std::string& key();  // loads or creates; throws std::runtime_error naming the file
  std::string checkpoint_mac(std::int64_t seq, const std::string& hash, const std::string& at);

  std::filesystem::path key_file_, checkpoint_file_;
  std::mutex mutex_;
  std::string key_;  // the 32 bytes, once loaded
};

}  // namespace hopnhat::admin
