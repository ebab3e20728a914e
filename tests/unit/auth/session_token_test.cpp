// Session tokens as the server sees them: what a signer issues verifies back to the same claims,
// and nothing an attacker can change or invent is ever accepted.
#include "auth/session_token.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/random.hpp"

namespace onstage::auth {
namespace {

using domain::Role;

constexpr domain::TimeMs kNow = 1'750'000'000'000;
constexpr domain::TimeMs kHour = 3'600'000;

store::SigningKey make_key(std::string key_id, bool active) {
    ensure_sodium();
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> public_key{};
    std::vector<std::uint8_t> secret(crypto_sign_SECRETKEYBYTES);
    crypto_sign_keypair(public_key.data(), secret.data());
    return store::SigningKey{std::move(key_id), std::move(secret), kNow, active};
}

TokenClaims sample_claims(Role role = Role::moderator) {
    TokenClaims claims;
    claims.event_id = "town-hall-k3m9qz";
    claims.participant_id = "0b7e6a1c-3f5d-4e2a-9c8b-7d6e5f4a3b2c";
    claims.role = role;
    claims.session_version = 3;
    claims.issued_at_ms = kNow;
    claims.expires_at_ms = kNow + kHour;
    return claims;
}

// Signs arbitrary payload text the way issue() would, so tests can check that verify() judges
// the payload itself and not only the signature.
std::string sign_raw(std::string_view payload, const store::SigningKey& key) {
    const std::string signed_text = "v1." + base64url_encode(payload);
    std::array<std::uint8_t, crypto_sign_BYTES> signature{};
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(signed_text.data()),
                         signed_text.size(), key.secret.data());
    return signed_text + "." + base64url_encode(signature);
}

std::vector<std::string> split(const std::string& token) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t dot = token.find('.'); dot != std::string::npos;
         dot = token.find('.', start)) {
        parts.push_back(token.substr(start, dot - start));
        start = dot + 1;
    }
    parts.push_back(token.substr(start));
    return parts;
}

class SessionToken : public ::testing::Test {
protected:
    store::SigningKey key_ = make_key("k1k1k1k1", true);
    TokenSigner signer_{{key_}};

    TokenErrorCode error_of(std::string_view token, domain::TimeMs now = kNow) const {
        const auto result = signer_.verify(token, now);
        EXPECT_FALSE(result.ok()) << "accepted: " << token;
        return result.ok() ? TokenErrorCode::expired : result.error().code;
    }
};

TEST_F(SessionToken, RoundTripsEveryFieldForEveryRole) {
    for (Role role : {Role::attendee, Role::moderator, Role::talent}) {
        TokenClaims claims = sample_claims(role);
        claims.session_version = 7 + static_cast<int>(role);
        const auto verified = signer_.verify(signer_.issue(claims), kNow);
        ASSERT_TRUE(verified.ok()) << verified.error().message;
        claims.key_id = "k1k1k1k1";
        EXPECT_EQ(*verified, claims) << to_string(role);
    }
}

TEST_F(SessionToken, ViewerFlagRoundTripsAndIsNotGrantedByDefault) {
    TokenClaims viewer = sample_claims(Role::attendee);
    viewer.participant_id = "viewer:" + random_base32(16);
    viewer.viewer = true;
    const std::string token = signer_.issue(viewer);
    const auto as_viewer = signer_.verify(token, kNow, TokenAudience::participants_and_viewers);
    ASSERT_TRUE(as_viewer.ok());
    EXPECT_TRUE(as_viewer->viewer);
    EXPECT_EQ(as_viewer->participant_id, viewer.participant_id);

    // Where a participant must be signed in (the default), a viewer's token is refused.
    const auto as_participant = signer_.verify(token, kNow);
    ASSERT_FALSE(as_participant.ok());
    EXPECT_EQ(as_participant.error().code, TokenErrorCode::viewer_only);

    const auto as_attendee = signer_.verify(signer_.issue(sample_claims(Role::attendee)), kNow);
    ASSERT_TRUE(as_attendee.ok());
    EXPECT_FALSE(as_attendee->viewer);
}

