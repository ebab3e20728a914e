// The mediator's rules against a recording SFU. The real Janus is exercised by the integration
// and browser tests; here the SFU is a fake so that every refusal can be checked for "and the
// SFU was never asked".
#include "media/event_media.hpp"

#include "support/recording_sfu.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <map>

namespace onstage::media {
namespace {

using domain::Role;
using domain::StageState;

class EventMediaTest : public ::testing::Test {
protected:
    EventMediaTest()
        : media(
              &sfu, "ev", [this](std::string_view id) { return roles[std::string(id)]; },
              [](std::string_view id) { return "Name of " + std::string(id); }) {
        roles["m1"] = staff(Role::moderator);
        roles["m2"] = staff(Role::moderator);
        roles["t"] = staff(Role::talent);
        roles["a"] = attendee(StageState::watching);
        roles["b"] = attendee(StageState::watching);
    }

    static MediaRole staff(Role role) {
        MediaRole r;
        r.role = role;
        r.online = true;
        return r;
    }
    static MediaRole attendee(StageState state, std::string moderator = {}) {
        MediaRole r;
        r.role = Role::attendee;
        r.state = state;
        r.moderator_id = std::move(moderator);
        r.online = true;
        return r;
    }
    void interview(const std::string& a, const std::string& m) {
        roles[a] = attendee(StageState::interviewing, m);
        roles[m].interviewee = a;
    }

    template <typename T>
    T run(asio::awaitable<T> work) {
        std::optional<T> out;
        auto body = [&out, w = std::move(work)]() mutable -> asio::awaitable<void> {
            out.emplace(co_await std::move(w));
        };
        asio::co_spawn(ioc, body(), asio::detached);
        ioc.restart();
        ioc.run();
        return std::move(*out);
    }

    void run(asio::awaitable<void> work) {
        asio::co_spawn(ioc, std::move(work), asio::detached);
        ioc.restart();
        ioc.run();
    }

    // Runs a publish and, when it worked, reports its PeerConnection up as Janus would.
    MediaResult<MediaAck> pub(asio::awaitable<MediaResult<MediaAck>> work) {
        auto r = run(std::move(work));
        if (r.ok()) {
            media.handle_up(sfu.next_handle - 1);
        }
        return r;
    }

    Plan plan(const std::string& id) { return media.plan_for(id, roles[id]); }

    asio::io_context ioc;
    RecordingSfu sfu;
    std::map<std::string, MediaRole> roles;
    EventMedia media;
    int tab_a = 0;  // addresses stand in for tabs
    int tab_a2 = 0;
    int tab_m1 = 0;
    int tab_t = 0;
};

TEST_F(EventMediaTest, AnInterviewPublishesBothWaysAndEachSeesOnlyTheOther) {
    interview("a", "m1");
    EXPECT_EQ(plan("a").publish, std::vector{RoomKind::interview});
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::interview, Source::camera, "offer-a"));
    ASSERT_TRUE(pa.ok()) << pa.error().code;
    EXPECT_EQ(pa->sdp, "answer to offer-a");
    EXPECT_TRUE(sfu.called("create_room"));
    auto pm = pub(media.publish(&tab_m1, "m1", RoomKind::interview, Source::camera, "offer-m"));
    ASSERT_TRUE(pm.ok());

    const Plan for_m1 = plan("m1");
    ASSERT_EQ(for_m1.feeds.size(), 1U);
    EXPECT_EQ(for_m1.feeds[0].feed, pa->feed);
    EXPECT_EQ(for_m1.feeds[0].participant_id, "a");
    EXPECT_EQ(for_m1.feeds[0].name, "Name of a");
    EXPECT_EQ(for_m1.feeds[0].room, RoomKind::interview);
    ASSERT_EQ(plan("a").feeds.size(), 1U);
    EXPECT_EQ(plan("a").feeds[0].feed, pm->feed);
    EXPECT_TRUE(plan("m2").feeds.empty());
    EXPECT_TRUE(plan("t").feeds.empty());

