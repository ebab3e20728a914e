// Access keys for moderators and talent: generated once, shown once, stored only as Argon2id
// hashes. Hashing is deliberately slow (tens of ms); call it off I/O threads.
#pragma once

#include <string>
#include <string_view>

namespace onstage::auth {

// Argon2id cost, chosen so one interactive login stays under ~100 ms on a 2-core server while
// each guess costs an attacker the same (RFC 9106 / OWASP's 19 MiB, t=2, p=1 profile). The key
// itself has 140 bits of entropy, so the hash guards a leaked database, not a weak secret.
inline constexpr unsigned long long kArgon2OpsLimit = 2;
inline constexpr std::size_t kArgon2MemLimitBytes = std::size_t{19} * 1024 * 1024;

// 28 random Crockford base32 characters (140 bits) in groups of four: "k3m9-qzx8-…".
std::string generate_access_key();

// Canonical form of what a person typed: lower case, dashes and spaces removed, and the
// letters Crockford base32 never uses read as the digits they look like (o→0, i/l→1).
std::string normalize_access_key(std::string_view typed);

// libsodium crypto_pwhash_str encoding ("$argon2id$v=19$m=…"), over the normalized key.
std::string hash_access_key(std::string_view key);

// Constant-time check of a typed key against a stored hash; false for a malformed hash.
bool verify_access_key(std::string_view stored_hash, std::string_view typed);

}  // namespace onstage::auth
