// The private playback cookie: the exact bytes nginx's secure_link checks, and every way a
// presented cookie can be wrong.
#include "auth/hls_cookie.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onstage::auth {
namespace {

constexpr std::string_view kSecret =
    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::int64_t kExpires = 1'767'225'600;

std::string code_of(const Result<Ok, HlsCookieError>& r) {
    return r ? "ok" : r.error().code;
}

TEST(HlsCookie, MatchesAHashComputedIndependentlyWithOpenssl) {
    // printf '%s' "1767225600/hls/town-hall-abc123/ <secret>" | openssl md5 -binary | base64 |
    //   tr '+/' '-_' | tr -d '='
    EXPECT_EQ(hls_cookie_value(kSecret, "town-hall-abc123", kExpires),
              "Qhoolv7iW_Zk_G_5En1Kpw,1767225600");
    EXPECT_EQ(hls_cookie_value(kSecret, "other-ev-000000", kExpires),
              "_rbsYMdH-8hVmu0VIyWDnA,1767225600");
}

TEST(HlsCookie, AcceptsItsOwnCookieUntilAndIncludingTheExpirySecond) {
    const std::string v = hls_cookie_value(kSecret, "ev-1", kExpires);
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", v, kExpires - 3600)), "ok");
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", v, kExpires)), "ok");
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", v, kExpires + 1)), "hls_cookie_expired");
}

TEST(HlsCookie, RefusesAnotherEventAnotherSecretAndTampering) {
    const std::string v = hls_cookie_value(kSecret, "ev-1", kExpires);
    const std::int64_t now = kExpires - 10;
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-2", v, now)), "hls_cookie_invalid");
    EXPECT_EQ(code_of(check_hls_cookie(std::string(kSecret) + "x", "ev-1", v, now)),
              "hls_cookie_invalid");
    std::string flipped = v;
    flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", flipped, now)), "hls_cookie_invalid");
    // A later expiry with the old hash: extending a cookie needs the secret.
    const std::string extended = v.substr(0, 22) + "," + std::to_string(kExpires + 86400);
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", extended, now)), "hls_cookie_invalid");
}

TEST(HlsCookie, SaysWhenACookieIsMissingOrMalformed) {
    const std::string v = hls_cookie_value(kSecret, "ev-1", kExpires);
    const std::int64_t now = kExpires - 10;
    EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", "", now)), "hls_cookie_missing");
    for (const std::string& bad : std::vector<std::string>{
             std::string("nonsense"), v.substr(0, 22), v.substr(0, 23), "," + v,
             v.substr(0, 22) + ",-5", v.substr(0, 22) + ",12x", v.substr(0, 22) + ", 12",
             v.substr(1), v.substr(0, 22) + ",1234567890123456789012"}) {
        EXPECT_EQ(code_of(check_hls_cookie(kSecret, "ev-1", bad, now)), "hls_cookie_malformed")
            << bad;
    }
}

TEST(HlsCookie, FindsEveryOnstageHlsValueInACookieHeader) {
    EXPECT_TRUE(hls_cookie_values("").empty());
    EXPECT_TRUE(hls_cookie_values("a=1; onstage_hlsx=2; xonstage_hls=3").empty());
    const auto values = hls_cookie_values("a=1;onstage_hls=h1,5 ;  b=2; onstage_hls=\"h2,6\"");
    ASSERT_EQ(values.size(), 2U);
    EXPECT_EQ(values[0], "h1,5");
    EXPECT_EQ(values[1], "h2,6");
}

TEST(HlsCookie, SetCookieScopesTheCookieToTheEventsHlsPath) {
    const std::string v = hls_cookie_value(kSecret, "ev-1", kExpires + 43200);
    EXPECT_EQ(hls_set_cookie(kSecret, "ev-1", kExpires, 43200, false),
              "onstage_hls=" + v + "; Path=/hls/ev-1/; Max-Age=43200; HttpOnly; SameSite=Lax");
    EXPECT_EQ(
        hls_set_cookie(kSecret, "ev-1", kExpires, 43200, true),
        "onstage_hls=" + v + "; Path=/hls/ev-1/; Max-Age=43200; HttpOnly; SameSite=Lax; Secure");
}

}  // namespace
}  // namespace onstage::auth
