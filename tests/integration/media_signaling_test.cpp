// Server-mediated signaling against a real Janus that `onstage serve` spawns: the plans each
// role gets as the stage moves, publish/subscribe relayed to Janus with a real Chromium offer,
// the refusals (with no Janus handle made), moderation, kick, and a Janus killed mid-event.
// The Janus API works on loopback but ICE does not (Janus never gathers on loopback), so no
// PeerConnection comes up here and no feed is ever listed: a feed appears in plans only once
// Janus reports its media up. The browser e2e (e2e.media, in a network namespace) checks that
// feeds appear and that frames and audio really flow.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "integration/realtime_fixture.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;

std::string chromium_offer() {
    std::ifstream in(fs::path(ONSTAGE_SOURCE_DIR) / "tests" / "media" / "chromium_offer.sdp",
                     std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The pid of the Janus that serve spawned for this test's data dir (0 if none).
int janus_pid(const std::string& data_dir) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
        const std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (cmdline.starts_with("janus") && cmdline.find(data_dir) != std::string::npos) {
            return std::stoi(pid);
        }
    }
    return 0;
}

class MediaSignalingTest : public RealtimeTest {
protected:
    MediaSignalingTest() { extra_serve_args = {"--media-janus", "spawn"}; }

    // The next `media` plan that satisfies `match`.
    static json plan(WsClient& ws, const std::function<bool(const json&)>& match,
                     std::chrono::milliseconds timeout = 10s) {
        const auto m = ws.wait_for(
            [&](const json& msg) { return msg.value("type", "") == "media" && match(msg); },
            timeout);
        EXPECT_TRUE(m) << "no matching media plan";
        return m ? *m : json::object();
    }

    static bool publishes(const json& p, const std::string& room) {
        return std::find(p["publish"].begin(), p["publish"].end(), room) != p["publish"].end();
    }

    // Raise → claim → invite → accept: `a` ends up interviewing with `m`.
    void into_interview(WsClient& a, WsClient& m, const Person& who) {
        ASSERT_EQ(a.command("raise", {{"question", "May I ask?"}})["type"], "ack");
        ASSERT_EQ(m.command("claim", {{"attendee_id", who.id}})["type"], "ack");
        ASSERT_EQ(m.command("invite", {{"attendee_id", who.id}})["type"], "ack");
        ASSERT_EQ(a.command("accept")["type"], "ack");
    }

    json publish(WsClient& ws, const std::string& room) {
        return ws.command("publish", {{"room", room}, {"source", "camera"}, {"sdp", offer}});
    }

    std::string offer = chromium_offer();
};

TEST_F(MediaSignalingTest, AnInterviewIsRelayedToJanusAndRefusalsNameTheirCode) {
    ASSERT_NE(offer.find("m=video"), std::string::npos) << "tests/media/chromium_offer.sdp";
    auto mo = connect(moderators[0]);
    auto mia = connect(moderators[1]);
    auto tara = connect(talent[0]);
    auto ada = connect(attendees[0]);
    // Before anything happens only talent has something to publish: the stage.
    EXPECT_TRUE(publishes(plan(*tara, [](const json&) { return true; }), "stage"));
    EXPECT_EQ(publish(*ada, "interview")["code"], "media_not_allowed");
    into_interview(*ada, *mo, attendees[0]);
    plan(*ada, [](const json& p) { return publishes(p, "interview"); });
    plan(*mo, [](const json& p) { return publishes(p, "interview"); });

    const json published = publish(*ada, "interview");
    ASSERT_EQ(published["type"], "ack") << published.dump();
    EXPECT_NE(published["sdp"].get<std::string>().find("a=ice-ufrag"), std::string::npos);
    const std::string feed = published["feed"];
    ASSERT_FALSE(feed.empty());
    // Her media is not up (no ICE on loopback), so nobody may subscribe yet — not even mo.
    EXPECT_EQ(mo->command("subscribe", {{"feed", feed}})["code"], "feed_not_visible");
    EXPECT_EQ(mia->command("subscribe", {{"feed", feed}})["code"], "feed_not_visible");
    EXPECT_EQ(tara->command("subscribe", {{"feed", "no-such-feed"}})["code"], "feed_not_visible");
    // She may not publish where her plan doesn't say, nor twice from another tab.
    EXPECT_EQ(publish(*ada, "stage")["code"], "media_not_allowed");
    EXPECT_EQ(publish(*ada, "holding")["code"], "media_not_allowed");
    auto ada2 = connect(attendees[0]);
    EXPECT_EQ(publish(*ada2, "interview")["code"], "already_publishing");
    EXPECT_EQ(
        ada2->command("publish", {{"room", "stage"}, {"source", "screen"}, {"sdp", offer}})["code"],
        "media_not_allowed");
    // A bad offer: Janus refuses it, and the code says so.
    EXPECT_EQ(
        mo->command("publish", {{"room", "interview"}, {"source", "camera"}, {"sdp", "x"}})["code"],
        "media_failed");
    EXPECT_EQ(mia->command("answer", {{"sub", "s1"}, {"sdp", offer}})["code"],
              "unknown_subscription");
    // Trickled candidates reach Janus for her publication, and only hers.
    EXPECT_EQ(ada->command("trickle", {{"target", "pub:interview:camera"},
                                       {"candidate",
                                        {{"candidate",
                                          "candidate:1 1 udp 2122260223 10.203.0.9 "
                                          "50000 typ host"},
                                         {"sdpMid", "0"},
                                         {"sdpMLineIndex", 0}}}})["type"],
              "ack");
    EXPECT_EQ(ada->command("trickle",
                           {{"target", "pub:interview:camera"}, {"candidate", nullptr}})["type"],
              "ack");
    EXPECT_EQ(mia->command("trickle",
                           {{"target", "pub:interview:camera"}, {"candidate", nullptr}})["code"],
              "media_not_allowed");
}

