// Ending an event, end to end through the real server: the admin API ends it, every tab hears
// `revoked` (event_ended) and is closed with 4410, nobody gets back in (hello, login, /me), the
// end survives a restart and ending again keeps the first time.
#include <stdlib.h>

#include "realtime_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

constexpr const char* kAdminToken = "event-end-admin-token-0123456789";

class EventEndTest : public RealtimeTest {
protected:
    void SetUp() override {
        // The admin token reaches serve through its environment; set only while it starts.
        // NOLINTNEXTLINE(concurrency-mt-unsafe): tests start servers from one thread
        ::setenv("ONSTAGE_ADMIN_TOKEN", kAdminToken, 1);
        RealtimeTest::SetUp();
        ::unsetenv("ONSTAGE_ADMIN_TOKEN");  // NOLINT(concurrency-mt-unsafe): as above
    }

    void restart_with_admin() {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): as above
        ::setenv("ONSTAGE_ADMIN_TOKEN", kAdminToken, 1);
        restart_server();
        ::unsetenv("ONSTAGE_ADMIN_TOKEN");  // NOLINT(concurrency-mt-unsafe): as above
    }

    HttpReply admin(const std::string& method, const std::string& target) {
        return http_request(port, method, "/api/v1/admin" + target,
                            {"Authorization: Bearer " + std::string(kAdminToken)}, "");
    }

    static std::string error_code(const HttpReply& r) {
        const auto body = json::parse(r.body, nullptr, false);
        return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
    }

    // Says hello with `token` and expects event_ended and a 4410 close.
    void expect_hello_refused(const std::string& token) {
        WsClient ws(port, "/api/v1/live?e=" + event_id);
        ws.send({{"type", "hello"}, {"token", token}, {"since", 0}});
        const auto refused = ws.next();
        ASSERT_TRUE(refused);
        EXPECT_EQ((*refused)["type"], "error") << refused->dump();
        EXPECT_EQ((*refused)["code"], "event_ended") << refused->dump();
        EXPECT_EQ(ws.wait_closed(), 4410);
    }
};

