// Session tokens: what a participant gets at login and presents on every request and WebSocket
// message (shared/DESIGN.md §4).
//
// Format: `v1.<base64url(payload)>.<base64url(signature)>`, no padding. The payload is compact
// JSON with short keys {"e","p","r","w","sv","iat","exp","kid"}; the Ed25519 signature covers
// the ASCII bytes `v1.<payload_b64>`.
//
// What verify() does NOT check, because it needs the request or the store: that the token's
// event is the event named in the URL, and that `session_version` still equals
// Store::session_version (a kick or removal bumps it, revoking older tokens). The server must
// check both on every request.
//
// Threading: a TokenSigner is immutable after construction; issue() and verify() may run
// concurrently on any threads. Key rotation builds a new signer and swaps it in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"
#include "domain/result.hpp"
#include "domain/role.hpp"
#include "store/store.hpp"

namespace onstage::auth {

// Longest token verify() reads. Ours are ~300 bytes; the cap bounds the work an attacker can
// make the JSON parser do before any signature has been checked.
inline constexpr std::size_t kMaxTokenBytes = 2048;

struct TokenClaims {
    std::string event_id;
    std::string participant_id;                  // for a public viewer: "viewer:" + random id
    domain::Role role = domain::Role::attendee;  // viewers: attendee role with `viewer = true`
    bool viewer = false;                         // watch-only public viewer (no hand raising)
    std::int64_t session_version = 0;            // Store::session_version at login; a bump revokes
    domain::TimeMs issued_at_ms = 0;
    domain::TimeMs expires_at_ms = 0;
    std::string key_id;  // filled in by the signer
    bool operator==(const TokenClaims&) const = default;
};

enum class TokenErrorCode { malformed, bad_signature, unknown_key, expired, viewer_only };

// "token_malformed", "token_bad_signature", "token_unknown_key", "token_expired",
// "token_viewer_only".
std::string_view to_string(TokenErrorCode code);

// Which tokens a caller accepts. Participant-only is the default so that a public viewer's token
// (anyone can get one for a public event) never passes where a participant must be signed in:
// the realtime WebSocket, commands, and later private HLS of non-public events.
enum class TokenAudience { participants, participants_and_viewers };

struct TokenError {
    TokenErrorCode code;
    std::string message;  // for logs; names no secret
};

// Holds the keyring's keys: signs with the active one, verifies with any (so rotation does not
// log everyone out).
class TokenSigner {
public:
    // Throws std::invalid_argument if no key (or more than one) is active, if two keys share an
    // id, or if a secret is not a valid 64-byte libsodium Ed25519 secret key (seed + public key).
    explicit TokenSigner(std::vector<store::SigningKey> keys);

    // Signs `claims` with the active key and sets their key_id. Throws std::invalid_argument for
    // claims no verifier would accept: an empty event or participant id, text that is not UTF-8, a
    // viewer that is not an attendee, or ids so long the token would exceed kMaxTokenBytes.
    std::string issue(TokenClaims claims) const;

    // Checks, in this order: shape and payload (malformed), key id (unknown_key), signature
    // (bad_signature), expiry: now_ms >= expires_at_ms is expired, then the audience: a viewer
    // token is viewer_only unless `audience` admits viewers. Never throws for any input;
    // libsodium compares signatures in constant time.
    Result<TokenClaims, TokenError> verify(
        std::string_view token, domain::TimeMs now_ms,
        TokenAudience audience = TokenAudience::participants) const;

    const std::string& active_key_id() const { return keys_[active_].key_id; }

private:
    static constexpr std::size_t kSecretKeyBytes = 64;  // crypto_sign_SECRETKEYBYTES
    static constexpr std::size_t kPublicKeyBytes = 32;  // crypto_sign_PUBLICKEYBYTES

    struct Key {
        std::string key_id;
        std::array<std::uint8_t, kSecretKeyBytes> secret{};
        std::array<std::uint8_t, kPublicKeyBytes> public_key{};
    };

    const Key* find_key(std::string_view key_id) const;

    std::vector<Key> keys_;
    std::size_t active_ = 0;
};

}  // namespace onstage::auth
