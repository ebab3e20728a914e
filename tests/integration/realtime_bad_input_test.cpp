// Untrusted input on the realtime socket: each case gets its stable error code (and the right
// close code where the connection must end), never crashes the server, never changes state.
#include "api/protocol.hpp"
#include "auth/session_token.hpp"
#include "integration/realtime_fixture.hpp"
#include "store/store.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

class RealtimeBadInput : public RealtimeTest {
protected:
    // After every case: the server still answers and Ada is still watching. (Mia looks: the
    // throttling case locks Mo out on purpose.)
    void TearDown() override {
        EXPECT_EQ(http_get(port, "/healthz").status, 200) << "the server survived";
        auto mo = connect(moderators[1]);
        const auto snap = mo->wait_for([](const json& m) { return m["type"] == "snapshot"; });
        ASSERT_TRUE(snap);
        EXPECT_TRUE((*snap)["attendees"].empty()) << "no state changed: " << snap->dump();
    }

    json first_error(WsClient& ws) {
        const auto m = ws.wait_for([](const json& x) { return x["type"] == "error"; });
        return m ? *m : json{};
    }
};

TEST_F(RealtimeBadInput, MalformedJsonUnknownTypeAndWrongFieldTypes) {
    auto ada = connect(attendees[0]);
    ada->send_text("{not json");
    EXPECT_EQ(first_error(*ada)["code"], "bad_json");
    ada->send_text("[1,2,3]");
    EXPECT_EQ(first_error(*ada)["code"], "bad_message");
    EXPECT_EQ(ada->command("teleport")["code"], "unknown_type");
    ada->send({{"type", "raise"}, {"id", "x1"}, {"question", 42}});
    EXPECT_EQ((*ada->reply_to("x1"))["code"], "bad_field");
    ada->send({{"type", "raise"}, {"id", "x2"}});
    EXPECT_EQ((*ada->reply_to("x2"))["code"], "missing_field");
    EXPECT_EQ(ada->command("ping")["type"], "ack") << "the connection stays usable";
}

TEST_F(RealtimeBadInput, CommandsTheRoleOrStateDoesNotAllow) {
    auto ada = connect(attendees[0]);
    EXPECT_EQ(ada->command("claim", {{"attendee_id", attendees[1].id}})["code"], "forbidden");
    EXPECT_EQ(ada->command("mute", {{"participant_id", talent[0].id}})["code"], "forbidden");
    EXPECT_EQ(ada->command("accept")["code"], "not_invited");
    auto mo = connect(moderators[0]);
    EXPECT_EQ(mo->command("promote", {{"attendee_id", attendees[0].id}})["code"], "not_in_holding");
    EXPECT_EQ(mo->command("claim", {{"attendee_id", "no-such-person"}})["code"],
              "unknown_participant");
    EXPECT_EQ(mo->command("raise", {{"question", "moderators don't raise hands"}})["code"],
              "not_an_attendee");
}

TEST_F(RealtimeBadInput, OversizedFrameClosesWith1009) {
    auto ada = connect(attendees[0]);
    ada->send({{"type", "raise"},
               {"id", "big"},
               {"question", std::string(api::protocol::kMaxClientFrameBytes, 'x')}});
    EXPECT_EQ(ada->wait_closed(), 1009);
}

TEST_F(RealtimeBadInput, CommandBeforeHelloAndSecondHello) {
    WsClient ws(port, "/api/v1/live?e=" + event_id);
    EXPECT_EQ(ws.command("raise", {{"question", "sneaky"}})["code"], "not_authenticated");
    ws.send({{"type", "hello"}, {"token", token_of(attendees[0])}, {"since", 0}});
    ASSERT_TRUE(ws.wait_for([](const json& m) { return m["type"] == "welcome"; }));
    ws.send({{"type", "hello"}, {"token", token_of(attendees[0])}, {"since", 0}});
    EXPECT_EQ(first_error(ws)["code"], "already_authenticated");
}

TEST_F(RealtimeBadInput, ForgedExpiredAndOtherEventTokensAreRefusedWith4401) {
    auto refused_with = [&](const std::string& token, const std::string& target) {
        WsClient ws(port, target);
        ws.send({{"type", "hello"}, {"token", token}, {"since", 0}});
        const json e = first_error(ws);
        EXPECT_EQ(ws.wait_closed(), 4401) << token;
        return e.value("code", "");
    };
    const std::string live = "/api/v1/live?e=" + event_id;
    std::string forged = token_of(attendees[0]);
    forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
    const std::string forged_code = refused_with(forged, live);
    EXPECT_TRUE(forged_code == "token_bad_signature" || forged_code == "token_malformed")
        << forged_code;
    EXPECT_EQ(refused_with("garbage", live), "token_malformed");

    // A token signed with the server's own key but already expired.
    std::string expired;
    {
        auto store = store::open_sqlite_store(tmp / "data" / "onstage.db");
        const auth::TokenSigner signer(store->signing_keys());
        auth::TokenClaims claims;
        claims.event_id = event_id;
        claims.participant_id = attendees[0].id;
        claims.role = domain::Role::attendee;
        claims.issued_at_ms = 1'000;
        claims.expires_at_ms = 2'000;
        expired = signer.issue(claims);
    }
    EXPECT_EQ(refused_with(expired, live), "token_expired");

    // A valid token of this event used on another event's socket.
    EXPECT_EQ(refused_with(token_of(attendees[0]), "/api/v1/live?e=other-event-abc123"),
              "token_wrong_event");
}

// Not a RealtimeBadInput: the lockout it causes would also lock out that fixture's final check.
TEST_F(RealtimeTest, WrongAccessKeysAreThrottledWithRetryAfter) {
    Person wrong = moderators[0];
    wrong.key = "aaaa-bbbb-cccc-dddd-eeee-ffff-gggg";
    int last_status = 0;
    HttpReply reply;
    for (int i = 0; i < 8 && last_status != 429; ++i) {
        reply = login(wrong);
        last_status = reply.status;
        if (last_status != 429) {
            EXPECT_EQ(last_status, 401) << reply.body;
        }
    }
    EXPECT_EQ(last_status, 429);
    EXPECT_NE(reply.headers.find("Retry-After:"), std::string::npos) << reply.headers;
    EXPECT_EQ(login(moderators[0]).status, 429) << "even the right key waits out the lockout";
}

}  // namespace
}  // namespace onstage::testing