TEST_F(EventEndTest, EndingDisconnectsEveryoneAndNobodyGetsBackIn) {
    const std::string mod_token = token_of(moderators[0]);
    const std::string ada_token = token_of(attendees[0]);
    auto mod_ws = connect(moderators[0], 0, mod_token);
    auto ada_ws = connect(attendees[0], 0, ada_token);
    auto ada_tab2 = connect(attendees[0], 0, ada_token);  // a second tab of the same person
    // The server is working normally before the end.
    ASSERT_EQ(ada_ws->command("raise", {{"question", "Before the end?"}})["type"], "ack");

    const auto detail_before = admin("GET", "/events/" + event_id);
    ASSERT_EQ(detail_before.status, 200) << detail_before.body;
    EXPECT_TRUE(json::parse(detail_before.body)["ended_at"].is_null());

    const auto ended = admin("POST", "/events/" + event_id + "/end");
    ASSERT_EQ(ended.status, 200) << ended.body;
    const json view = json::parse(ended.body);
    EXPECT_EQ(view["id"], event_id);
    ASSERT_TRUE(view["ended_at"].is_number_integer()) << ended.body;
    const auto ended_at = view["ended_at"].get<std::int64_t>();
    EXPECT_GT(ended_at, 0);
    EXPECT_TRUE(view.contains("counts")) << "the same view as GET /events/{id}";

    for (auto* ws : {mod_ws.get(), ada_ws.get(), ada_tab2.get()}) {
        const auto revoked = ws->wait_for([](const json& m) { return m["type"] == "revoked"; });
        ASSERT_TRUE(revoked);
        EXPECT_EQ((*revoked)["reason"], "event_ended");
        EXPECT_GT(revoked->value("seq", std::int64_t{0}), 0) << "a stream event like any other";
        EXPECT_EQ(ws->wait_closed(), 4410);
    }

    // Nobody gets back in: not with a token issued before, not by signing in again.
    expect_hello_refused(mod_token);
    expect_hello_refused(ada_token);
    const auto login_mod = login(moderators[0]);
    EXPECT_EQ(login_mod.status, 410) << login_mod.body;
    EXPECT_EQ(error_code(login_mod), "event_ended");
    const auto login_bo = login(attendees[1]);
    EXPECT_EQ(login_bo.status, 410) << login_bo.body;
    EXPECT_EQ(error_code(login_bo), "event_ended");
    // A wrong key still gets the same answer as for any event: no hint that the event ended.
    Person wrong = moderators[0];
    wrong.key = "not-the-key";
    EXPECT_EQ(login(wrong).status, 401);
    const auto me =
        http_request(port, "GET", "/api/v1/me", {"Authorization: Bearer " + ada_token}, "");
    EXPECT_EQ(me.status, 410) << me.body;
    EXPECT_EQ(error_code(me), "event_ended");

    // The list and the audit log show it.
    const auto list = admin("GET", "/events");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(json::parse(list.body)["events"][0]["ended_at"], ended_at);
    const auto audit = admin("GET", "/events/" + event_id + "/audit");
    ASSERT_EQ(audit.status, 200) << audit.body;
    int ended_entries = 0;
    const json log = json::parse(audit.body);
    for (const auto& e : log["entries"]) {
        if (e.value("action", "") == "event_ended") {
            ++ended_entries;
            EXPECT_EQ(e["actor_id"], "admin") << e.dump();
        }
    }
    EXPECT_EQ(ended_entries, 1) << audit.body;

    // Ending again changes nothing, also after a restart, which loads the end from the store.
    const auto again = admin("POST", "/events/" + event_id + "/end");
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json::parse(again.body)["ended_at"], ended_at);
    restart_with_admin();
    expect_hello_refused(ada_token);
    EXPECT_EQ(login(attendees[2]).status, 410);
    const auto after_restart = admin("POST", "/events/" + event_id + "/end");
    ASSERT_EQ(after_restart.status, 200) << after_restart.body;
    EXPECT_EQ(json::parse(after_restart.body)["ended_at"], ended_at);
    const auto detail = admin("GET", "/events/" + event_id);
    EXPECT_EQ(json::parse(detail.body)["ended_at"], ended_at);
    const auto audit_after = admin("GET", "/events/" + event_id + "/audit");
    int ended_after = 0;
    const json log_after = json::parse(audit_after.body);
    for (const auto& e : log_after["entries"]) {
        ended_after += e.value("action", "") == "event_ended" ? 1 : 0;
    }
    EXPECT_EQ(ended_after, 1);
}

// `onstage event end` writes only the store: a running server refuses new logins at once (they
// read the store) but its connected tabs stay until it loads the event again at its next start.
TEST_F(EventEndTest, TheCliEndIsSeenAtLoginAndFullyAtTheNextStart) {
    const std::string ada_token = token_of(attendees[0]);
    auto ada_ws = connect(attendees[0], 0, ada_token);
    const auto end = run_onstage({"--data-dir", (tmp / "data").string(), "event", "end", event_id});
    ASSERT_EQ(end.exit_code, 0) << end.err;
    EXPECT_EQ(login(attendees[1]).status, 410);
    EXPECT_EQ(ada_ws->command("ping")["type"], "ack") << "documented: noticed at the next load";
    restart_with_admin();
    expect_hello_refused(ada_token);
    const auto detail = admin("GET", "/events/" + event_id);
    ASSERT_EQ(detail.status, 200);
    EXPECT_TRUE(json::parse(detail.body)["ended_at"].is_number_integer()) << detail.body;
}

TEST_F(EventEndTest, EndingAnUnknownEventIs404AndOnlyPostEnds) {
    const auto unknown = admin("POST", "/events/no-such-event/end");
    EXPECT_EQ(unknown.status, 404) << unknown.body;
    EXPECT_EQ(error_code(unknown), "unknown_event");
    const auto get = admin("GET", "/events/" + event_id + "/end");
    EXPECT_EQ(get.status, 405);
    const auto wrong_token = http_request(port, "POST", "/api/v1/admin/events/" + event_id + "/end",
                                          {"Authorization: Bearer wrong"}, "");
    EXPECT_EQ(wrong_token.status, 401);
    // None of these ended it.
    EXPECT_EQ(login(attendees[0]).status, 200);
}

}  // namespace
}  // namespace onstage::testing
