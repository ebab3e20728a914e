// The signing keyring on the real SQLite store: a new data dir gets one key, restarts keep it,
// and rotation never logs anyone out.
#include "auth/signing_keyring.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "auth/session_token.hpp"
#include "support/process.hpp"

namespace onstage::auth {
namespace {

using onstage::testing::TempDir;

constexpr domain::TimeMs kNow = 1'750'000'000'000;
constexpr domain::TimeMs kDay = 86'400'000;

TokenClaims claims_for(std::string participant_id) {
    TokenClaims claims;
    claims.event_id = "town-hall-k3m9qz";
    claims.participant_id = std::move(participant_id);
    claims.role = domain::Role::talent;
    claims.issued_at_ms = kNow;
    claims.expires_at_ms = kNow + kDay;
    return claims;
}

std::size_t active_count(const std::vector<store::SigningKey>& keys) {
    return static_cast<std::size_t>(
        std::count_if(keys.begin(), keys.end(), [](const auto& key) { return key.active; }));
}

TEST(SigningKeyring, FirstLoadCreatesOneActiveEd25519Key) {
    TempDir dir;
    auto store = store::open_sqlite_store(dir / "x.db");
    const auto keys = load_or_create_signing_keys(*store, kNow);
    ASSERT_EQ(keys.size(), 1U);
    EXPECT_TRUE(keys[0].active);
    EXPECT_EQ(keys[0].created_at_ms, kNow);
    EXPECT_EQ(keys[0].key_id.size(), kSigningKeyIdChars);
    EXPECT_EQ(keys[0].key_id.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz"),
              std::string::npos);
    EXPECT_EQ(keys[0].secret.size(), 64U);
    const TokenSigner signer(keys);  // would throw for a secret that is not an Ed25519 key
    EXPECT_TRUE(signer.verify(signer.issue(claims_for("p1")), kNow).ok());
}

TEST(SigningKeyring, LaterLoadsReturnTheSameKeyAcrossRestarts) {
    TempDir dir;
    std::vector<store::SigningKey> first;
    std::string token;
    {
        auto store = store::open_sqlite_store(dir / "x.db");
        first = load_or_create_signing_keys(*store, kNow);
        EXPECT_EQ(load_or_create_signing_keys(*store, kNow + 1), first);
        token = TokenSigner(first).issue(claims_for("p1"));
    }
    auto reopened = store::open_sqlite_store(dir / "x.db");
    const auto again = load_or_create_signing_keys(*reopened, kNow + kDay / 2);
    EXPECT_EQ(again, first);
    EXPECT_TRUE(TokenSigner(again).verify(token, kNow + 1).ok()) << "a restart logs nobody out";
}

TEST(SigningKeyring, RotationKeepsOldTokensValidAndSignsNewOnesWithTheNewKey) {
    TempDir dir;
    auto store = store::open_sqlite_store(dir / "x.db");
    const auto before = load_or_create_signing_keys(*store, kNow);
    const std::string old_token = TokenSigner(before).issue(claims_for("p1"));

    const auto after = rotate_signing_key(*store, kNow + 1000);
    ASSERT_EQ(after.size(), 2U);
    EXPECT_EQ(active_count(after), 1U);
    EXPECT_EQ(after[0].key_id, before[0].key_id);
    EXPECT_FALSE(after[0].active);
    EXPECT_TRUE(after[1].active);
    EXPECT_NE(after[1].key_id, before[0].key_id);
    EXPECT_EQ(after[1].created_at_ms, kNow + 1000);

    const TokenSigner signer(after);
    const auto old_claims = signer.verify(old_token, kNow + 2000);
    ASSERT_TRUE(old_claims.ok()) << old_claims.error().message;
    EXPECT_EQ(old_claims->key_id, before[0].key_id);
    const auto new_claims = signer.verify(signer.issue(claims_for("p2")), kNow + 2000);
    ASSERT_TRUE(new_claims.ok());
    EXPECT_EQ(new_claims->key_id, after[1].key_id);
}

TEST(SigningKeyring, RepeatedRotationsKeepDistinctKeysAndLoadCreatesNoMore) {
    TempDir dir;
    auto store = store::open_sqlite_store(dir / "x.db");
    (void)load_or_create_signing_keys(*store, kNow);
    (void)rotate_signing_key(*store, kNow + 1);
    const auto rotated = rotate_signing_key(*store, kNow + 2);
    ASSERT_EQ(rotated.size(), 3U);
    EXPECT_EQ(active_count(rotated), 1U);
    EXPECT_TRUE(rotated.back().active) << "the newest key signs";
    std::set<std::string> ids;
    std::set<std::vector<std::uint8_t>> secrets;
    for (const auto& key : rotated) {
        ids.insert(key.key_id);
        secrets.insert(key.secret);
    }
    EXPECT_EQ(ids.size(), 3U);
    EXPECT_EQ(secrets.size(), 3U);
    EXPECT_EQ(load_or_create_signing_keys(*store, kNow + 3), rotated);
}

}  // namespace
}  // namespace onstage::auth
