#include "auth/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace onstage::auth {
namespace {

TEST(UuidV4, HasCanonicalFormVersionAndVariant) {
    const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    for (int i = 0; i < 200; ++i) {
        const std::string id = uuid_v4();
        EXPECT_TRUE(std::regex_match(id, form)) << id;
    }
}

TEST(UuidV4, TenThousandAreDistinct) {
    std::set<std::string> seen;
    for (int i = 0; i < 10'000; ++i) {
        seen.insert(uuid_v4());
    }
    EXPECT_EQ(seen.size(), 10'000U);
}

TEST(UuidV4Batch, GivesDistinctWellFormedIdsAndDiffersBetweenBatches) {
    const std::regex form("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    const auto first = uuid_v4_batch(5000);
    const auto second = uuid_v4_batch(5000);
    ASSERT_EQ(first.size(), 5000U);
    std::set<std::string> seen(first.begin(), first.end());
    seen.insert(second.begin(), second.end());
    EXPECT_EQ(seen.size(), 10'000U) << "a fresh seed per batch";
    for (const auto& id : first) {
        ASSERT_TRUE(std::regex_match(id, form)) << id;
    }
    EXPECT_TRUE(uuid_v4_batch(0).empty());
}

TEST(RandomBase32, UsesOnlyTheCrockfordAlphabet) {
    const std::string s = random_base32(4000);
    ASSERT_EQ(s.size(), 4000U);
    EXPECT_EQ(s.find_first_not_of("0123456789abcdefghjkmnpqrstvwxyz"), std::string::npos);
    // Every one of the 32 symbols shows up in 4000 draws unless the generator is broken.
    EXPECT_EQ(std::set<char>(s.begin(), s.end()).size(), 32U);
}

TEST(Slugify, KeepsWordsLowerCasedAndJoinedByDashes) {
    EXPECT_EQ(slugify("Town hall"), "town-hall");
    EXPECT_EQ(slugify("  Q3 All-Hands: Ask us anything!  "), "q3-all-hands-ask-us-anything");
    EXPECT_EQ(slugify("Café Ünïcode 2026"), "caf-ncode-2026");
}

TEST(Slugify, FallsBackToEventWhenNothingReadableRemains) {
    EXPECT_EQ(slugify("漢字のイベント"), "event");
    EXPECT_EQ(slugify("!!!"), "event");
    EXPECT_EQ(slugify(""), "event");
}

TEST(Slugify, IsAtMostFortyCharacters) {
    EXPECT_EQ(slugify(std::string(100, 'a')).size(), 40U);
}

TEST(EventIdFor, IsTheSlugPlusARandomSuffix) {
    const std::string a = event_id_for("Town hall");
    const std::string b = event_id_for("Town hall");
    EXPECT_TRUE(std::regex_match(a, std::regex("^town-hall-[0-9a-hjkmnp-tv-z]{6}$"))) << a;
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace onstage::auth