TEST_F(SessionToken, HasTheDocumentedShape) {
    const std::string token = signer_.issue(sample_claims());
    EXPECT_LE(token.size(), kMaxTokenBytes);
    const auto parts = split(token);
    ASSERT_EQ(parts.size(), 3U);
    EXPECT_EQ(parts[0], "v1");
    EXPECT_EQ(token.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789-_."),
              std::string::npos);
    const auto payload = base64url_decode(parts[1]);
    ASSERT_TRUE(payload.has_value());
    const std::string json(payload->begin(), payload->end());
    EXPECT_NE(json.find(R"("r":"moderator")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("kid":"k1k1k1k1")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("sv":3)"), std::string::npos) << json;
    EXPECT_EQ(json.find(' '), std::string::npos) << "compact JSON: " << json;
    EXPECT_EQ(base64url_decode(parts[2])->size(), std::size_t{crypto_sign_BYTES});
}

TEST_F(SessionToken, ExpiresAtExactlyTheExpiryTime) {
    const TokenClaims claims = sample_claims();
    const std::string token = signer_.issue(claims);
    EXPECT_TRUE(signer_.verify(token, claims.expires_at_ms - 1).ok());
    EXPECT_EQ(error_of(token, claims.expires_at_ms), TokenErrorCode::expired);
    EXPECT_EQ(error_of(token, claims.expires_at_ms + kHour), TokenErrorCode::expired);
}

TEST_F(SessionToken, NoSingleBitFlipAnywhereIsAccepted) {
    const std::string token = signer_.issue(sample_claims(Role::attendee));
    for (std::size_t i = 0; i < token.size(); ++i) {
        for (unsigned bit = 0; bit < 8; ++bit) {
            std::string tampered = token;
            tampered[i] = static_cast<char>(static_cast<unsigned char>(tampered[i]) ^ (1U << bit));
            const auto result = signer_.verify(tampered, kNow);
            ASSERT_FALSE(result.ok()) << "byte " << i << " bit " << bit;
            // A flip inside the key id can name a key we do not have; it can never pass as a
            // genuine token that merely expired.
            EXPECT_NE(result.error().code, TokenErrorCode::expired) << "byte " << i;
        }
    }
}

TEST_F(SessionToken, NoOtherSpellingOfTheSignatureIsAccepted) {
    // 64 signature bytes leave 4 spare bits in the last base64url symbol; a lenient decoder
    // would accept 15 altered tokens carrying the same signature.
    const std::string token = signer_.issue(sample_claims());
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int accepted = 0;
    for (char c : alphabet) {
        std::string variant = token;
        variant.back() = c;
        accepted += signer_.verify(variant, kNow).ok() ? 1 : 0;
    }
    EXPECT_EQ(accepted, 1);
}

TEST_F(SessionToken, NoTruncationIsAccepted) {
    const std::string token = signer_.issue(sample_claims());
    for (std::size_t len = 0; len < token.size(); ++len) {
        ASSERT_FALSE(signer_.verify(token.substr(0, len), kNow).ok()) << len;
    }
}

TEST_F(SessionToken, ElevatedClaimsSignedByAnotherKeyUnderOurKeyIdAreBadSignature) {
    const store::SigningKey impostor = make_key("k1k1k1k1", true);
    const std::string forged = TokenSigner({impostor}).issue(sample_claims(Role::moderator));
    EXPECT_EQ(error_of(forged), TokenErrorCode::bad_signature);

    // Same, with an attendee's genuine payload edited into a moderator's.
    const auto parts = split(signer_.issue(sample_claims(Role::attendee)));
    const auto payload = base64url_decode(parts[1]);
    std::string json(payload->begin(), payload->end());
    json.replace(json.find("attendee"), 8, "moderator");
    EXPECT_EQ(error_of(sign_raw(json, impostor)), TokenErrorCode::bad_signature);
    EXPECT_EQ(error_of("v1." + base64url_encode(json) + "." + parts[2]),
              TokenErrorCode::bad_signature);
}

TEST_F(SessionToken, KeyIdOutsideTheKeyringIsUnknownKey) {
    const std::string token = TokenSigner({make_key("zzzzzzzz", true)}).issue(sample_claims());
    EXPECT_EQ(error_of(token), TokenErrorCode::unknown_key);
}

