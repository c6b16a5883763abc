#include "admin/users.hpp"

#include <mutex>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "admin/audit.hpp"
#include "admin/crypto.hpp"
#include "base/iso_time.hpp"

namespace hopnhat::admin {

std::optional<Role> parse_role(const std::string& text) {
  if (text == "viewer") return Role::kViewer;
  if (text == "reviewer") return Role::kReviewer;
  if (text == "admin") return Role::kAdmin;
  return std::nullopt;
}

const char* role_name(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kReviewer: return "reviewer";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

namespace {

// Characters, not bytes: "mậtkhẩu" is 7 letters in 11 bytes. Invalid UTF-8 counts byte by byte.
std::u32string code_points(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// Passwords that lists of leaked passwords put first, and their Vietnamese cousins: refused
// whatever their length.
bool common_password(const std::string& password) {
  static const char* const kCommon[] = {
      "1234567890", "12345678910", "123456789a", "0123456789", "1111111111", "1234567890a", "qwertyuiop", "qwerty12345",
      "password12", "password123", "password1234", "passw0rd123", "iloveyou12", "abc1234567", "abcd123456", "a123456789",
      "matkhau123", "matkhau1234", "matkhaumoi", "anhyeuem123", "anhyeuem1234", "hopnhat123", "hopnhat2025", "admin12345",
      "administrator", "changeme123", "welcome123", "1q2w3e4r5t", "zxcvbnm123", "asdfghjkl1"};
  std::string lower;
  for (char c : password) lower.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  for (const char* c : kCommon)
    if (lower == c) return true;
  return false;
}

void check_password(const std::string& password) {
  std::u32string cps = code_points(password);
  if (cps.size() < 10)
    throw AdminError(AdminError::Kind::kInvalid, "a password has at least 10 characters");
  bool all_same = true, all_space = true;
  for (char32_t c : cps) {
    all_same = all_same && c == cps.front();
    all_space = all_space && (c == U' ' || c == U'\t');
  }
  if (all_same || all_space)
    throw AdminError(AdminError::Kind::kInvalid, "a password is not one character repeated, nor only spaces");
  if (common_password(password))
    throw AdminError(AdminError::Kind::kInvalid, "that password is on the lists of the most common ones: choose another");
}

void check_name(const std::string& name) {
  if (name.empty() || name.size() > 64)
    throw AdminError(AdminError::Kind::kInvalid, "a user name has 1 to 64 characters");
  for (unsigned char ch : name)
    if (!(std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-'))
      throw AdminError(AdminError::Kind::kInvalid, "a user name has only letters a-z, digits, '.', '_' and '-': \"" + name + "\"");
}

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char ch : name)
    if (!(std::isalnum(ch) || ch == '.' || ch == '_' || ch == '-')) return false;
  return true;
}

// Failed logins of names that are not enabled accounts, for this process: (failures, locked
// until). Bounded: past kMaxNameLocks names it starts again.
struct NameLocks {
  std::mutex mu;
  std::unordered_map<std::string, std::pair<int, std::string>> of;
};
constexpr std::size_t kMaxNameLocks = 100000;
NameLocks& name_locks() {
  static NameLocks locks;
  return locks;
}

store::UserRow existing(store::Store& store, const std::string& name) {
  auto u = store.user(name);
  if (!u) throw AdminError(AdminError::Kind::kNotFound, "no user \"" + name + "\"");
  return *u;
}

}  // namespace

void add_user(store::Store& store, const std::string& name, Role role, const std::string& password, const std::string& actor) {
  check_name(name);
  check_password(password);
  if (store.user(name)) throw AdminError(AdminError::Kind::kConflict, "the user \"" + name + "\" exists already");
  store.put_user({name, role_name(role), hash_password(password), false, base::now_iso(), 0, ""});
  audit(store, actor, "user.add", {{"user", name}, {"role", role_name(role)}});
}

void set_password(store::Store& store, const std::string& name, const std::string& password, const std::string& actor) {
  check_password(password);
  store::UserRow u = existing(store, name);
  u.password_hash = hash_password(password);
  u.failed_logins = 0;
  u.locked_until.clear();
  store.put_user(u);
  store.delete_sessions(base::now_iso(), name);  // a new password ends the old sessions
  audit(store, actor, "user.passwd", {{"user", name}});
}

void set_disabled(store::Store& store, const std::string& name, bool disabled, const std::string& actor) {
  store::UserRow u = existing(store, name);
  u.disabled = disabled;
  store.put_user(u);
  if (disabled) store.delete_sessions(base::now_iso(), name);
  audit(store, actor, disabled ? "user.disable" : "user.enable", {{"user", name}});
}

namespace {
// What every check that has no real hash verifies against, so that timing does not tell which
// names exist.
const std::string& dummy_hash() {
  static const std::string kDummy = hash_password("not-a-real-password");
  return kDummy;
}
}  // namespace

LoginAttempt begin_login(store::Store& store, const std::string& name) {
  LoginAttempt a;
  a.name = name;
  a.hash_to_check = dummy_hash();
  const std::string now = base::now_iso();
  if (!valid_name(name)) {
    a.kind = LoginAttempt::Kind::kNotAName;
    return a;
  }
  auto u = store.user(name);
  if (!u || u->disabled) {
    a.kind = !u ? LoginAttempt::Kind::kUnknown : LoginAttempt::Kind::kDisabled;
    NameLocks& locks = name_locks();
    std::lock_guard lock(locks.mu);
    auto it = locks.of.find(name);
    if (it != locks.of.end() && !it->second.second.empty() && it->second.second > now) a.locked_until = it->second.second;
  } else {
    a.kind = LoginAttempt::Kind::kAccount;
    a.hash_to_check = u->password_hash;
    if (!u->locked_until.empty() && u->locked_until > now) a.locked_until = u->locked_until;
  }
  if (!a.locked_until.empty()) a.hash_to_check.clear();  // nothing to verify: refused as it is
  return a;
}

bool check_login_password(const LoginAttempt& attempt, const std::string& password) {
  if (attempt.hash_to_check.empty()) return false;
  return verify_password(attempt.hash_to_check, password) && attempt.kind == LoginAttempt::Kind::kAccount;
}

LoginResult finish_login(store::Store& store, const LoginAttempt& a, bool password_ok, const SessionSettings& settings) {
  LoginResult out;
  const std::string now = base::now_iso();
  const std::string& name = a.name;
  if (a.kind == LoginAttempt::Kind::kNotAName) {
    // Whatever an anonymous caller sends stays out of the append-only log: only its size.
    audit(store, "-", "login.failed", {{"reason", "not a user name"}, {"bytes", name.size()}});
    return out;
  }
  if (!a.locked_until.empty()) {
    out.outcome = LoginResult::Outcome::kLocked;
    out.locked_until = a.locked_until;
    audit(store, name, "login.refused", {{"reason", "locked"}, {"until", a.locked_until}});
    return out;
  }
  if (a.kind != LoginAttempt::Kind::kAccount) {
    // A name without an account locks like an account, so that a 429 does not tell it exists.
    NameLocks& locks = name_locks();
    std::lock_guard lock(locks.mu);
    auto& [failures, locked_until] = locks.of[name];
    if (++failures >= settings.max_failures) {
      locked_until = base::now_iso(settings.lock_s * (failures - settings.max_failures + 1));
      out.outcome = LoginResult::Outcome::kLocked;
      out.locked_until = locked_until;
    }
    audit(store, name, "login.failed",
          {{"reason", a.kind == LoginAttempt::Kind::kUnknown ? "unknown user" : "disabled"}, {"failures", failures}});
    if (locks.of.size() > kMaxNameLocks) locks.of.clear();  // a flood of names: forget, not grow
    return out;
  }
  // The password was checked outside the store's lock: the account is read again, and a check
  // against a hash that has changed since (a new password, a lock) does not count.
  auto u = store.user(name);
  if (!u || u->disabled || u->password_hash != a.hash_to_check) {
    audit(store, name, "login.failed", {{"reason", "the account changed during the check"}});
    return out;
  }
  if (!u->locked_until.empty() && u->locked_until > now) {
    out.outcome = LoginResult::Outcome::kLocked;
    out.locked_until = u->locked_until;
    audit(store, name, "login.refused", {{"reason", "locked"}, {"until", u->locked_until}});
    return out;
  }
  if (!password_ok) {
    ++u->failed_logins;
    if (u->failed_logins >= settings.max_failures) {
      u->locked_until = base::now_iso(settings.lock_s * (u->failed_logins - settings.max_failures + 1));
      out.outcome = LoginResult::Outcome::kLocked;
      out.locked_until = u->locked_until;
    }
    store.put_user(*u);
    audit(store, name, "login.failed", {{"reason", "wrong password"}, {"failures", u->failed_logins}});
    return out;
  }
  u->failed_logins = 0;
  u->locked_until.clear();
  store.put_user(*u);
  store.delete_sessions(now, "");  // expired ones, anyone's
  out.outcome = LoginResult::Outcome::kOk;
  out.token = random_hex(32);
  out.csrf = random_hex(32);
  out.user = *u;
  store.put_session({sha256_hex(out.token), name, out.csrf, now, base::now_iso(settings.lifetime_s)});
  audit(store, name, "login", nlohmann::json::object());
  return out;
}

LoginResult login(store::Store& store, const std::string& name, const std::string& password, const SessionSettings& settings) {
  LoginAttempt attempt = begin_login(store, name);
  return finish_login(store, attempt, check_login_password(attempt, password), settings);
}

std::optional<Session> find_session(store::Store& store, const std::string& token) {
  if (token.size() != 64) return std::nullopt;
  const std::string hash = sha256_hex(token);
  auto s = store.session(hash);
  if (!s || s->expires_at <= base::now_iso()) return std::nullopt;
  auto u = store.user(s->user);
  if (!u || u->disabled) return std::nullopt;
  auto role = parse_role(u->role);
  return Session{*u, role.value_or(Role::kViewer), s->csrf, hash};
}

void logout(store::Store& store, const Session& session) {
  store.delete_session(session.token_hash);
  audit(store, session.user.name, "logout", nlohmann::json::object());
}

}  // namespace hopnhat::admin
