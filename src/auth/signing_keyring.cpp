#include "auth/signing_keyring.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string>

#include "auth/random.hpp"

namespace onstage::auth {
namespace {

bool has_key_id(const std::vector<store::SigningKey>& keys, const std::string& key_id) {
    return std::any_of(keys.begin(), keys.end(),
                       [&](const store::SigningKey& key) { return key.key_id == key_id; });
}

// Adds a fresh active key to the store; the store deactivates the others in the same
// transaction.
void add_active_key(store::Store& store, const std::vector<store::SigningKey>& existing,
                    domain::TimeMs now_ms) {
    ensure_sodium();
    store::SigningKey key;
    // 40 random bits collide only among millions of keys, but a retry costs nothing.
    do {
        key.key_id = random_base32(kSigningKeyIdChars);
    } while (has_key_id(existing, key.key_id));
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> secret{};
    crypto_sign_keypair(public_key.data(), secret.data());
    key.secret.assign(secret.begin(), secret.end());
    sodium_memzero(secret.data(), secret.size());
    key.created_at_ms = now_ms;
    key.active = true;
    store.put_signing_key(key);
}

}  // namespace

std::vector<store::SigningKey> load_or_create_signing_keys(store::Store& store,
                                                           domain::TimeMs now_ms) {
    auto keys = store.signing_keys();
    const bool has_active = std::any_of(keys.begin(), keys.end(),
                                        [](const store::SigningKey& key) { return key.active; });
    if (has_active) {
        return keys;
    }
    add_active_key(store, keys, now_ms);
    return store.signing_keys();
}

std::vector<store::SigningKey> rotate_signing_key(store::Store& store, domain::TimeMs now_ms) {
    add_active_key(store, store.signing_keys(), now_ms);
    return store.signing_keys();
}

}  // namespace onstage::auth
