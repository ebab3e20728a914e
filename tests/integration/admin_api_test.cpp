// The admin API through the real server: what the console does, and every way it refuses.
#include "admin_fixture.hpp"

#include "support/ws_client.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

HttpReply login(int port, const std::string& event_id, const json& person) {
    json body{{"event_id", event_id}, {"participant_id", person["attendeeId"]}};
    if (person.contains("access_key") && person["access_key"].is_string()) {
        body["access_key"] = person["access_key"];
    }
    return http_post(port, "/api/v1/login", body.dump());
}

TEST_F(AdminTest, CreatesAnEventFromUploadedRostersAndShowsItsKeysOnce) {
    const json created = create("Town hall", /*is_public=*/true);
    ASSERT_TRUE(created.is_object());
    const std::string id = created["event"]["id"];
    EXPECT_EQ(id.rfind("town-hall-", 0), 0U) << id;
    EXPECT_EQ(created["event"]["viewer_url"], "https://events.example.org/watch?e=" + id);
    const json& people = created["people"];
    ASSERT_EQ(people["attendees"].size(), 3U);
    ASSERT_EQ(people["moderators"].size(), 1U);
    ASSERT_EQ(people["talent"].size(), 1U);
    const json& ada = people["attendees"][0];
    EXPECT_EQ(ada["full_name"], "Ada Attendee");
    EXPECT_EQ(ada["team"], "red") << "roster columns pass through, as in the CLI's files";
    EXPECT_FALSE(ada.contains("access_key"));
    EXPECT_EQ(ada["access_url"], "https://events.example.org/attendee?e=" + id +
                                     "&p=" + ada["attendeeId"].get<std::string>());

    // The one-time key works at login; the attendee needs none.
    EXPECT_EQ(login(port, id, people["moderators"][0]).status, 200);
    EXPECT_EQ(login(port, id, ada).status, 200);

    const auto list = admin("GET", "/events");
    ASSERT_EQ(list.status, 200) << list.body;
    const json events = json::parse(list.body)["events"];
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0]["id"], id);
    EXPECT_EQ(events[0]["counts"], (json{{"attendees", 3}, {"moderators", 1}, {"talent", 1}}));

    const auto detail = admin("GET", "/events/" + id);
    ASSERT_EQ(detail.status, 200) << detail.body;
    const json d = json::parse(detail.body);
    EXPECT_EQ(d["name"], "Town hall");
    EXPECT_EQ(d["public"], true);
    EXPECT_EQ(d["stage"]["watching"], 3);
}

TEST_F(AdminTest, BadCsvGetsTheCliErrorWithLineAndColumnAndStoresNothing) {
    json body = roster_body("Broken");
    const std::string bad = "full_name,email\nAda,ada@example.org\n\"Bo, unterminated\n";
    body["attendees_csv"] = bad;
    const auto r = admin("POST", "/events", body.dump());
    ASSERT_EQ(r.status, 422) << r.body;
    const json error = json::parse(r.body)["error"];
    EXPECT_EQ(error["code"], "csv_unterminated_quote");
    EXPECT_EQ(error["file"], "attendees.csv");
    EXPECT_EQ(error["line"], 3);
    EXPECT_EQ(error["column"], 1);

    // The same file given to `onstage event create` fails with the same words.
    write_file(tmp / "attendees.csv", bad);
    write_file(tmp / "m.csv", "full_name\nMo\n");
    write_file(tmp / "t.csv", "full_name\nTara\n");
    const auto cli =
        run_onstage({"--data-dir", (tmp / "cli-data").string(), "event", "create", "--name",
                     "Broken", "--attendees", (tmp / "attendees.csv").string(), "--moderators",
                     (tmp / "m.csv").string(), "--talent", (tmp / "t.csv").string(), "--base-url",
                     "https://events.example.org", "--out", (tmp / "out").string()});
    EXPECT_EQ(cli.exit_code, 1);
    EXPECT_NE(cli.err.find(error["message"].get<std::string>()), std::string::npos)
        << cli.err << "\nAPI: " << error["message"];

    const auto list = admin("GET", "/events");
    EXPECT_EQ(json::parse(list.body)["events"], json::array()) << "nothing stored";
}

