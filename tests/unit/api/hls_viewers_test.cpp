// Counting the HLS audience: distinct players in the last 15 s, each once however often it
// polls, per event.
#include "api/hls_viewers.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace onstage::api {
namespace {

constexpr domain::TimeMs kT0 = 1'750'000'000'000;

TEST(HlsViewers, CountsEachPlayerOnceWithinTheWindow) {
    HlsViewers v;
    const auto a = HlsViewers::viewer_key("10.0.0.1", "Safari", "");
    const auto b = HlsViewers::viewer_key("10.0.0.1", "Firefox", "");
    for (int i = 0; i < 5; ++i) {
        v.record("ev", a, kT0 + domain::TimeMs{i} * 1000);
    }
    v.record("ev", b, kT0 + 2000);
    v.record("other", a, kT0 + 2000);
    EXPECT_EQ(v.viewers("ev", kT0 + 4000), 2U);
    EXPECT_EQ(v.viewers("other", kT0 + 4000), 1U);
    EXPECT_EQ(v.viewers("nobody", kT0 + 4000), 0U);
    // b last seen at +2 s: gone once 15 s have passed; a polled until +4 s.
    EXPECT_EQ(v.viewers("ev", kT0 + 17'000), 1U);
    EXPECT_EQ(v.viewers("ev", kT0 + 19'000), 0U);
}

TEST(HlsViewers, KeysTellAddressesAgentsAndCookiesApartAndHideThem) {
    const auto k = HlsViewers::viewer_key("10.0.0.1", "Safari", "");
    EXPECT_EQ(k, HlsViewers::viewer_key("10.0.0.1", "Safari", ""));
    EXPECT_NE(k, HlsViewers::viewer_key("10.0.0.2", "Safari", ""));
    EXPECT_NE(k, HlsViewers::viewer_key("10.0.0.1", "Safari", "h,1"));
    EXPECT_NE(HlsViewers::viewer_key("ab", "c", ""), HlsViewers::viewer_key("a", "bc", ""));
    EXPECT_EQ(k.find("10.0.0.1"), std::string::npos);
}

TEST(HlsViewers, ListsWatchedEventsAndForgetsTheRest) {
    HlsViewers v;
    v.record("b-ev", "k1", kT0);
    v.record("a-ev", "k1", kT0);
    v.record("a-ev", "k2", kT0);
    using List = std::vector<std::pair<std::string, std::size_t>>;
    EXPECT_EQ(v.all(kT0 + 1), (List{{"a-ev", 2}, {"b-ev", 1}}));
    v.record("c-ev", "k3", kT0 + 20'000);  // prunes the others
    EXPECT_EQ(v.all(kT0 + 20'000), (List{{"c-ev", 1}}));
}

TEST(HlsViewers, SafeFromManyThreads) {
    HlsViewers v;
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&v, t] {
            for (int i = 0; i < 1000; ++i) {
                v.record("ev", "k" + std::to_string(t * 1000 + i), kT0 + i);
                (void)v.viewers("ev", kT0 + i);
            }
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(v.viewers("ev", kT0 + 1000), 4000U);
}

}  // namespace
}  // namespace onstage::api