TEST_F(SessionToken, GarbageIsMalformed) {
    const std::string good = signer_.issue(sample_claims());
    const auto parts = split(good);
    const std::vector<std::string> garbage = {
        "",
        "v1..",
        "v1.",
        "..",
        ".",
        "v1",
        std::string(1 << 20, 'a'),
        "v1." + std::string(kMaxTokenBytes, 'A') + "." + parts[2],
        "v2." + parts[1] + "." + parts[2],
        "V1." + parts[1] + "." + parts[2],
        "v1." + parts[1] + "." + parts[2] + ".",
        "v1." + parts[1] + "." + parts[2] + "." + parts[2],
        "." + good,
        "v1.." + parts[1] + "." + parts[2],
        "v1." + parts[1] + "==." + parts[2],
        "v1." + parts[1] + "." + parts[2] + "==",
        "v1.!!!!." + parts[2],
        "v1." + parts[1] + ".%%%%",
        "v1." + parts[1] + "." + parts[2].substr(0, 40),
        "v1." + parts[1] + "." + parts[2] + "AAAA",
        good + " ",
        " " + good,
        "v1." + base64url_encode(std::string_view("not json at all")) + "." + parts[2],
        "v1." + base64url_encode(std::string_view("\xff\xfe\x00\x01", 4)) + "." + parts[2],
    };
    for (const auto& token : garbage) {
        EXPECT_EQ(error_of(token), TokenErrorCode::malformed) << token.substr(0, 200);
    }
}

TEST_F(SessionToken, ValidlySignedPayloadsWithWrongFieldsAreMalformed) {
    const std::string base = R"("e":"ev","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,)";
    const std::string tail = R"("exp":99999999999999,"kid":"k1k1k1k1")";
    ASSERT_TRUE(signer_.verify(sign_raw("{" + base + tail + "}", key_), kNow).ok());
    const std::vector<std::string> payloads = {
        "null",
        "[]",
        "42",
        R"("text")",
        "{}",
        "{" + base + tail,
        "{" + base + tail + R"(,"extra":1})",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,"kid":"k1k1k1k1"})",
        R"({"e":1,"p":"pa","r":"attendee","w":false,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":null,"r":"attendee","w":false,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"admin","w":false,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":0,"w":false,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"attendee","w":"false","sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"attendee","w":0,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":"1","iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":1.5,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,"exp":1e300,"kid":"k1k1k1k1"})",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,"exp":18446744073709551615,"kid":"k1k1k1k1"})",
        R"({"e":"ev","p":"pa","r":"attendee","w":false,"sv":1,"iat":1,"exp":99999999999999,"kid":7})",
        R"({"e":"ev","p":"pa","r":"moderator","w":true,"sv":1,"iat":1,)" + tail + "}",
        R"({"e":"ev","p":"p\ud800","r":"attendee","w":false,"sv":1,"iat":1,)" + tail + "}",
        "{" + base + tail + "}" + "{}",
    };
    for (const auto& payload : payloads) {
        EXPECT_EQ(error_of(sign_raw(payload, key_)), TokenErrorCode::malformed) << payload;
    }
}

TEST_F(SessionToken, OversizedButGenuineTokensAreRefusedOnBothSides) {
    TokenClaims claims = sample_claims();
    claims.participant_id = std::string(kMaxTokenBytes, 'x');
    EXPECT_THROW((void)signer_.issue(claims), std::invalid_argument);
    const std::string payload = R"({"e":"ev","p":")" + claims.participant_id +
                                R"(","r":"attendee","w":false,"sv":1,"iat":1,)" +
                                R"("exp":99999999999999,"kid":"k1k1k1k1"})";
    EXPECT_EQ(error_of(sign_raw(payload, key_)), TokenErrorCode::malformed);
}

TEST_F(SessionToken, IssueRefusesClaimsNoVerifierWouldAccept) {
    TokenClaims no_event = sample_claims();
    no_event.event_id.clear();
    EXPECT_THROW((void)signer_.issue(no_event), std::invalid_argument);
    TokenClaims moderator_viewer = sample_claims(Role::moderator);
    moderator_viewer.viewer = true;
    EXPECT_THROW((void)signer_.issue(moderator_viewer), std::invalid_argument);
    TokenClaims bad_utf8 = sample_claims();
    bad_utf8.participant_id = "\xff\xfe";
    EXPECT_THROW((void)signer_.issue(bad_utf8), std::invalid_argument);
}

