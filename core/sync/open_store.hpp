// Opening the store a configuration names: SQLite (a file) or PostgreSQL (a server).
#pragma once

#include <memory>

#include "config/config.hpp"
#include "store/store.hpp"

namespace hopnhat::sync {

/// With `create` false, a SQLite store that does not exist yet is an error that says to sync
/// first. Throws store::StoreError.
std::unique_ptr<store::Store> open_store(const config::Config& cfg, bool create);

/// Whether the configured store exists already (a PostgreSQL store is a server: always).
bool store_exists(const config::Config& cfg);

/// The store for messages: the SQLite file, or the PostgreSQL URI without its password.
std::string store_name(const config::Config& cfg);

}  // namespace hopnhat::sync
