#include "store/sqlite_db.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>

namespace hopnhat::store {

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
    throw StoreError("store: cannot prepare statement: " + std::string(sqlite3_errmsg(db)));
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_borrowed(int i, std::string_view text) {
  sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::bind_blob_borrowed(int i, std::string_view bytes) {
  sqlite3_bind_blob(stmt_, i, bytes.data(), static_cast<int>(bytes.size()), SQLITE_STATIC);
  return *this;
}
Statement& Statement::bind(int i, std::int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}
Statement& Statement::bind(int i, double v) {
  sqlite3_bind_double(stmt_, i, v);
  return *this;
}
Statement& Statement::bind_null(int i) {
  sqlite3_bind_null(stmt_, i);
  return *this;
}
Statement& Statement::bind_borrowed_or_null(int i, std::string_view text) {
  return text.empty() ? bind_null(i) : bind_borrowed(i, text);
}
Statement& Statement::bind_optional(int i, const std::optional<std::int64_t>& v) {
  return v ? bind(i, *v) : bind_null(i);
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(db_);
  sqlite3_reset(stmt_);
  throw StoreError("store: " + msg);
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int c) const {
  auto p = sqlite3_column_text(stmt_, c);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
}
std::string Statement::blob(int c) const {
  auto p = sqlite3_column_blob(stmt_, c);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
}
std::int64_t Statement::integer(int c) const { return sqlite3_column_int64(stmt_, c); }
double Statement::real(int c) const { return sqlite3_column_double(stmt_, c); }
bool Statement::is_null(int c) const { return sqlite3_column_type(stmt_, c) == SQLITE_NULL; }

Db::Db(const std::string& path, bool create) : path_(path) {
  // Each connection is used by one thread at a time (NOMUTEX below), and nothing here reads
  // SQLite's memory statistics: without them, allocating takes no global lock.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) > 0;
  // The store holds citizen IDs, party membership and password hashes: a new one is made 0600,
  // whatever the umask, and SQLite gives its -wal and -shm files the database file's mode.
  if (create && !std::filesystem::exists(path, ec)) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  sqlite3* opened = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &opened, flags, nullptr);
  handle_.reset(opened);  // SQLite hands back a handle to close even when opening failed
  if (rc != SQLITE_OK) {
    std::string msg = handle_ ? sqlite3_errmsg(handle_.get()) : "out of memory";
    throw StoreError(path + ": cannot open the store: " + msg);
  }
  sqlite3_busy_timeout(handle_.get(), 5000);
  exec("PRAGMA foreign_keys = ON");
  // Rows of a kilobyte or more (golden records, source records) fit a 16 KiB page without
  // overflow pages. Takes effect only when the store is created; an existing store keeps its size.
  exec("PRAGMA page_size = 16384");
  if (existed) {  // otherwise after the first commit (see the header)
    // Switching needs the database to itself: while the run that creates a store still holds it,
    // this connection goes on without (that run switches when it commits) and does not wait.
    sqlite3_busy_timeout(handle_.get(), 0);
    try {
      use_write_ahead_log();
    } catch (const StoreError&) {
    }
    sqlite3_busy_timeout(handle_.get(), 5000);
  }
  exec("PRAGMA synchronous = FULL");
  // A run writes millions of rows in one transaction; with SQLite's 2 MiB default cache the
  // pages spill to the WAL and are looked up there again and again. The cache grows only as
  // far as a run needs it.
  exec("PRAGMA cache_size = -262144");  // KiB: 256 MiB
  exec("PRAGMA temp_store = MEMORY");
}

void Db::use_write_ahead_log() {
  if (wal_) return;
  exec("PRAGMA journal_mode = WAL");
  wal_ = true;
}

void Db::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(handle_.get(), std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw StoreError(path_ + ": " + msg);
  }
}

}  // namespace hopnhat::store