TEST(TokenSignerKeys, TokensOfARotatedOutKeyStillVerify) {
    store::SigningKey old_key = make_key("oldoldol", true);
    const std::string old_token = TokenSigner({old_key}).issue(sample_claims());
    old_key.active = false;
    const TokenSigner rotated({old_key, make_key("newnewne", true)});

    const auto verified = rotated.verify(old_token, kNow);
    ASSERT_TRUE(verified.ok()) << verified.error().message;
    EXPECT_EQ(verified->key_id, "oldoldol");
    const auto fresh = rotated.verify(rotated.issue(sample_claims()), kNow);
    ASSERT_TRUE(fresh.ok());
    EXPECT_EQ(fresh->key_id, "newnewne");
    EXPECT_EQ(rotated.active_key_id(), "newnewne");
}

TEST(TokenSignerKeys, RefusesAKeyringItCannotSignWith) {
    EXPECT_THROW(TokenSigner({}), std::invalid_argument);
    EXPECT_THROW(TokenSigner({make_key("aaaaaaaa", false)}), std::invalid_argument);
    EXPECT_THROW(TokenSigner({make_key("aaaaaaaa", true), make_key("bbbbbbbb", true)}),
                 std::invalid_argument);
    EXPECT_THROW(TokenSigner({make_key("aaaaaaaa", false), make_key("aaaaaaaa", true)}),
                 std::invalid_argument);
    EXPECT_THROW(TokenSigner({make_key("", true)}), std::invalid_argument);

    store::SigningKey short_key = make_key("aaaaaaaa", true);
    short_key.secret.resize(32);
    EXPECT_THROW(TokenSigner({short_key}), std::invalid_argument);
    store::SigningKey corrupt = make_key("aaaaaaaa", true);
    corrupt.secret[40] ^= 0x01U;  // the public half no longer matches the seed
    EXPECT_THROW(TokenSigner({corrupt}), std::invalid_argument);
}

TEST(TokenErrorCodes, HaveStableNames) {
    EXPECT_EQ(to_string(TokenErrorCode::malformed), "token_malformed");
    EXPECT_EQ(to_string(TokenErrorCode::bad_signature), "token_bad_signature");
    EXPECT_EQ(to_string(TokenErrorCode::unknown_key), "token_unknown_key");
    EXPECT_EQ(to_string(TokenErrorCode::expired), "token_expired");
    EXPECT_EQ(to_string(TokenErrorCode::viewer_only), "token_viewer_only");
}

TEST(Base64Url, RoundTripsEveryLengthAndRejectsOtherAlphabetsAndPadding) {
    for (std::size_t len = 0; len < 70; ++len) {
        std::vector<std::uint8_t> bytes(len);
        random_bytes(bytes);
        const std::string text = base64url_encode(bytes);
        EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
        EXPECT_EQ(base64url_decode(text), bytes) << len;
    }
    EXPECT_EQ(base64url_encode(std::string_view("\xfb\xff", 2)), "-_8");
    EXPECT_FALSE(base64url_decode("+/8").has_value());
    EXPECT_FALSE(base64url_decode("-_8=").has_value());
    EXPECT_FALSE(base64url_decode("-_9").has_value()) << "non-zero spare bits";
    EXPECT_FALSE(base64url_decode("AAAAA").has_value()) << "a dangling symbol";
    EXPECT_FALSE(base64url_decode("AA AA").has_value());
    // Exactly the 64 symbols decode; libsodium 1.0.18 also took every byte >= 0x80.
    int accepted = 0;
    for (int byte = 0; byte < 256; ++byte) {
        const std::string text = std::string(1, static_cast<char>(byte)) + "AAA";
        accepted += base64url_decode(text).has_value() ? 1 : 0;
    }
    EXPECT_EQ(accepted, 64);
}

}  // namespace
}  // namespace onstage::auth