    auto sub = run(media.subscribe(&tab_m1, "m1", pa->feed));
    ASSERT_TRUE(sub.ok());
    EXPECT_EQ(sub->sdp, "offer of " + pa->feed);
    EXPECT_FALSE(sub->sub.empty());
    ASSERT_TRUE(run(media.answer(&tab_m1, sub->sub, "answer-m")).ok());
    EXPECT_TRUE(sfu.called("start "));
    // Someone else's tab cannot answer or trickle for that subscription.
    EXPECT_EQ(run(media.answer(&tab_a, sub->sub, "x")).error().code, "unknown_subscription");
}

TEST_F(EventMediaTest, AFeedIsSeenOnlyOnceItsMediaIsUp) {
    roles["a"] = attendee(StageState::live);
    auto pa = run(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(pa.ok());
    EXPECT_TRUE(plan("t").feeds.empty());
    sfu.calls.clear();
    EXPECT_EQ(run(media.subscribe(&tab_t, "t", pa->feed)).error().code, "feed_not_visible");
    EXPECT_TRUE(sfu.calls.empty());
    EXPECT_TRUE(media.handle_up(100));
    EXPECT_FALSE(media.handle_up(100));  // once
    EXPECT_EQ(plan("t").feeds.size(), 1U);
    EXPECT_TRUE(run(media.subscribe(&tab_t, "t", pa->feed)).ok());
}

TEST_F(EventMediaTest, RefusalsNeverReachTheSfu) {
    roles["a"] = attendee(StageState::holding);
    auto r = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "offer"));
    EXPECT_EQ(r.error().code, "media_not_allowed");
    roles["b"] = attendee(StageState::live);
    EXPECT_EQ(pub(media.publish(&tab_a, "b", RoomKind::stage, Source::screen, "o")).error().code,
              "media_not_allowed");
    EXPECT_TRUE(sfu.calls.empty());

    // Another moderator's interview feed is not visible to m2, and a made-up id to nobody.
    interview("b", "m1");
    auto pb = pub(media.publish(&tab_a, "b", RoomKind::interview, Source::camera, "o"));
    ASSERT_TRUE(pb.ok());
    sfu.calls.clear();
    EXPECT_EQ(run(media.subscribe(&tab_m1, "m2", pb->feed)).error().code, "feed_not_visible");
    EXPECT_EQ(run(media.subscribe(&tab_t, "t", pb->feed)).error().code, "feed_not_visible");
    EXPECT_EQ(run(media.subscribe(&tab_m1, "m2", "12x")).error().code, "feed_not_visible");
    EXPECT_EQ(run(media.subscribe(&tab_m1, "m2", "99999999999999999999999")).error().code,
              "feed_not_visible");
    EXPECT_EQ(run(media.trickle(&tab_m1, "m2", "pub:stage:camera", std::nullopt)).error().code,
              "media_not_allowed");
    EXPECT_TRUE(sfu.calls.empty());
}

TEST_F(EventMediaTest, ASecondTabOfTheSameParticipantIsRefused) {
    roles["a"] = attendee(StageState::holding);
    ASSERT_TRUE(pub(media.publish(&tab_a, "a", RoomKind::holding, Source::camera, "o")).ok());
    EXPECT_EQ(pub(media.publish(&tab_a2, "a", RoomKind::holding, Source::camera, "o")).error().code,
              "already_publishing");
    // The same tab publishing again replaces its own publication.
    ASSERT_TRUE(pub(media.publish(&tab_a, "a", RoomKind::holding, Source::camera, "o2")).ok());
    EXPECT_TRUE(sfu.called("hangup 100"));
}

