#include "store_backends.hpp"

#include <sqlite3.h>

void TestStore::exec(const std::string& sql) {
  if (backend_ == "postgres") {
    hopnhat::store::PgConn conn(uri_, {});
    conn.exec_script(sql);  // several statements, as a migration file has
    return;
  }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(sqlite_path().c_str(), &h) == SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(h);
  if (rc != SQLITE_OK) throw hopnhat::store::StoreError(msg);
}
