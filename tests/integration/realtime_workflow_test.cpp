// The whole screening workflow over the real server: REST login, one WebSocket per tab, two
// moderators working the same event, the attendee's side of each step, the races users cause,
// a server restart in the middle, and a resume that misses nothing.
#include "integration/realtime_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

TEST_F(RealtimeTest, TwoModeratorsWalkAnAttendeeFromRaiseToKick) {
    const Person& ada = attendees[0];
    auto mo = connect(moderators[0]);
    auto mia = connect(moderators[1]);
    auto ada_ws = connect(ada);
    auto tara = connect(talent[0]);
    ASSERT_TRUE(mo->wait_for([](const json& m) { return m["type"] == "snapshot"; }));

    // Raise: both moderators see it with the question, and the attendee sees their own status.
    EXPECT_EQ(ada_ws->command("raise", {{"question", "  Will the library stay open?  "}})["type"],
              "ack");
    for (auto* ws : {mo.get(), mia.get()}) {
        const auto seen =
            ws->wait_for([&](const json& m) { return is_status(m, ada.id, "hand_raised"); });
        ASSERT_TRUE(seen);
        EXPECT_EQ((*seen)["attendee"]["question"], "Will the library stay open?");
        EXPECT_EQ((*seen)["attendee"]["name"], "Ada Attendee");
        EXPECT_GT((*seen)["seq"].get<std::int64_t>(), 0);
    }
    ASSERT_TRUE(
        ada_ws->wait_for([&](const json& m) { return is_status(m, ada.id, "hand_raised"); }));

    // Race: both claim; the second is told it is taken, and nothing changes for it.
    EXPECT_EQ(mo->command("claim", {{"attendee_id", ada.id}})["type"], "ack");
    const json second = mia->command("claim", {{"attendee_id", ada.id}});
    EXPECT_EQ(second["type"], "error");
    EXPECT_EQ(second["code"], "already_claimed");
    ASSERT_TRUE(mia->wait_for([&](const json& m) { return is_status(m, ada.id, "queued"); }));

    // Race: the other moderator tries to invite someone in Mo's queue.
    EXPECT_EQ(mia->command("invite", {{"attendee_id", ada.id}})["code"], "not_your_queue");
    EXPECT_EQ(mo->command("invite", {{"attendee_id", ada.id}})["type"], "ack");
    const auto invited =
        ada_ws->wait_for([&](const json& m) { return is_status(m, ada.id, "invited"); });
    ASSERT_TRUE(invited);
    EXPECT_GT((*invited)["attendee"]["invite_expires_at"].get<std::int64_t>(), 0);
    EXPECT_EQ(mo->command("invite", {{"attendee_id", attendees[1].id}})["code"], "no_hand_raised")
        << "Bo never raised a hand";

    EXPECT_EQ(ada_ws->command("accept")["type"], "ack");
    EXPECT_EQ(mo->command("mute", {{"participant_id", ada.id}})["type"], "ack");
    const auto muted = ada_ws->wait_for([](const json& m) { return m["type"] == "moderation"; });
    ASSERT_TRUE(muted);
    EXPECT_EQ((*muted)["kind"], "mute");
    EXPECT_EQ(mo->command("approve", {{"attendee_id", ada.id}})["type"], "ack");
    ASSERT_TRUE(ada_ws->wait_for([&](const json& m) { return is_status(m, ada.id, "holding"); }));

    // Any moderator may promote and demote.
    EXPECT_EQ(mia->command("promote", {{"attendee_id", ada.id}})["type"], "ack");
    ASSERT_TRUE(mo->wait_for([&](const json& m) { return is_status(m, ada.id, "live"); }));
    // The talent hears of her only now that she is live (not of her hand, queue or interview)
    // and again when she leaves the stage.
    const auto first_for_talent =
        tara->wait_for([](const json& m) { return m["type"] == "status"; });
    ASSERT_TRUE(first_for_talent);
    EXPECT_TRUE(is_status(*first_for_talent, ada.id, "live")) << first_for_talent->dump();
    EXPECT_EQ(mo->command("demote", {{"attendee_id", ada.id}})["type"], "ack");
    ASSERT_TRUE(ada_ws->wait_for([&](const json& m) { return is_status(m, ada.id, "holding"); }));
    ASSERT_TRUE(tara->wait_for([&](const json& m) { return is_status(m, ada.id, "holding"); }));

    // Kick: the attendee's socket gets `revoked` and is closed; their token and login are dead.
    const std::string old_token = token_of(ada);
    EXPECT_EQ(mo->command("kick", {{"attendee_id", ada.id}, {"reason", "abusive"}})["type"], "ack");
    const auto revoked = ada_ws->wait_for([](const json& m) { return m["type"] == "revoked"; });
    ASSERT_TRUE(revoked);
    EXPECT_GT(revoked->value("seq", std::int64_t{0}), 0) << "a stream event like any other";
    EXPECT_EQ(ada_ws->wait_closed(), 4403);
    EXPECT_EQ(login(ada).status, 403);
    expect_token_revoked(old_token);

    // /metrics saw it all: the raise, the refused second claim, the commands' delivery times,
    // the tabs still signed in (Mo, Mia, Tara).
    const auto metrics = http_get(port, "/metrics");
    ASSERT_EQ(metrics.status, 200);
    const std::string& text = metrics.body;
    EXPECT_NE(text.find("\nonstage_hand_raises_total 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("onstage_errors_total{code=\"already_claimed\"} 1\n"), std::string::npos);
    EXPECT_NE(text.find("\nonstage_tabs_attached 3\n"), std::string::npos) << text;
    std::smatch count;
    ASSERT_TRUE(std::regex_search(text, count,
                                  std::regex(R"(onstage_command_delivery_seconds_count (\d+))")));
    EXPECT_EQ(std::stoi(count[1]), 9)
        << "raise, claim, invite, accept, mute, approve, promote, demote, kick (refusals and "
           "pings are not deliveries)";
}

TEST_F(RealtimeTest, HandsSurviveDisconnectAndRestartAndWaitForAModerator) {
    // Hands raised while no moderator is online, then the attendee drops.
    {
        auto bo = connect(attendees[1]);
        EXPECT_EQ(bo->command("raise", {{"question", "First question"}})["type"], "ack");
    }
    {
        auto cy = connect(attendees[2]);
        EXPECT_EQ(cy->command("raise", {{"question", "Second question"}})["type"], "ack");
    }
    restart_server();
    auto mo = connect(moderators[0]);
    const auto snapshot = mo->wait_for([](const json& m) { return m["type"] == "snapshot"; });
    ASSERT_TRUE(snapshot);
    std::vector<std::string> questions;
    for (const auto& a : (*snapshot)["attendees"]) {
        questions.push_back(a["question"]);
    }
    EXPECT_EQ(questions, (std::vector<std::string>{"First question", "Second question"}))
        << "oldest first";

    // The attendee comes back and finds their hand where they left it.
    auto bo = connect(attendees[1]);
    const auto mine = bo->wait_for([](const json& m) { return m["type"] == "snapshot"; });
    ASSERT_TRUE(mine);
    EXPECT_EQ((*mine)["me"]["state"], "hand_raised");
}

TEST_F(RealtimeTest, AReconnectingTabResumesWithoutMissingAnything) {
    auto mo = connect(moderators[0]);
    const auto snap = mo->wait_for([](const json& m) { return m["type"] == "snapshot"; });
    ASSERT_TRUE(snap);
    std::uint64_t last = (*snap)["seq"];
    auto dee = connect(attendees[3]);
    EXPECT_EQ(dee->command("raise", {{"question", "q1"}})["type"], "ack");
    const auto first =
        mo->wait_for([&](const json& m) { return is_status(m, attendees[3].id, "hand_raised"); });
    ASSERT_TRUE(first);
    last = (*first)["seq"];
    mo.reset();  // the moderator's tab drops…

    EXPECT_EQ(dee->command("edit_question", {{"question", "q2"}})["type"], "ack");
    EXPECT_EQ(dee->command("lower")["type"], "ack");
    auto back = connect(moderators[0], last);  // …and comes back with since = last seen
    // The replay: consecutive seqs from last + 1, no snapshot, and both changes in order.
    std::vector<json> replayed;
    while (auto m = back->next(std::chrono::seconds(2))) {
        // The media plan and the broadcast are state, sent after every welcome without seq.
        if ((*m)["type"] != "media" && (*m)["type"] != "broadcast") {
            replayed.push_back(*m);
        }
    }
    ASSERT_FALSE(replayed.empty());
    std::vector<json> statuses;
    for (std::size_t i = 0; i < replayed.size(); ++i) {
        EXPECT_NE(replayed[i]["type"], "snapshot");
        EXPECT_EQ(replayed[i]["seq"].get<std::uint64_t>(), last + 1 + i) << replayed[i].dump();
        if (replayed[i]["type"] == "status") {
            statuses.push_back(replayed[i]);
        }
    }
    ASSERT_EQ(statuses.size(), 2U);
    EXPECT_EQ(statuses[0]["attendee"]["question"], "q2");
    EXPECT_EQ(statuses[1]["attendee"]["state"], "watching");
}

}  // namespace
}  // namespace onstage::testing