TEST_F(EventMediaTest, AStateChangeEndsWhatItNoLongerAllows) {
    roles["a"] = attendee(StageState::live);
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(pa.ok());
    auto sub = run(media.subscribe(&tab_t, "t", pa->feed));
    ASSERT_TRUE(sub.ok());
    ASSERT_EQ(plan("t").feeds.size(), 1U);

    roles["a"] = attendee(StageState::holding);  // demoted
    run(media.enforce());
    EXPECT_TRUE(sfu.called("hangup 100"));  // the publication's handle
    EXPECT_TRUE(plan("t").feeds.empty());
    EXPECT_EQ(plan("a").publish, std::vector{RoomKind::holding});
    EXPECT_EQ(run(media.answer(&tab_t, sub->sub, "late")).error().code, "unknown_subscription");
}

TEST_F(EventMediaTest, AKickedAttendeeIsKickedFromTheSfu) {
    roles["a"] = attendee(StageState::live);
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(pa.ok());
    roles["a"] = attendee(StageState::kicked);
    run(media.enforce());
    EXPECT_TRUE(sfu.called("kick " + pa->feed));
    EXPECT_TRUE(sfu.called("hangup"));
}

TEST_F(EventMediaTest, MuteIsEnforcedNowAndOnEveryLaterPublication) {
    roles["a"] = attendee(StageState::live);
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(pa.ok());
    ASSERT_TRUE(run(media.moderate("a", true, true)).ok());
    EXPECT_TRUE(sfu.called("moderate " + pa->feed + " mid 0 mute"));
    ASSERT_EQ(plan("t").feeds.size(), 1U);
    EXPECT_TRUE(plan("t").feeds[0].audio_muted);
    EXPECT_FALSE(plan("t").feeds[0].video_muted);

    // Republishing (e.g. after a reload) does not escape the mute.
    run(media.tab_gone(&tab_a));
    sfu.calls.clear();
    auto again = pub(media.publish(&tab_a2, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(sfu.called("moderate " + again->feed + " mid 0 mute"));

    ASSERT_TRUE(run(media.moderate("a", true, false)).ok());
    EXPECT_TRUE(sfu.called("moderate " + again->feed + " mid 0 unmute"));
    EXPECT_FALSE(plan("t").feeds[0].audio_muted);
}

TEST_F(EventMediaTest, AResetForgetsEverythingAndMovesTheEpochOn) {
    roles["a"] = attendee(StageState::live);
    ASSERT_TRUE(pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o")).ok());
    const auto epoch = media.epoch();
    media.reset();
    EXPECT_EQ(media.epoch(), epoch + 1);
    EXPECT_TRUE(plan("t").feeds.empty());
    EXPECT_EQ(plan("t").epoch, epoch + 1);
    sfu.calls.clear();
    ASSERT_TRUE(pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o")).ok());
    EXPECT_TRUE(sfu.called("create_room"));  // the room is made again on the new Janus
}

TEST_F(EventMediaTest, SfuTroubleBecomesAStableCode) {
    roles["a"] = attendee(StageState::live);
    sfu.fail_next = SfuError{"sfu_unavailable", "down", 0};
    EXPECT_EQ(pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o")).error().code,
              "media_unavailable");
    // create_room failed, so publish never ran; the next try works.
    auto ok = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(ok.ok());
    sfu.fail_next = SfuError{"sfu_refused", "bad SDP", 465};
    auto sub = run(media.subscribe(&tab_t, "t", ok->feed));
    EXPECT_EQ(sub.error().code, "media_failed");
    EXPECT_NE(sub.error().message.find("bad SDP"), std::string::npos);
}

TEST_F(EventMediaTest, ATabGoingEndsItsPublicationsAndSubscriptions) {
    roles["a"] = attendee(StageState::live);
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o"));
    ASSERT_TRUE(pa.ok());
    ASSERT_TRUE(run(media.subscribe(&tab_t, "t", pa->feed)).ok());
    EXPECT_TRUE(run(media.tab_gone(&tab_a)));
    EXPECT_TRUE(plan("t").feeds.empty());
    EXPECT_FALSE(run(media.tab_gone(&tab_a)));
}

std::vector<std::string> calls_starting(const std::vector<std::string>& calls,
                                        std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& c : calls) {
        if (c.starts_with(prefix)) {
            out.push_back(c.substr(prefix.size()));
        }
    }
    return out;
}

TEST_F(EventMediaTest, ClosingHangsUpEverythingAndDestroysEveryRoomItCreated) {
    interview("a", "m1");
    roles["b"] = attendee(StageState::live);
    auto pa = pub(media.publish(&tab_a, "a", RoomKind::interview, Source::camera, "oa"));
    auto pm = pub(media.publish(&tab_m1, "m1", RoomKind::interview, Source::camera, "om"));
    auto pb = pub(media.publish(&tab_a2, "b", RoomKind::stage, Source::camera, "ob"));
    ASSERT_TRUE(pa.ok() && pm.ok() && pb.ok());
    auto sub_m1 = run(media.subscribe(&tab_m1, "m1", pa->feed));
    auto sub_t = run(media.subscribe(&tab_t, "t", pb->feed));
    ASSERT_TRUE(sub_m1.ok() && sub_t.ok());
    const auto created = calls_starting(sfu.calls, "create_room ");
    ASSERT_EQ(created.size(), 2U);  // the interview room of m1 and the stage
    ASSERT_EQ(media.rooms(), 2U);
    sfu.calls.clear();

    run(media.close());
    // Handles 100..102 are the publications, 103 and 104 the subscriptions.
    auto hangups = calls_starting(sfu.calls, "hangup ");
    std::sort(hangups.begin(), hangups.end());
    EXPECT_EQ(hangups, (std::vector<std::string>{"100", "101", "102", "103", "104"}));
    auto destroyed = calls_starting(sfu.calls, "destroy_room ");
    std::sort(destroyed.begin(), destroyed.end());
    auto expected_rooms = created;
    std::sort(expected_rooms.begin(), expected_rooms.end());
    EXPECT_EQ(destroyed, expected_rooms);
    // The rooms go last, after every handle in them.
    ASSERT_EQ(sfu.calls.size(), 7U);
    EXPECT_TRUE(sfu.calls[5].starts_with("destroy_room ") &&
                sfu.calls[6].starts_with("destroy_room "));
    EXPECT_EQ(media.rooms(), 0U);
    EXPECT_TRUE(media.closed());
    EXPECT_TRUE(plan("m1").feeds.empty());
    EXPECT_TRUE(plan("t").feeds.empty());

    // Nothing reaches the SFU after the close: not new requests, not a second close.
    sfu.calls.clear();
    EXPECT_EQ(pub(media.publish(&tab_a2, "b", RoomKind::stage, Source::camera, "o")).error().code,
              "media_unavailable");
    EXPECT_EQ(run(media.subscribe(&tab_t, "t", pb->feed)).error().code, "feed_not_visible");
    EXPECT_EQ(run(media.answer(&tab_m1, sub_m1->sub, "late")).error().code, "unknown_subscription");
    EXPECT_FALSE(run(media.tab_gone(&tab_a)));
    run(media.enforce());
    run(media.close());
    EXPECT_TRUE(sfu.calls.empty()) << sfu.calls.front();
}

// An SFU whose create_room or publish waits for the test to open a gate, so that close() can
// run while the SFU is still working on a request.
class GatedSfu : public RecordingSfu {
public:
    explicit GatedSfu(asio::io_context& ioc) : gate_(ioc) {
        gate_.expires_at(asio::steady_timer::time_point::max());
    }
    bool gate_rooms = false;
    bool gate_publish = false;
    void open_gate() { gate_.cancel(); }

    asio::awaitable<SfuResult<Ok>> create_room(RoomSpec spec) override {
        if (gate_rooms) {
            co_await wait();
        }
        co_return co_await RecordingSfu::create_room(std::move(spec));
    }
    asio::awaitable<SfuResult<Publication>> publish(RoomId room, FeedId feed, std::string display,
                                                    std::string sdp_offer) override {
        if (gate_publish) {
            co_await wait();
        }
        co_return co_await RecordingSfu::publish(room, feed, std::move(display),
                                                 std::move(sdp_offer));
    }

private:
    asio::awaitable<void> wait() {
        boost::system::error_code ec;  // cancelled = the gate opened
        co_await gate_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    asio::steady_timer gate_;
};

TEST_F(EventMediaTest, WhatTheSfuWasStillDoingWhenTheEventEndedIsUndone) {
    for (const bool gate_rooms : {true, false}) {
        SCOPED_TRACE(gate_rooms ? "close while the room is created" : "close while publishing");
        GatedSfu gated(ioc);
        gated.gate_rooms = gate_rooms;
        gated.gate_publish = !gate_rooms;
        EventMedia m(
            &gated, "ev", [this](std::string_view id) { return roles[std::string(id)]; },
            [](std::string_view) { return std::string(); });
        roles["a"] = attendee(StageState::live);
        std::optional<MediaResult<MediaAck>> result;
        auto publish = [&]() -> asio::awaitable<void> {
            result.emplace(
                co_await m.publish(&tab_a, "a", RoomKind::stage, Source::camera, "offer"));
        };
        asio::co_spawn(ioc, publish(), asio::detached);
        ioc.restart();
        ioc.poll();
        ASSERT_FALSE(result.has_value()) << "the SFU should still be working";
        // Not run(): the gate keeps the context busy, so only what is ready runs (poll).
        asio::co_spawn(ioc, m.close(), asio::detached);
        ioc.restart();
        ioc.poll();
        EXPECT_TRUE(m.closed());
        gated.calls.clear();
        gated.open_gate();
        ioc.restart();
        ioc.poll();
        ASSERT_TRUE(result.has_value());
        EXPECT_EQ(result->error().code, "media_unavailable");
        if (gate_rooms) {
            // The room the SFU made after the end is destroyed at once; nobody publishes.
            ASSERT_EQ(gated.calls.size(), 2U) << gated.calls.front();
            EXPECT_TRUE(gated.calls[0].starts_with("create_room "));
            EXPECT_EQ(gated.calls[1], "destroy_room " + gated.calls[0].substr(12));
        } else {
            // The publication the SFU made after the end is hung up at once.
            ASSERT_EQ(gated.calls.size(), 2U) << gated.calls.front();
            EXPECT_TRUE(gated.calls[0].starts_with("publish "));
            EXPECT_EQ(gated.calls[1], "hangup 100");
        }
        EXPECT_EQ(m.rooms(), 0U);
    }
}

TEST_F(EventMediaTest, ClosingWithoutAnSfuOrWithoutRoomsCallsNothing) {
    run(media.close());
    EXPECT_TRUE(sfu.calls.empty());
    EventMedia off(
        nullptr, "ev", [this](std::string_view id) { return roles[std::string(id)]; },
        [](std::string_view) { return std::string(); });
    run(off.close());
    EXPECT_TRUE(off.closed());
}

TEST_F(EventMediaTest, WithoutAnSfuEveryRequestIsUnavailable) {
    EventMedia off(
        nullptr, "ev", [this](std::string_view id) { return roles[std::string(id)]; },
        [](std::string_view) { return std::string(); });
    roles["a"] = attendee(StageState::live);
    EXPECT_EQ(run(off.publish(&tab_a, "a", RoomKind::stage, Source::camera, "o")).error().code,
              "media_unavailable");
    // …and the plan is empty, so no app asks for a camera it could not use.
    EXPECT_TRUE(off.plan_for("a", roles["a"]).publish.empty());
}

}  // namespace
}  // namespace onstage::media
