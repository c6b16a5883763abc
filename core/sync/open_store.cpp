#include "sync/open_store.hpp"

#include <filesystem>

#include "admin/audit_key.hpp"

namespace hopnhat::sync {

std::unique_ptr<store::Store> open_store(const config::Config& cfg, bool create) {
  std::unique_ptr<store::Store> store;
  if (!cfg.postgres.empty()) {
    store = store::open_postgres_store(cfg.postgres, cfg.postgres_options);
  } else {
    if (!create && !std::filesystem::exists(cfg.sqlite_path))
      throw store::StoreError(cfg.sqlite_path.string() + ": no store yet; run `hopnhat sync --config " + cfg.file.string() + "` first");
    store = store::open_sqlite_store(cfg.sqlite_path, create);
  }
  // The audit chain's key and checkpoint live outside the store (docs/admin.md, "The audit log").
  store->set_audit_signer(std::make_shared<admin::AuditKey>(cfg.audit_key_file, cfg.audit_checkpoint_file));
  return store;
}

std::string store_name(const config::Config& cfg) {
  if (cfg.postgres.empty()) return cfg.sqlite_path.string();
  std::string uri = cfg.postgres;
  // postgresql://user:secret@host/db → postgresql://user:***@host/db
  auto scheme = uri.find("://"), at = uri.find('@');
  if (scheme != std::string::npos && at != std::string::npos) {
    auto colon = uri.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) uri.replace(colon + 1, at - colon - 1, "***");
  }
  return uri;
}

bool store_exists(const config::Config& cfg) { return !cfg.postgres.empty() || std::filesystem::exists(cfg.sqlite_path); }

}  // namespace hopnhat::sync
