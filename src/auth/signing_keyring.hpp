// The token-signing keyring: Ed25519 keys kept in the store (so in the data dir), exactly one
// of them active. Rotation adds a key and leaves the old ones verifying, so nobody is logged
// out; build a new TokenSigner from the returned keys and swap it in.
//
// Threading: these functions use the store, so they run wherever the store is used (its own
// executor in the server), never on an I/O thread.
#pragma once

#include <cstddef>
#include <vector>

#include "domain/event.hpp"
#include "store/store.hpp"

namespace onstage::auth {

// Key ids are this many random Crockford base32 characters (40 bits): short in every token, and
// only ever compared among the few keys of one installation.
inline constexpr std::size_t kSigningKeyIdChars = 8;

// Loads the signing keys from the store, creating a first Ed25519 key if none is active (a new
// data dir). Returns all keys, oldest first.
std::vector<store::SigningKey> load_or_create_signing_keys(store::Store& store,
                                                           domain::TimeMs now_ms);

// Adds a new active key (the old ones keep verifying). Returns all keys, oldest first.
std::vector<store::SigningKey> rotate_signing_key(store::Store& store, domain::TimeMs now_ms);

}  // namespace onstage::auth
