// GET /api/v1/me and the public viewer token (POST /api/v1/watch) through the real server.
#include "admin_fixture.hpp"
#include "realtime_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

HttpReply me(int port, const std::string& token) {
    return http_request(port, "GET", "/api/v1/me", {"Authorization: Bearer " + token});
}

std::string code_of(const HttpReply& r) {
    const auto body = json::parse(r.body, nullptr, false);
    return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
}

TEST_F(RealtimeTest, MeTellsAnAppWhoIsSignedInAndTheirLiveState) {
    const Person& ada = attendees[0];
    auto ada_ws = connect(ada);
    ASSERT_EQ(ada_ws->command("raise", {{"question", "Is there parking?"}})["type"], "ack");

    const auto r = me(port, token_of(ada));
    ASSERT_EQ(r.status, 200) << r.body;
    const json body = json::parse(r.body);
    EXPECT_EQ(body["event"], (json{{"id", event_id}, {"name", "Live test"}, {"public", false}}));
    EXPECT_EQ(body["me"], (json{{"id", ada.id}, {"name", ada.name}, {"role", "attendee"}}));
    EXPECT_EQ(body["state"]["type"], "snapshot") << "the same state the socket sends";
    EXPECT_EQ(body["state"]["me"]["state"], "hand_raised");
    EXPECT_EQ(body["state"]["me"]["question"], "Is there parking?");
    EXPECT_GT(body["expires_at"].get<std::int64_t>(), 0);

    const auto mo = json::parse(me(port, token_of(moderators[0])).body);
    EXPECT_EQ(mo["me"]["role"], "moderator");
    ASSERT_EQ(mo["state"]["attendees"].size(), 1U) << "a moderator sees the raised hand";
    EXPECT_EQ(mo["state"]["attendees"][0]["id"], ada.id);
}

TEST_F(RealtimeTest, MeRefusesMissingForgedRevokedAndKickedTokens) {
    auto r = http_get(port, "/api/v1/me");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(code_of(r), "unauthenticated");
    r = me(port, "v1.forged.token");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(code_of(r), "unauthenticated");

    const Person& bo = attendees[1];
    const std::string bo_token = token_of(bo);
    ASSERT_EQ(me(port, bo_token).status, 200);
    auto mo = connect(moderators[0]);
    ASSERT_EQ(mo->command("kick", {{"attendee_id", bo.id}, {"reason", "spam"}})["type"], "ack");
    r = me(port, bo_token);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(code_of(r), "kicked");
}

TEST_F(AdminTest, APublicEventGivesViewerTokensThatCannotActAsParticipants) {
    const std::string id = create("Open day", /*is_public=*/true)["event"]["id"];
    const auto r = http_post(port, "/api/v1/watch", json{{"event_id", id}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
    const json watch = json::parse(r.body);
    EXPECT_EQ(watch["event"], (json{{"id", id}, {"name", "Open day"}, {"public", true}}));
    const std::string token = watch["token"];

    const auto who = me(port, token);
    ASSERT_EQ(who.status, 200) << who.body;
    EXPECT_EQ(json::parse(who.body)["me"]["role"], "viewer");
    EXPECT_TRUE(json::parse(who.body)["state"].is_null());

    // The realtime socket (hand raising) takes participants only.
    WsClient ws(port, "/api/v1/live?e=" + id);
    ws.send({{"type", "hello"}, {"token", token}, {"since", 0}});
    const auto refused = ws.next();
    ASSERT_TRUE(refused);
    EXPECT_EQ((*refused)["code"], "token_viewer_only");
    EXPECT_EQ(ws.wait_closed(), 4401);
}

TEST_F(AdminTest, PrivateAndUnknownEventsAreNotWatchableAndLookTheSame) {
    const std::string id = create("Board meeting", /*is_public=*/false)["event"]["id"];
    const auto private_event = http_post(port, "/api/v1/watch", json{{"event_id", id}}.dump());
    const auto unknown = http_post(port, "/api/v1/watch", json{{"event_id", "nope-123456"}}.dump());
    EXPECT_EQ(private_event.status, 404);
    EXPECT_EQ(code_of(private_event), "not_found");
    EXPECT_EQ(private_event.body, unknown.body) << "no way to tell a private event exists";
    EXPECT_EQ(code_of(http_post(port, "/api/v1/watch", "[]")), "bad_json");
    EXPECT_EQ(code_of(http_post(port, "/api/v1/watch", "{}")), "bad_field");
    EXPECT_EQ(http_get(port, "/api/v1/watch").status, 405);
}

}  // namespace
}  // namespace onstage::testing