TEST_F(MediaSignalingTest, TheStageMovesTheMediaAlong) {
    auto mo = connect(moderators[0]);
    auto tara = connect(talent[0]);
    auto ada = connect(attendees[0]);
    into_interview(*ada, *mo, attendees[0]);
    plan(*ada, [](const json& p) { return publishes(p, "interview"); });
    ASSERT_EQ(publish(*ada, "interview")["type"], "ack");

    // approve: the interview publication ends; she publishes a preview into holding.
    ASSERT_EQ(mo->command("approve", {{"attendee_id", attendees[0].id}})["type"], "ack");
    plan(*ada, [](const json& p) { return publishes(p, "holding") && p["publish"].size() == 1; });
    plan(*mo, [](const json& p) { return !publishes(p, "interview"); });
    ASSERT_EQ(publish(*ada, "holding")["type"], "ack");

    // on air: the moderator may publish into the stage (and share a screen there).
    ASSERT_EQ(mo->command("set_on_air", {{"on_air", true}})["type"], "ack");
    const json on_air = plan(*mo, [](const json& p) { return publishes(p, "stage"); });
    EXPECT_TRUE(on_air["screen"]);
    ASSERT_EQ(publish(*mo, "stage")["type"], "ack");

    // promote: she may publish into the stage, and not into holding any more.
    ASSERT_EQ(mo->command("promote", {{"attendee_id", attendees[0].id}})["type"], "ack");
    plan(*ada, [](const json& p) { return publishes(p, "stage") && !publishes(p, "holding"); });
    EXPECT_EQ(publish(*ada, "holding")["code"], "media_not_allowed");
    ASSERT_EQ(publish(*ada, "stage")["type"], "ack");

    // mute is enforced in Janus on her publication, then announced to her and the moderators.
    ASSERT_EQ(mo->command("mute", {{"participant_id", attendees[0].id}})["type"], "ack");
    EXPECT_TRUE(ada->wait_for([](const json& m) { return m.value("type", "") == "moderation"; }));
    ASSERT_EQ(mo->command("unmute", {{"participant_id", attendees[0].id}})["type"], "ack");
    ASSERT_EQ(mo->command("video_off", {{"participant_id", attendees[0].id}})["type"], "ack");

    // demote: back to holding.
    ASSERT_EQ(mo->command("demote", {{"attendee_id", attendees[0].id}})["type"], "ack");
    plan(*ada, [](const json& p) { return publishes(p, "holding") && !publishes(p, "stage"); });
    EXPECT_EQ(publish(*ada, "stage")["code"], "media_not_allowed");

    // off air: the moderator's stage right goes.
    ASSERT_EQ(mo->command("set_on_air", {{"on_air", false}})["type"], "ack");
    plan(*mo, [](const json& p) { return !publishes(p, "stage"); });

    // kick: her publications are kicked from Janus and her tab is closed.
    ASSERT_EQ(publish(*ada, "holding")["type"], "ack");
    ASSERT_EQ(mo->command("kick", {{"attendee_id", attendees[0].id}})["type"], "ack");
    EXPECT_EQ(ada->wait_closed(), 4403);
    EXPECT_EQ(tara->command("ping")["type"], "ack");  // the server carries on
}

TEST_F(MediaSignalingTest, AKilledJanusComesBackAndEveryTabGetsANewEpoch) {
    auto mo = connect(moderators[0]);
    auto tara = connect(talent[0]);
    const json first = plan(*tara, [](const json&) { return true; });
    ASSERT_EQ(mo->command("set_on_air", {{"on_air", true}})["type"], "ack");
    plan(*mo, [](const json& p) { return publishes(p, "stage"); });
    ASSERT_EQ(publish(*tara, "stage")["type"], "ack");
    const int pid = janus_pid((tmp / "data").string());
    ASSERT_GT(pid, 0) << "serve spawned no Janus";
    ASSERT_EQ(::kill(pid, SIGKILL), 0);

    // Liveness only: within a generous time, a new Janus and a new epoch for everyone.
    const std::uint64_t first_epoch = first.value("epoch", std::uint64_t{0});
    ASSERT_GT(first_epoch, 0U) << first.dump();
    const json after = plan(
        *tara, [&](const json& p) { return p.value("epoch", std::uint64_t{0}) > first_epoch; },
        20s);
    EXPECT_TRUE(publishes(after, "stage"));
    plan(
        *mo, [&](const json& p) { return p.value("epoch", std::uint64_t{0}) > first_epoch; }, 20s);
    EXPECT_NE(janus_pid((tmp / "data").string()), pid);
    // The talent publishes again into the recreated stage room.
    const json again = publish(*tara, "stage");
    EXPECT_EQ(again["type"], "ack") << again.dump();
}

}  // namespace
}  // namespace onstage::testing
