// Store tests run on both backends: a TestStore is a fresh SQLite file or a fresh PostgreSQL
// database on the server the `postgres` CTest fixture started (tests/support/pg_fixture.sh).
// Without that server the PostgreSQL half is skipped with a warning, unless HOPNHAT_REQUIRE_PG
// is set (as under CTest), where it fails.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>

#include "store/pg_conn.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

class TestStore {
 public:
  explicit TestStore(std::string backend) : backend_(std::move(backend)) {
    if (backend_ != "postgres") return;
    const char* file = std::getenv("HOPNHAT_TEST_PG_URI_FILE");
    std::ifstream in(file ? file : "");
    std::getline(in, base_uri_);
    if (base_uri_.empty()) return;
    std::random_device rd;
    db_ = "t_" + std::to_string(rd()) + std::to_string(rd());
    hopnhat::store::PgConn admin(base_uri_, {});
    admin.exec("CREATE DATABASE " + db_);
    uri_ = base_uri_.substr(0, base_uri_.rfind('/') + 1) + db_;
  }
  ~TestStore() {
    if (db_.empty()) return;
    try {
      hopnhat::store::PgConn admin(base_uri_, {});
      admin.exec("DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  /// False when PostgreSQL is asked for but no test server runs (then the caller skips).
  bool available() const { return backend_ == "sqlite" || !uri_.empty(); }
  const std::string& backend() const { return backend_; }

  std::unique_ptr<hopnhat::store::Store> open(bool create = true) {
    if (backend_ == "sqlite") return hopnhat::store::open_sqlite_store(dir_.path / "h.db", create);
    return hopnhat::store::open_postgres_store(uri_, {});
  }
  /// Runs SQL behind the store's back (a hand edit).
  void exec(const std::string& sql);
  std::filesystem::path sqlite_path() const { return dir_.path / "h.db"; }

 private:
  std::string backend_;
  TempDir dir_;
  std::string base_uri_, db_, uri_;
};

/// Declares `ts`, a TestStore of each backend in turn (a Catch2 generator).
#define FOR_EACH_BACKEND(ts)                                                                  \
  const std::string backend_name_ = GENERATE(as<std::string>{}, "sqlite", "postgres");        \
  TestStore ts(backend_name_);                                                                \
  if (!ts.available()) {                                                                      \
    if (std::getenv("HOPNHAT_REQUIRE_PG")) FAIL("no PostgreSQL test server (pg.start fixture)"); \
    WARN("PostgreSQL test server not running: the postgres half is skipped");                  \
    return;                                                                                   \
  }                                                                                           \
  INFO("backend " << backend_name_)
