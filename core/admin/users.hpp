// Accounts of the admin server: viewers read, reviewers decide, admins also manage users.
// Passwords are Argon2id hashes; repeated failed logins lock an account for a while; sessions
// are random tokens of which the store keeps only a hash, and they expire. Every login and
// user change is audited. Functions work inside the caller's store transaction.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "store/store.hpp"

namespace hopnhat::admin {

class AdminError : public std::runtime_error {
 public:
  enum class Kind { kInvalid, kNotFound, kForbidden, kConflict };
  AdminError(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

enum class Role { kViewer = 0, kReviewer = 1, kAdmin = 2 };
std::optional<Role> parse_role(const std::string& text);
const char* role_name(Role role);

struct SessionSettings {
  long long lifetime_s = 8 * 3600;    // a working day, then log in again
  int max_failures = 5;               // consecutive failed logins before the account locks
  long long lock_s = 300;             // first lock; each further failure adds as much again
};

void add_user(store::Store& store, const std::string& name, Role role, const std::string& password, const std::string& actor);
void set_password(store::Store& store, const std::string& name, const std::string& password, const std::string& actor);
void set_disabled(store::Store& store, const std::string& name, bool disabled, const std::string& actor);

struct LoginResult {
  enum class Outcome { kOk, kBadCredentials, kLocked } outcome = Outcome::kBadCredentials;
  std::string token;  // the session cookie's value
  std::string csrf;   // to send back in X-CSRF-Token
  store::UserRow user;
  std::string locked_until;
};

/// One login in one call, inside the caller's transaction (the CLI and tests). The server uses
/// the three steps below instead, so that the slow password check holds no lock.
LoginResult login(store::Store& store, const std::string& name, const std::string& password, const SessionSettings& settings);

/// A login in three steps: begin (store, quick), check (Argon2id, slow, no store and no lock —
/// any number may run at once, the caller bounds how many), finish (store, quick: failures
/// counted, session made, audited). Locked names and names without an account take the same
/// three steps, so neither the answer nor its time tells whether a name exists.
struct LoginAttempt {
  enum class Kind { kAccount, kUnknown, kDisabled, kNotAName } kind = Kind::kNotAName;
  std::string name;
  std::string hash_to_check;  // the account's hash, or a dummy one; empty when already refused
  std::string locked_until;   // set when the name is locked: refused whatever the password
};
LoginAttempt begin_login(store::Store& store, const std::string& name);
/// Thread-safe; touches no store.
bool check_login_password(const LoginAttempt& attempt, const std::string& password);
LoginResult finish_login(store::Store& store, const LoginAttempt& attempt, bool password_ok, const SessionSettings& settings);

struct Session {
  store::UserRow user;
  Role role = Role::kViewer;
  std::string csrf;
  std::string token_hash;
};

/// The live session of a token, or nothing (unknown, expired, or the user was disabled).
std::optional<Session> find_session(store::Store& store, const std::string& token);
void logout(store::Store& store, const Session& session);

}  // namespace hopnhat::admin
