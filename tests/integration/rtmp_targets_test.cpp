// RTMP targets through the admin API of a real `onstage serve`: adding, listing (stream keys
// never shown again), removing, validation, the per-event limit, ended events and the audit log.
#include "admin_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

constexpr const char* kKey = "abcd-efgh-SECRET-1234";

class RtmpTargetsTest : public AdminTest {
protected:
    std::string event_id;

    void SetUp() override {
        AdminTest::SetUp();
        event_id = create("Broadcast")["event"]["id"];
    }

    std::string path(const std::string& rest = "") const {
        return "/events/" + event_id + "/rtmp-targets" + rest;
    }

    HttpReply add(const std::string& name, const std::string& url) {
        return admin("POST", path(), json{{"name", name}, {"url", url}}.dump());
    }
};

TEST_F(RtmpTargetsTest, AddListRemoveWithoutEverShowingTheKey) {
    auto r = admin("GET", path());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::parse(r.body), json::parse(R"({"targets":[]})"));

    r = add("YouTube", std::string("rtmp://a.rtmp.youtube.com/live2/") + kKey);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body.find(kKey), std::string::npos) << r.body;
    const json yt = json::parse(r.body);
    EXPECT_EQ(yt["name"], "YouTube");
    EXPECT_EQ(yt["url_redacted"], "rtmp://a.rtmp.youtube.com/live2/…");
    EXPECT_TRUE(yt["created_at"].is_number_integer());
    const std::string yt_id = yt["id"];
    EXPECT_TRUE(std::regex_match(yt_id, std::regex("[0-9a-z]{12}"))) << yt_id;

    r = add("Twitch",
            std::string("rtmps://live.twitch.tv:443/app/") + kKey + "?bandwidthtest=true");
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string tw_id = json::parse(r.body)["id"];
    EXPECT_NE(tw_id, yt_id);

    r = admin("GET", path());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find(kKey), std::string::npos) << r.body;
    const json listed = json::parse(r.body)["targets"];
    ASSERT_EQ(listed.size(), 2U);
    EXPECT_EQ(listed[0], yt);
    EXPECT_EQ(listed[1]["id"], tw_id);
    EXPECT_EQ(listed[1]["url_redacted"], "rtmps://live.twitch.tv:443/app/…");

    r = admin("DELETE", path("/" + yt_id));
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_TRUE(r.body.empty());
    r = admin("DELETE", path("/" + yt_id));
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(error_code(r), "unknown_target");
    r = admin("GET", path());
    EXPECT_EQ(json::parse(r.body)["targets"].size(), 1U);

    // The audit log names both changes without the key.
    r = admin("GET", "/events/" + event_id + "/audit");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find(kKey), std::string::npos) << r.body;
    std::vector<std::string> actions;
    const json log = json::parse(r.body);
    for (const auto& e : log["entries"]) {
        actions.push_back(e["action"]);
    }
    EXPECT_EQ(actions, (std::vector<std::string>{"event_created", "rtmp_target_added",
                                                 "rtmp_target_added", "rtmp_target_removed"}));
}

TEST_F(RtmpTargetsTest, BadInputIsRefusedWithStableCodes) {
    EXPECT_EQ(error_code(admin("POST", path(), "not json")), "bad_json");
    EXPECT_EQ(error_code(admin("POST", path(), "[]")), "bad_json");
    EXPECT_EQ(error_code(admin("POST", path(), R"({"url":"rtmp://h/app/k"})")), "bad_field");
    EXPECT_EQ(error_code(add("", "rtmp://h/app/k")), "bad_field");
    EXPECT_EQ(error_code(add(std::string(101, 'n'), "rtmp://h/app/k")), "bad_field");
    EXPECT_EQ(error_code(admin("POST", path(), R"({"name":"X","url":42})")), "bad_rtmp_url");
    const std::vector<std::string> bad_urls{"",
                                            "http://h/app/k",
                                            "rtmp://h/app",
                                            "rtmp://h/app/k live=1",
                                            "rtmp:///app/k",
                                            "rtmp://h:99999/app/k",
                                            "rtmp://h/app/" + std::string(2048, 'k')};
    for (const std::string& url : bad_urls) {
        const auto r = add("X", url);
        EXPECT_EQ(r.status, 400) << url;
        EXPECT_EQ(error_code(r), "bad_rtmp_url") << url << " " << r.body;
    }
    EXPECT_EQ(json::parse(admin("GET", path()).body)["targets"].size(), 0U);

    auto r = admin("POST", "/events/no-such-event-1/rtmp-targets",
                   json{{"name", "X"}, {"url", "rtmp://h/app/k"}}.dump());
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(error_code(r), "unknown_event");
    EXPECT_EQ(error_code(admin("GET", "/events/no-such-event-1/rtmp-targets")), "unknown_event");
    EXPECT_EQ(error_code(admin("DELETE", "/events/no-such-event-1/rtmp-targets/abc")),
              "unknown_event");
    EXPECT_EQ(error_code(admin("DELETE", path("/NOT_AN_ID"))), "unknown_target");
    EXPECT_EQ(admin("PUT", path()).status, 405);
    EXPECT_EQ(admin("GET", path("/abc")).status, 405);
    EXPECT_EQ(error_code(admin("GET", "/events/" + event_id + "/links/x")), "not_found");
    EXPECT_EQ(admin("GET", path(), "", "wrong-token-0123456789abcdef").status, 401);
}

TEST_F(RtmpTargetsTest, AtMostEightPerEvent) {
    for (int i = 0; i < 8; ++i) {
        ASSERT_EQ(add("T" + std::to_string(i), "rtmp://h/app/k" + std::to_string(i)).status, 201);
    }
    auto r = add("T8", "rtmp://h/app/k8");
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(error_code(r), "too_many_targets");
    const json listed = json::parse(admin("GET", path()).body)["targets"];
    ASSERT_EQ(listed.size(), 8U);
    ASSERT_EQ(admin("DELETE", path("/" + listed[0]["id"].get<std::string>())).status, 204);
    EXPECT_EQ(add("T8", "rtmp://h/app/k8").status, 201);
}

TEST_F(RtmpTargetsTest, AnEndedEventTakesNoNewTargetsButListsAndRemovesItsOld) {
    auto r = add("Old", "rtmp://h/app/k");
    ASSERT_EQ(r.status, 201);
    const std::string id = json::parse(r.body)["id"];
    ASSERT_EQ(admin("POST", "/events/" + event_id + "/end").status, 200);
    r = add("New", "rtmp://h/app/k2");
    EXPECT_EQ(r.status, 410);
    EXPECT_EQ(error_code(r), "event_ended");
    EXPECT_EQ(json::parse(admin("GET", path()).body)["targets"].size(), 1U);
    EXPECT_EQ(admin("DELETE", path("/" + id)).status, 204);
}

TEST_F(RtmpTargetsTest, TargetsSurviveARestart) {
    ASSERT_EQ(add("YouTube", std::string("rtmp://a.rtmp.youtube.com/live2/") + kKey).status, 201);
    const auto before = admin("GET", path()).body;
    ASSERT_TRUE(server->stop(SIGTERM, std::chrono::seconds(10)).has_value());
    start_server(kAdminToken);
    EXPECT_EQ(admin("GET", path()).body, before);
}

}  // namespace
}  // namespace onstage::testing
