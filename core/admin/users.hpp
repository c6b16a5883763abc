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

LoginResult login(store::Store& store, const std::string& name, const std::string& password, const SessionSettings& settings);

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
