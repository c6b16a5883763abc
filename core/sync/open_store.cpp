#include "sync/open_store.hpp"

#include <filesystem>

namespace hopnhat::sync {

std::unique_ptr<store::Store> open_store(const config::Config& cfg, bool create) {
  if (!cfg.postgres.empty()) return store::open_postgres_store(cfg.postgres, cfg.postgres_options);
  if (!create && !std::filesystem::exists(cfg.sqlite_path))
    throw store::StoreError(cfg.sqlite_path.string() + ": no store yet; run `hopnhat sync --config " + cfg.file.string() + "` first");
  return store::open_sqlite_store(cfg.sqlite_path, create);
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
