#include "auth/access_key.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace onstage::auth {
namespace {

TEST(AccessKey, HasAtLeast128BitsInReadableGroups) {
    const std::string key = generate_access_key();
    // 28 symbols of 5 bits = 140 bits, shown as 7 groups of 4.
    EXPECT_TRUE(
        std::regex_match(key, std::regex("^([0-9a-hjkmnp-tv-z]{4}-){6}[0-9a-hjkmnp-tv-z]{4}$")))
        << key;
    EXPECT_NE(generate_access_key(), key);
}

TEST(AccessKey, HashIsArgon2idAndNeverContainsTheKey) {
    const std::string key = generate_access_key();
    const std::string hash = hash_access_key(key);
    EXPECT_EQ(hash.rfind("$argon2id$", 0), 0U) << hash;
    EXPECT_EQ(hash.find(normalize_access_key(key)), std::string::npos);
    EXPECT_NE(hash_access_key(key), hash) << "each hash must have its own salt";
}

TEST(AccessKey, VerifiesTheKeyAsPeopleTypeIt) {
    const std::string key = generate_access_key();
    const std::string hash = hash_access_key(key);
    EXPECT_TRUE(verify_access_key(hash, key));
    std::string shouted;
    for (char c : key) {
        shouted.push_back(c == '-' ? ' ' : static_cast<char>(std::toupper(c)));
    }
    EXPECT_TRUE(verify_access_key(hash, shouted)) << "upper case, spaces instead of dashes";
}

TEST(AccessKey, ReadsLookAlikeLettersAsDigits) {
    EXPECT_EQ(normalize_access_key("O0-Il-1"), "00111");
    const std::string hash = hash_access_key("a0b1-c1d0");
    EXPECT_TRUE(verify_access_key(hash, "AOB1-CLDO"));
}

TEST(AccessKey, RejectsWrongKeysAndMalformedHashes) {
    const std::string hash = hash_access_key(generate_access_key());
    EXPECT_FALSE(verify_access_key(hash, generate_access_key()));
    EXPECT_FALSE(verify_access_key(hash, ""));
    EXPECT_FALSE(verify_access_key("", "anything"));
    EXPECT_FALSE(verify_access_key("$argon2id$garbage", "anything"));
    EXPECT_FALSE(verify_access_key(std::string(500, 'x'), "anything"));
}

}  // namespace
}  // namespace onstage::auth
