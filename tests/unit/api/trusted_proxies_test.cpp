// Who a request is from behind a reverse proxy: X-Forwarded-For is believed only from the
// proxies the config names, and then only up to the first address that is not one of them.
#include "api/trusted_proxies.hpp"

#include <gtest/gtest.h>

namespace onstage::api {
namespace {

TrustedProxies trusting(const std::vector<std::string>& addresses) {
    auto proxies = TrustedProxies::parse(addresses);
    EXPECT_TRUE(proxies);
    return proxies.value_or(TrustedProxies{});
}

TEST(TrustedProxies, NobodyTrustedMeansThePeer) {
    const TrustedProxies none;
    EXPECT_TRUE(none.empty());
    EXPECT_EQ(none.client_of("127.0.0.1", {"203.0.113.5"}), "127.0.0.1");
}

TEST(TrustedProxies, AnUntrustedPeerCannotForgeItsAddress) {
    const auto proxies = trusting({"127.0.0.1"});
    EXPECT_EQ(proxies.client_of("198.51.100.2", {"203.0.113.5"}), "198.51.100.2");
}

TEST(TrustedProxies, ATrustedPeerForwardsTheClient) {
    const auto proxies = trusting({"127.0.0.1", "::1"});
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"203.0.113.5"}), "203.0.113.5");
    EXPECT_EQ(proxies.client_of("::1", {" 2001:db8::7 "}), "2001:db8::7");
    // A dual-stack socket shows an IPv4 peer as ::ffff:a.b.c.d.
    EXPECT_EQ(proxies.client_of("::ffff:127.0.0.1", {"203.0.113.5"}), "203.0.113.5");
    // No header: the proxy's own request.
    EXPECT_EQ(proxies.client_of("127.0.0.1", {}), "127.0.0.1");
}

TEST(TrustedProxies, TheLastUntrustedHopIsTheClientAndEarlierClaimsAreIgnored) {
    const auto proxies = trusting({"127.0.0.1", "10.0.0.2"});
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"1.2.3.4, 203.0.113.5"}), "203.0.113.5");
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"203.0.113.5, 10.0.0.2"}), "203.0.113.5");
    // Several headers are one list, in order.
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"1.2.3.4", "203.0.113.5,10.0.0.2"}), "203.0.113.5");
    // Every hop trusted: the first one.
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"10.0.0.2, 127.0.0.1"}), "10.0.0.2");
}

TEST(TrustedProxies, AnUnreadableHeaderLeavesThePeer) {
    const auto proxies = trusting({"127.0.0.1"});
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"unknown"}), "127.0.0.1");
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"203.0.113.5:4711"}), "127.0.0.1");
    EXPECT_EQ(proxies.client_of("127.0.0.1", {"203.0.113.5,,"}), "127.0.0.1");
    EXPECT_EQ(proxies.client_of("127.0.0.1", {""}), "127.0.0.1");
}

TEST(TrustedProxies, OnlyAddressesParse) {
    EXPECT_FALSE(TrustedProxies::parse({"localhost"}));
    EXPECT_FALSE(TrustedProxies::parse({"10.0.0.0/8"}));
    EXPECT_TRUE(TrustedProxies::parse({}));
    EXPECT_TRUE(trusting({"10.0.0.2"}).contains("10.0.0.2"));
    EXPECT_FALSE(trusting({"10.0.0.2"}).contains("10.0.0.3"));
}

}  // namespace
}  // namespace onstage::api
