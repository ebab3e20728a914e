// What an operator reads in the logs: each line about a connection names it, its client and,
// once known, the event, participant and role; the json format is one parseable object a line.
#include "api/log_fields.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <sstream>

namespace onstage::api {
namespace {

class LogFieldsTest : public ::testing::Test {
protected:
    std::ostringstream out;
    std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

    void SetUp() override {
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
        spdlog::set_default_logger(std::make_shared<spdlog::logger>("test", sink));
    }
    void TearDown() override { spdlog::set_default_logger(previous); }

    const LogFields fields{"c7", "127.0.0.1", "town-hall-k3m9qz", "p-1", "moderator"};
};

TEST_F(LogFieldsTest, TextLinesEndWithTheFieldsAsKeyValues) {
    set_log_format(LogFormat::text);
    log_with(spdlog::level::info, fields, "websocket closed", {{"code", "1001"}});
    const std::string line = out.str();
    EXPECT_NE(line.find("[info] websocket closed conn=c7 client=127.0.0.1 event=town-hall-k3m9qz "
                        "participant=p-1 role=moderator code=1001\n"),
              std::string::npos)
        << line;
}

TEST_F(LogFieldsTest, JsonLinesAreOneObjectWithTimestampLevelMessageAndFields) {
    set_log_format(LogFormat::json);
    log_with(spdlog::level::warn, LogFields{"c8", "::1", "", "", ""}, "hello \"refused\"",
             {{"code", "token_expired"}});
    spdlog::info("plain line {}", 1);  // lines without fields are JSON too
    std::istringstream lines(out.str());
    std::string first;
    std::string second;
    ASSERT_TRUE(std::getline(lines, first));
    ASSERT_TRUE(std::getline(lines, second));
    const auto a = nlohmann::json::parse(first);
    EXPECT_EQ(a["level"], "warning");
    EXPECT_EQ(a["msg"], "hello \"refused\"");
    EXPECT_EQ(a["conn"], "c8");
    EXPECT_EQ(a["client"], "::1");
    EXPECT_EQ(a["code"], "token_expired");
    EXPECT_FALSE(a.contains("event")) << "fields not yet known are left out";
    EXPECT_TRUE(std::string(a["ts"]).ends_with("Z"));
    const auto b = nlohmann::json::parse(second);
    EXPECT_EQ(b["msg"], "plain line 1");
    EXPECT_FALSE(b.contains("conn"));
}

TEST_F(LogFieldsTest, LevelsBelowTheThresholdAreSkipped) {
    set_log_format(LogFormat::text);
    spdlog::set_level(spdlog::level::info);
    log_with(spdlog::level::debug, fields, "connection opened");
    EXPECT_TRUE(out.str().empty());
}

TEST(ConnectionIds, AreShortAndDistinct) {
    const auto a = next_connection_id();
    const auto b = next_connection_id();
    EXPECT_NE(a, b);
    EXPECT_EQ(a[0], 'c');
}

}  // namespace
}  // namespace onstage::api
