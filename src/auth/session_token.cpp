#include "auth/session_token.hpp"

#include <sodium.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <utility>

#include "auth/base64url.hpp"
#include "auth/random.hpp"

namespace onstage::auth {
namespace {

using nlohmann::json;

constexpr std::string_view kVersion = "v1";
constexpr std::size_t kSignatureBytes = crypto_sign_BYTES;
// Exactly the fields issue() writes; anything else is not a token we made.
constexpr std::size_t kPayloadFields = 8;

Failure<TokenError> token_error(TokenErrorCode code, std::string message) {
    return fail(TokenError{code, std::move(message)});
}

Failure<TokenError> malformed(std::string message) {
    return token_error(TokenErrorCode::malformed, std::move(message));
}

std::span<const std::uint8_t> as_bytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::optional<std::string> read_string(const json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end() || !it->is_string()) {
        return std::nullopt;
    }
    auto value = it->get<std::string>();
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

std::optional<std::int64_t> read_int(const json& payload, const char* name) {
    const auto it = payload.find(name);
    if (it == payload.end()) {
        return std::nullopt;
    }
    // nlohmann keeps non-negative integers as unsigned; anything past int64 is not ours.
    if (it->is_number_unsigned()) {
        const auto value = it->get<std::uint64_t>();
        if (value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            return std::nullopt;
        }
        return static_cast<std::int64_t>(value);
    }
    if (it->is_number_integer()) {
        return it->get<std::int64_t>();
    }
    return std::nullopt;
}

Result<TokenClaims, TokenError> claims_from_payload(std::span<const std::uint8_t> bytes) {
    const json payload = json::parse(bytes.begin(), bytes.end(), nullptr, false);
    if (payload.is_discarded() || !payload.is_object()) {
        return malformed("token payload is not a JSON object");
    }
    if (payload.size() != kPayloadFields) {
        return malformed("token payload has missing or unexpected fields");
    }
    TokenClaims claims;
    auto event_id = read_string(payload, "e");
    auto participant_id = read_string(payload, "p");
    auto key_id = read_string(payload, "kid");
    const auto role_name = read_string(payload, "r");
    if (!event_id || !participant_id || !key_id || !role_name) {
        return malformed("token payload lacks a required text field");
    }
    const auto role = domain::role_from_string(*role_name);
    if (!role) {
        return malformed("token payload names an unknown role");
    }
    const auto viewer = payload.find("w");
    if (viewer == payload.end() || !viewer->is_boolean()) {
        return malformed("token payload lacks the viewer flag");
    }
    const auto session_version = read_int(payload, "sv");
    const auto issued_at = read_int(payload, "iat");
    const auto expires_at = read_int(payload, "exp");
    if (!session_version || !issued_at || !expires_at) {
        return malformed("token payload lacks a required integer field");
    }
    claims.event_id = std::move(*event_id);
    claims.participant_id = std::move(*participant_id);
    claims.role = *role;
    claims.viewer = viewer->get<bool>();
    claims.session_version = *session_version;
    claims.issued_at_ms = *issued_at;
    claims.expires_at_ms = *expires_at;
    claims.key_id = std::move(*key_id);
    if (claims.viewer && claims.role != domain::Role::attendee) {
        return malformed("token payload marks a non-attendee as viewer");
    }
    return claims;
}

struct TokenParts {
    std::string_view signed_text;  // "v1.<payload_b64>"
    std::string_view payload_b64;
    std::string_view signature_b64;
};

std::optional<TokenParts> split_token(std::string_view token) {
    const auto first = token.find('.');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    if (token.substr(0, first) != kVersion) {
        return std::nullopt;
    }
    return TokenParts{token.substr(0, second), token.substr(first + 1, second - first - 1),
                      token.substr(second + 1)};
}

}  // namespace

std::string_view to_string(TokenErrorCode code) {
    switch (code) {
    case TokenErrorCode::malformed:
        return "token_malformed";
    case TokenErrorCode::bad_signature:
        return "token_bad_signature";
    case TokenErrorCode::unknown_key:
        return "token_unknown_key";
    case TokenErrorCode::expired:
        return "token_expired";
    case TokenErrorCode::viewer_only:
        return "token_viewer_only";
    }
    return "token_malformed";
}

TokenSigner::TokenSigner(std::vector<store::SigningKey> keys) {
    static_assert(kSecretKeyBytes == crypto_sign_SECRETKEYBYTES);
    static_assert(kPublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
    ensure_sodium();
    std::size_t active_count = 0;
    for (auto& source : keys) {
        if (source.key_id.empty() || find_key(source.key_id) != nullptr) {
            throw std::invalid_argument("signing key ids must be non-empty and distinct");
        }
        if (source.secret.size() != kSecretKeyBytes) {
            throw std::invalid_argument("signing key " + source.key_id +
                                        " is not a 64-byte Ed25519 secret key");
        }
        Key key;
        key.key_id = source.key_id;
        std::copy(source.secret.begin(), source.secret.end(), key.secret.begin());
        // A libsodium secret key is seed || public key; re-deriving the public half from the
        // seed catches a truncated or corrupted secret before it signs tokens nobody can verify.
        std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
        std::array<std::uint8_t, kSecretKeyBytes> derived{};
        crypto_sign_ed25519_sk_to_seed(seed.data(), key.secret.data());
        crypto_sign_seed_keypair(key.public_key.data(), derived.data(), seed.data());
        const bool consistent =
            sodium_memcmp(derived.data(), key.secret.data(), derived.size()) == 0;
        sodium_memzero(seed.data(), seed.size());
        sodium_memzero(derived.data(), derived.size());
        if (!consistent) {
            throw std::invalid_argument("signing key " + source.key_id +
                                        " is not a valid Ed25519 secret key");
        }
        if (source.active) {
            ++active_count;
            active_ = keys_.size();
        }
        keys_.push_back(std::move(key));
    }
    if (active_count != 1) {
        throw std::invalid_argument("exactly one signing key must be active, found " +
                                    std::to_string(active_count));
    }
}

const TokenSigner::Key* TokenSigner::find_key(std::string_view key_id) const {
    const auto it = std::find_if(keys_.begin(), keys_.end(),
                                 [&](const Key& key) { return key.key_id == key_id; });
    return it == keys_.end() ? nullptr : &*it;
}

std::string TokenSigner::issue(TokenClaims claims) const {
    if (claims.event_id.empty() || claims.participant_id.empty()) {
        throw std::invalid_argument("a token needs an event id and a participant id");
    }
    if (claims.viewer && claims.role != domain::Role::attendee) {
        throw std::invalid_argument("only attendees can hold viewer tokens");
    }
    const Key& key = keys_[active_];
    claims.key_id = key.key_id;
    const json payload = {{"e", claims.event_id},
                          {"p", claims.participant_id},
                          {"r", domain::to_string(claims.role)},
                          {"w", claims.viewer},
                          {"sv", claims.session_version},
                          {"iat", claims.issued_at_ms},
                          {"exp", claims.expires_at_ms},
                          {"kid", claims.key_id}};
    std::string payload_text;
    try {
        payload_text = payload.dump();
    } catch (const json::type_error&) {
        throw std::invalid_argument("token claims are not valid UTF-8");
    }
    std::string token = std::string(kVersion) + "." + base64url_encode(payload_text);
    std::array<std::uint8_t, kSignatureBytes> signature{};
    const auto message = as_bytes(token);
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         key.secret.data());
    token += ".";
    token += base64url_encode(signature);
    if (token.size() > kMaxTokenBytes) {
        throw std::invalid_argument("token claims too long: " + std::to_string(token.size()) +
                                    " bytes");
    }
    return token;
}

Result<TokenClaims, TokenError> TokenSigner::verify(std::string_view token, domain::TimeMs now_ms,
                                                    TokenAudience audience) const {
    if (token.size() > kMaxTokenBytes) {
        return malformed("token longer than " + std::to_string(kMaxTokenBytes) + " bytes");
    }
    const auto parts = split_token(token);
    if (!parts) {
        return malformed("token is not v1.<payload>.<signature>");
    }
    const auto payload = base64url_decode(parts->payload_b64);
    const auto signature = base64url_decode(parts->signature_b64);
    if (!payload || !signature || signature->size() != kSignatureBytes) {
        return malformed("token parts are not valid base64url");
    }
    auto claims = claims_from_payload(*payload);
    if (!claims) {
        return claims;
    }
    const Key* key = find_key(claims->key_id);
    if (key == nullptr) {
        return token_error(TokenErrorCode::unknown_key, "token signed by an unknown key");
    }
    const auto message = as_bytes(parts->signed_text);
    if (crypto_sign_verify_detached(signature->data(), message.data(), message.size(),
                                    key->public_key.data()) != 0) {
        return token_error(TokenErrorCode::bad_signature, "token signature does not match");
    }
    if (now_ms >= claims->expires_at_ms) {
        return token_error(TokenErrorCode::expired, "token expired");
    }
    if (claims->viewer && audience != TokenAudience::participants_and_viewers) {
        return token_error(TokenErrorCode::viewer_only,
                           "a public viewer's token cannot sign a participant in");
    }
    return claims;
}

}  // namespace onstage::auth
