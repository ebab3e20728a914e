// Signing out: a moderator who leaves hands their work back to the shared list, goes off air,
// and the session ends in every tab — the old token cannot be replayed, a new login works.
#include "integration/realtime_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

TEST_F(RealtimeTest, AModeratorSigningOutReturnsTheirWorkAndEndsEveryTab) {
    const Person& ada = attendees[0];
    const Person& mo = moderators[0];
    const std::string mo_token = token_of(mo);
    auto mo_tab = connect(mo, 0, mo_token);
    auto mo_other_tab = connect(mo, 0, mo_token);
    auto mia = connect(moderators[1]);
    auto ada_ws = connect(ada);

    ASSERT_EQ(ada_ws->command("raise", {{"question", "Is there a recording?"}})["type"], "ack");
    ASSERT_EQ(mo_tab->command("claim", {{"attendee_id", ada.id}})["type"], "ack");
    ASSERT_EQ(mo_tab->command("invite", {{"attendee_id", ada.id}})["type"], "ack");
    ASSERT_EQ(mo_tab->command("set_on_air", {{"on_air", true}})["type"], "ack");
    ASSERT_TRUE(mia->wait_for([&](const json& m) { return is_status(m, ada.id, "invited"); }));

    const json reply = mo_tab->command("sign_out");
    EXPECT_EQ(reply["type"], "ack") << reply.dump();

    // Both of Mo's tabs are told and closed normally.
    for (auto* tab : {mo_tab.get(), mo_other_tab.get()}) {
        const auto revoked = tab->wait_for([](const json& m) { return m["type"] == "revoked"; });
        ASSERT_TRUE(revoked);
        EXPECT_EQ((*revoked)["reason"], "signed_out");
        EXPECT_EQ(tab->wait_closed(), 1000);
    }

    // The invite went back to the shared list: Ada is told, Mia sees the hand unclaimed and
    // Mo off air and offline.
    const auto notice = ada_ws->wait_for([](const json& m) { return m["type"] == "notice"; });
    ASSERT_TRUE(notice);
    EXPECT_EQ((*notice)["kind"], "moderator_left");
    const auto back =
        mia->wait_for([&](const json& m) { return is_status(m, ada.id, "hand_raised"); });
    ASSERT_TRUE(back);
    EXPECT_FALSE((*back)["attendee"].contains("moderator_id") &&
                 !(*back)["attendee"]["moderator_id"].is_null())
        << back->dump();
    ASSERT_TRUE(mia->wait_for([&](const json& m) {
        return m["type"] == "on_air" && m["moderator_id"] == mo.id && m["on_air"] == false;
    }));
    ASSERT_TRUE(mia->wait_for([&](const json& m) {
        return m["type"] == "presence" && m["participant_id"] == mo.id && m["online"] == false;
    }));

    // The old token is dead; signing in again gives a fresh session.
    expect_token_revoked(mo_token);
    auto again = connect(mo);
    EXPECT_EQ(again->command("claim", {{"attendee_id", ada.id}})["type"], "ack");
}

TEST_F(RealtimeTest, AnAttendeeSigningOutKeepsTheirHandRaised) {
    const Person& bo = attendees[1];
    auto bo_ws = connect(bo);
    ASSERT_EQ(bo_ws->command("raise", {{"question", "Where are the slides?"}})["type"], "ack");
    EXPECT_EQ(bo_ws->command("sign_out")["type"], "ack");
    EXPECT_EQ(bo_ws->wait_closed(), 1000);
    // Like closing the tab: the question waits for a moderator.
    auto mo = connect(moderators[0]);
    const auto snapshot = mo->wait_for([](const json& m) { return m["type"] == "snapshot"; });
    ASSERT_TRUE(snapshot);
    EXPECT_NE(snapshot->dump().find("Where are the slides?"), std::string::npos);
}

}  // namespace
}  // namespace onstage::testing
