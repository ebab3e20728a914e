// RTMP target URLs and names: what is accepted, and that redaction never shows the stream key.
#include "domain/rtmp_target.hpp"

#include <gtest/gtest.h>

#include <string>

#include "domain/limits.hpp"

namespace onstage::domain {
namespace {

TEST(RtmpUrl, AcceptsTheUrlsOfCommonServices) {
    for (const char* url : {
             "rtmp://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop",
             "rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh",
             "rtmp://live.twitch.tv/app/live_123_abcDEF",
             "rtmps://live-api-s.facebook.com:443/rtmp/FB-123-0-Ab?s_bl=1&a=Ab",
             "rtmp://127.0.0.1:1935/live/key",
             "rtmp://[::1]:1935/live/key",
             "rtmp://user:pw@host.example/app/inst/key",
         }) {
        EXPECT_EQ(rtmp_url_problem(url), std::nullopt) << url;
    }
}

TEST(RtmpUrl, RefusesEverythingElseWithAReason) {
    for (const char* url : {
             "",
             "http://example.org/live/key",
             "rtmp:/host/app/key",
             "rtmp:///app/key",
             "rtmp://host",
             "rtmp://host/",
             "rtmp://host/app",
             "rtmp://host/app/",
             "rtmp://host:0/app/key",
             "rtmp://host:65536/app/key",
             "rtmp://host:12a/app/key",
             "rtmp://ho st/app/key",
             "rtmp://host/app/key live=1",
             "rtmp://host/app/key\n",
             "rtmp://host/app/k\x01y",
             "rtmp://h\xc3\xa9st/app/key",
             "rtmp://host!/app/key",
             "rtmp://[::1/app/key",
             "rtmp://[::1]x/app/key",
         }) {
        const auto problem = rtmp_url_problem(url);
        ASSERT_TRUE(problem.has_value()) << url;
        EXPECT_FALSE(problem->empty());
    }
}

TEST(RtmpUrl, LengthLimitIsInclusive) {
    const std::string head = "rtmp://host/app/";
    const std::string ok = head + std::string(limits::kMaxRtmpUrlBytes - head.size(), 'k');
    EXPECT_EQ(rtmp_url_problem(ok), std::nullopt);
    EXPECT_TRUE(rtmp_url_problem(ok + "k").has_value());
}

TEST(RtmpUrl, RedactionKeepsServerAndAppAndDropsKeyQueryAndUserInfo) {
    EXPECT_EQ(redact_rtmp_url("rtmp://a.rtmp.youtube.com/live2/SECRET"),
              "rtmp://a.rtmp.youtube.com/live2/…");
    EXPECT_EQ(redact_rtmp_url("rtmps://live-api-s.facebook.com:443/rtmp/SECRET?s=SECRET2"),
              "rtmps://live-api-s.facebook.com:443/rtmp/…");
    EXPECT_EQ(redact_rtmp_url("rtmp://user:SECRET@host/app/inst/SECRET"), "rtmp://host/app/inst/…");
    EXPECT_EQ(redact_rtmp_url("rtmp://[::1]:1935/live/SECRET"), "rtmp://[::1]:1935/live/…");
    EXPECT_EQ(redact_rtmp_url("not a url SECRET"), "…");
    EXPECT_EQ(redact_rtmp_url("rtmp://host/SECRET"), "…");
}

TEST(RtmpName, AcceptsOneToOneHundredCodePoints) {
    EXPECT_EQ(rtmp_name_problem("YouTube"), std::nullopt);
    EXPECT_EQ(rtmp_name_problem("Ü"), std::nullopt);
    std::string hundred;
    for (int i = 0; i < 100; ++i) {
        hundred += "\xc3\xa9";  // é: 2 bytes, 1 code point
    }
    EXPECT_EQ(rtmp_name_problem(hundred), std::nullopt);
    EXPECT_TRUE(rtmp_name_problem(hundred + "e").has_value());
}

TEST(RtmpName, RefusesEmptyBlankControlAndBrokenUtf8) {
    for (const char* name :
         {"", "   ", "Tab\there", "Line\nbreak", "\x7f", "\xc3", "\xff", "a\xe2\x82"}) {
        EXPECT_TRUE(rtmp_name_problem(name).has_value()) << name;
    }
}

}  // namespace
}  // namespace onstage::domain