TEST_F(AdminTest, RefusesBadUploadFields) {
    json body = roster_body("No talent");
    body.erase("talent_csv");
    auto r = admin("POST", "/events", body.dump());
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(error_code(r), "bad_field");
    r = admin("POST", "/events", "{not json");
    EXPECT_EQ(error_code(r), "bad_json");
    body = roster_body("   ");
    r = admin("POST", "/events", body.dump());
    EXPECT_EQ(r.status, 422);
    EXPECT_EQ(error_code(r), "bad_event_name");
    body = roster_body("Bad url");
    body["base_url"] = "ftp://nope";
    EXPECT_EQ(error_code(admin("POST", "/events", body.dump())), "bad_base_url");
    EXPECT_EQ(json::parse(admin("GET", "/events").body)["events"], json::array());
}

TEST_F(AdminTest, AWrongTokenIsRefusedAndThrottled) {
    auto r = admin("GET", "/events", "", "not-the-token");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "unauthenticated");
    r = http_get(port, "/api/v1/admin/events");
    EXPECT_EQ(error_code(r), "unauthenticated") << "no Authorization header";
    int status = 0;
    for (int i = 0; i < 10 && status != 429; ++i) {
        status = admin("GET", "/events", "", "guess-" + std::to_string(i)).status;
    }
    EXPECT_EQ(status, 429) << "guessing is throttled per address";
    r = admin("GET", "/events");
    EXPECT_EQ(r.status, 429) << "even the right token waits out the lockout from this address";
    EXPECT_NE(r.headers.find("Retry-After"), std::string::npos);
}

TEST_F(AdminTest, WithoutAConfiguredTokenEveryAdminRouteIsOff) {
    ASSERT_TRUE(server->stop(SIGTERM, std::chrono::seconds(10)));
    start_server("");
    for (const char* target : {"/events", "/events/x-123456", "/events/x-123456/audit", ""}) {
        const auto r = admin("GET", target);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(error_code(r), "admin_disabled") << target;
    }
    EXPECT_EQ(error_code(admin("POST", "/events", roster_body("Off").dump())), "admin_disabled");
}

TEST_F(AdminTest, ExportsLinksAsJsonAndCsvWithoutKeys) {
    const std::string id = create("Links")["event"]["id"];
    const auto as_json = admin("GET", "/events/" + id + "/links?format=json");
    ASSERT_EQ(as_json.status, 200) << as_json.body;
    const json links = json::parse(as_json.body);
    EXPECT_EQ(links["event"]["id"], id);
    EXPECT_EQ(links["people"]["attendees"].size(), 3U);
    EXPECT_TRUE(links["people"]["moderators"][0]["access_key"].is_null())
        << "keys are stored only hashed";
    EXPECT_EQ(admin("GET", "/events/" + id + "/links").body, as_json.body) << "json is the default";

    const auto csv = admin("GET", "/events/" + id + "/links?format=csv");
    ASSERT_EQ(csv.status, 200);
    EXPECT_EQ(
        csv.body.rfind("role,full_name,email,eventId,attendeeId,access_url,access_key,team", 0), 0U)
        << csv.body;
    EXPECT_NE(csv.headers.find("text/csv"), std::string::npos);
    EXPECT_NE(csv.headers.find(id + "_links.csv"), std::string::npos);
    EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 6);

    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/links?format=xml")), "bad_param");
}

TEST_F(AdminTest, RotatingKeysIssuesNewOnesAndTheOldStopWorking) {
    const json created = create("Rotate");
    const std::string id = created["event"]["id"];
    const json old_mo = created["people"]["moderators"][0];
    ASSERT_EQ(login(port, id, old_mo).status, 200);

    const auto r = admin("POST", "/events/" + id + "/rotate-keys");
    ASSERT_EQ(r.status, 200) << r.body;
    const json rotated = json::parse(r.body)["people"];
    EXPECT_TRUE(rotated["attendees"].empty()) << "attendees have no keys";
    ASSERT_EQ(rotated["moderators"].size(), 1U);
    ASSERT_EQ(rotated["talent"].size(), 1U);
    const json new_mo = rotated["moderators"][0];
    EXPECT_EQ(new_mo["attendeeId"], old_mo["attendeeId"]);
    EXPECT_NE(new_mo["access_key"], old_mo["access_key"]);

    EXPECT_EQ(login(port, id, old_mo).status, 401);
    EXPECT_EQ(login(port, id, new_mo).status, 200);
    EXPECT_EQ(login(port, id, rotated["talent"][0]).status, 200);
    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/rotate-keys")), "method_not_allowed");
}

