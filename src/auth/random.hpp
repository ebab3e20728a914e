// Identifiers and secrets from libsodium's CSPRNG. Safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::auth {

// Initialises libsodium once; every function here calls it, so callers need not.
void ensure_sodium();

void random_bytes(std::span<std::uint8_t> out);

// A random (version 4, RFC 4122) UUID in lower-case canonical form.
std::string uuid_v4();

// `count` UUIDv4s from one 256-bit seed expanded with ChaCha20 (libsodium's
// randombytes_buf_deterministic): as unpredictable as uuid_v4(), but one system call for a
// whole roster instead of one per person.
std::vector<std::string> uuid_v4_batch(std::size_t count);

// `chars` characters of lower-case Crockford base32 (no i, l, o, u): 5 bits each.
std::string random_base32(std::size_t chars);

// An event id: a readable slug of the name (ASCII letters and digits, dashes, at most 40
// characters; "event" if nothing readable is left) plus a dash and 6 random base32 characters.
std::string event_id_for(std::string_view name);

// The slug part alone, deterministic, for tests and previews.
std::string slugify(std::string_view name);

}  // namespace onstage::auth
