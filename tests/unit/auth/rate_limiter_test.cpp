// Login rate limiting with an injected clock: what a person (or an attacker) trying to log in
// would notice, and the memory bound that keeps a flood of keys from growing the server.
#include "auth/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace onstage::auth {
namespace {

constexpr domain::TimeMs kT0 = 1'750'000'000'000;

void fail_times(RateLimiter& limiter, std::string_view key, int count, domain::TimeMs at) {
    for (int i = 0; i < count; ++i) {
        limiter.record_failure(key, at);
    }
}

TEST(RateLimiter, AllowsAnUnknownKeyAndOneUnderTheLimit) {
    RateLimiter limiter;
    EXPECT_EQ(limiter.retry_after("p1", kT0), std::nullopt);
    fail_times(limiter, "p1", 4, kT0);
    EXPECT_EQ(limiter.retry_after("p1", kT0), std::nullopt);
}

TEST(RateLimiter, LocksAtTheLimitAndSaysHowLongToWait) {
    RateLimiter limiter;
    for (domain::TimeMs i = 0; i < 5; ++i) {
        limiter.record_failure("p1", kT0 + i * 1000);
    }
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 4000), 60'000);
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 34'000), 30'000);
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 63'999), 1);
}

TEST(RateLimiter, AllowsAgainWhenTheLockoutEndsWithAFreshBudget) {
    RateLimiter limiter;
    fail_times(limiter, "p1", 5, kT0);
    const domain::TimeMs end = kT0 + 60'000;
    EXPECT_EQ(limiter.retry_after("p1", end), std::nullopt);
    fail_times(limiter, "p1", 4, end);
    EXPECT_EQ(limiter.retry_after("p1", end), std::nullopt);
    limiter.record_failure("p1", end);
    EXPECT_EQ(limiter.retry_after("p1", end), 60'000);
}

TEST(RateLimiter, FailuresWhileLockedOutDoNotExtendTheLockout) {
    RateLimiter limiter;
    fail_times(limiter, "p1", 5, kT0);
    fail_times(limiter, "p1", 20, kT0 + 59'000);
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 59'000), 1000);
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 60'000), std::nullopt);
}

TEST(RateLimiter, FailuresOlderThanTheWindowDoNotCount) {
    RateLimiter limiter;
    fail_times(limiter, "inside", 4, kT0);
    limiter.record_failure("inside", kT0 + 59'999);
    EXPECT_EQ(limiter.retry_after("inside", kT0 + 59'999), 60'000);

    fail_times(limiter, "outside", 4, kT0);
    limiter.record_failure("outside", kT0 + 60'000);
    EXPECT_EQ(limiter.retry_after("outside", kT0 + 60'000), std::nullopt);
    // Only the latest failure is left in the window, so four more are needed to lock.
    fail_times(limiter, "outside", 3, kT0 + 60'001);
    EXPECT_EQ(limiter.retry_after("outside", kT0 + 60'001), std::nullopt);
    limiter.record_failure("outside", kT0 + 60'001);
    EXPECT_EQ(limiter.retry_after("outside", kT0 + 60'001), 60'000);
}

TEST(RateLimiter, SuccessForgetsTheFailures) {
    RateLimiter limiter;
    fail_times(limiter, "p1", 4, kT0);
    limiter.record_success("p1");
    EXPECT_EQ(limiter.tracked_keys(), 0U);
    fail_times(limiter, "p1", 4, kT0 + 1);
    EXPECT_EQ(limiter.retry_after("p1", kT0 + 1), std::nullopt);
    limiter.record_success("never-failed");
    EXPECT_EQ(limiter.tracked_keys(), 1U);
}

TEST(RateLimiter, KeysAreIndependent) {
    RateLimiter limiter;
    fail_times(limiter, "p1", 5, kT0);
    fail_times(limiter, "10.0.0.7", 4, kT0);
    EXPECT_TRUE(limiter.retry_after("p1", kT0).has_value());
    EXPECT_EQ(limiter.retry_after("10.0.0.7", kT0), std::nullopt);
    EXPECT_EQ(limiter.retry_after("p2", kT0), std::nullopt);
    limiter.record_success("10.0.0.7");
    EXPECT_EQ(limiter.retry_after("p1", kT0), 60'000);
}

TEST(RateLimiter, MemoryStaysBoundedAndTheStalestKeysAreForgotten) {
    RateLimiter limiter({.max_failures = 2, .max_keys = 100});
    for (int i = 0; i < 1000; ++i) {
        limiter.record_failure("key-" + std::to_string(i), kT0 + i);
        ASSERT_LE(limiter.tracked_keys(), 100U) << i;
    }
    EXPECT_EQ(limiter.tracked_keys(), 100U);
    const domain::TimeMs now = kT0 + 1000;
    // The 100 most recent keys still remember their failure: one more locks them out.
    for (int i = 900; i < 1000; ++i) {
        const std::string key = "key-" + std::to_string(i);
        limiter.record_failure(key, now);
        EXPECT_TRUE(limiter.retry_after(key, now).has_value()) << key;
    }
    // The older ones were forgotten: one more failure is their first.
    for (int i = 0; i < 900; i += 97) {
        const std::string key = "key-" + std::to_string(i);
        limiter.record_failure(key, now);
        EXPECT_EQ(limiter.retry_after(key, now), std::nullopt) << key;
    }
}

TEST(RateLimiter, AKeyThatKeepsFailingIsNotTheStalest) {
    RateLimiter limiter({.max_failures = 3, .max_keys = 10});
    limiter.record_failure("persistent", kT0);
    for (int i = 0; i < 9; ++i) {
        limiter.record_failure("other-" + std::to_string(i), kT0 + 1 + i);
    }
    limiter.record_failure("persistent", kT0 + 20);
    for (int i = 0; i < 8; ++i) {
        limiter.record_failure("newer-" + std::to_string(i), kT0 + 30 + i);
    }
    limiter.record_failure("persistent", kT0 + 40);
    EXPECT_EQ(limiter.retry_after("persistent", kT0 + 40), 60'000);
}

TEST(RateLimiter, IdleKeysAreDroppedAsNewFailuresArrive) {
    RateLimiter limiter;
    fail_times(limiter, "locked", 5, kT0);
    fail_times(limiter, "counting", 2, kT0);
    const domain::TimeMs later = kT0 + 60'000;
    limiter.record_failure("fresh", later);
    EXPECT_EQ(limiter.tracked_keys(), 1U);
    EXPECT_EQ(limiter.retry_after("locked", later), std::nullopt);
}

TEST(RateLimiter, RefusesAPolicyThatCouldNeverWork) {
    EXPECT_THROW(RateLimiter({.max_failures = 0}), std::invalid_argument);
    EXPECT_THROW(RateLimiter({.window_ms = 0}), std::invalid_argument);
    EXPECT_THROW(RateLimiter({.lockout_ms = -1}), std::invalid_argument);
    EXPECT_THROW(RateLimiter({.max_keys = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace onstage::auth