TEST_F(AdminTest, ListsParticipantsPageByPageWithTheirStageState) {
    const json created = create("People");
    const std::string id = created["event"]["id"];
    const json ada = created["people"]["attendees"][0];
    const std::string ada_id = ada["attendeeId"];

    // Ada raises her hand through the realtime socket.
    const auto logged_in = login(port, id, ada);
    ASSERT_EQ(logged_in.status, 200);
    WsClient ws(port, "/api/v1/live?e=" + id);
    ws.send({{"type", "hello"}, {"token", json::parse(logged_in.body)["token"]}, {"since", 0}});
    ASSERT_TRUE(ws.wait_for([](const json& m) { return m["type"] == "snapshot"; }));
    ASSERT_EQ(ws.command("raise", {{"question", "When is lunch?"}})["type"], "ack");

    auto page = admin("GET", "/events/" + id + "/participants?role=attendee&limit=2");
    ASSERT_EQ(page.status, 200) << page.body;
    json body = json::parse(page.body);
    ASSERT_EQ(body["participants"].size(), 2U);
    EXPECT_EQ(body["participants"][0]["id"], ada_id);
    EXPECT_EQ(body["participants"][0]["stage"]["state"], "hand_raised");
    EXPECT_EQ(body["participants"][0]["stage"]["question"], "When is lunch?");
    EXPECT_EQ(body["participants"][1]["stage"]["state"], "watching");
    ASSERT_TRUE(body["next"].is_string());

    page = admin("GET", "/events/" + id + "/participants?role=attendee&limit=2&after=" +
                            body["next"].get<std::string>());
    body = json::parse(page.body);
    ASSERT_EQ(body["participants"].size(), 1U);
    EXPECT_EQ(body["participants"][0]["name"], "Cy Attendee");
    EXPECT_TRUE(body["next"].is_null());

    body = json::parse(admin("GET", "/events/" + id + "/participants").body);
    EXPECT_EQ(body["participants"].size(), 5U) << "every role when none is asked for";
    EXPECT_EQ(body["participants"][3]["role"], "moderator");
    EXPECT_TRUE(body["participants"][3]["stage"].is_null());

    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/participants?role=boss")), "bad_param");
    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/participants?limit=0")), "bad_param");
    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/participants?after=nobody")),
              "bad_param");
}

TEST_F(AdminTest, ShowsTheAuditLogPageByPage) {
    const std::string id = create("Audit")["event"]["id"];
    ASSERT_EQ(admin("POST", "/events/" + id + "/rotate-keys").status, 200);

    auto r = admin("GET", "/events/" + id + "/audit?limit=1");
    ASSERT_EQ(r.status, 200) << r.body;
    json body = json::parse(r.body);
    ASSERT_EQ(body["entries"].size(), 1U);
    EXPECT_EQ(body["entries"][0]["action"], "event_created");
    ASSERT_TRUE(body["next"].is_number());

    r = admin("GET", "/events/" + id + "/audit?limit=5&after=" + body["next"].dump());
    body = json::parse(r.body);
    ASSERT_EQ(body["entries"].size(), 1U);
    EXPECT_EQ(body["entries"][0]["action"], "access_keys_rotated");
    EXPECT_EQ(body["entries"][0]["actor_id"], "admin");
    EXPECT_TRUE(body["next"].is_null());

    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/audit?after=-1")), "bad_param");
    EXPECT_EQ(error_code(admin("GET", "/events/" + id + "/audit?limit=x")), "bad_param");
}

TEST_F(AdminTest, UnknownEventsAndRoutesHaveStableCodes) {
    for (const char* suffix : {"", "/links", "/participants", "/audit"}) {
        const auto r = admin("GET", std::string("/events/no-such-event-123456") + suffix);
        EXPECT_EQ(r.status, 404) << suffix;
        EXPECT_EQ(error_code(r), "unknown_event") << suffix;
    }
    EXPECT_EQ(error_code(admin("POST", "/events/no-such-event-123456/rotate-keys")),
              "unknown_event");
    auto r = admin("GET", "/events/Not%20An%20Id");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(error_code(r), "bad_event_id");
    EXPECT_EQ(error_code(admin("GET", "/events/x-123456/nothing-here")), "not_found");
    EXPECT_EQ(error_code(admin("GET", "/stuff")), "not_found");
    EXPECT_EQ(error_code(admin("DELETE", "/events")), "method_not_allowed");
}

}  // namespace
}  // namespace onstage::testing
