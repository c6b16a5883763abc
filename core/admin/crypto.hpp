// The few cryptographic primitives the admin side needs, from libsodium (Debian): Argon2id
// password hashes, SHA-256 and HMAC-SHA256, random tokens, constant-time comparison. Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace hopnhat::admin {

/// Argon2id, encoded with its parameters and salt ("$argon2id$v=19$m=…").
std::string hash_password(std::string_view password);
bool verify_password(const std::string& encoded, std::string_view password);
std::string sha256_hex(std::string_view data);
/// HMAC-SHA256 of `data` under a 32-byte `key`, as lowercase hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
/// `bytes` random bytes as lowercase hex.
std::string random_hex(std::size_t bytes);
bool equal_constant_time(std::string_view a, std::string_view b);

}  // namespace hopnhat::admin
