#include "hub/event_hub.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace onstage::hub {
namespace {

using domain::Role;

constexpr domain::TimeMs kT0 = 1'700'000'000'000;
constexpr domain::TimeMs kTtl = limits::kIdleStreamTtlMs;

std::vector<std::string> texts(const std::vector<Frame>& frames) {
    std::vector<std::string> out;
    out.reserve(frames.size());
    for (const auto& f : frames) {
        out.push_back(*f.payload);
    }
    return out;
}

std::vector<std::uint64_t> seqs(const std::vector<Frame>& frames) {
    std::vector<std::uint64_t> out;
    out.reserve(frames.size());
    for (const auto& f : frames) {
        out.push_back(f.seq);
    }
    return out;
}

// A tab that records what the hub delivered to it.
class RecordingTab : public Listener {
public:
    void deliver(const Frame& frame) override { frames.push_back(frame); }

    std::vector<std::uint64_t> seqs() const { return hub::seqs(frames); }

    std::vector<Frame> frames;
};

std::shared_ptr<RecordingTab> new_tab() {
    return std::make_shared<RecordingTab>();
}

// Attaches a tab that has never seen anything (since = 0) and checks it needs no snapshot.
void connect_first(EventHub& hub, const std::string& id, Role role,
                   const std::shared_ptr<RecordingTab>& tab) {
    const auto missed = hub.attach(id, role, tab, 0, kT0);
    ASSERT_TRUE(missed.has_value()) << id;
    EXPECT_TRUE(missed->empty()) << id;
}

class EventHubRouting : public ::testing::Test {
protected:
    void SetUp() override {
        connect_first(hub, "mod-1", Role::moderator, mod1);
        connect_first(hub, "mod-2", Role::moderator, mod2);
        connect_first(hub, "att-1", Role::attendee, att1);
        connect_first(hub, "att-2", Role::attendee, att2);
        connect_first(hub, "tal-1", Role::talent, talent);
    }

    EventHub hub{"town-hall-k3m9qz"};
    std::shared_ptr<RecordingTab> mod1 = new_tab();
    std::shared_ptr<RecordingTab> mod2 = new_tab();
    std::shared_ptr<RecordingTab> att1 = new_tab();
    std::shared_ptr<RecordingTab> att2 = new_tab();
    std::shared_ptr<RecordingTab> talent = new_tab();
};

TEST_F(EventHubRouting, SendToRoleReachesExactlyTheModeratorsTabs) {
    EXPECT_EQ(hub.send_to_role(Role::moderator, make_payload("hand raised")), 2U);
    EXPECT_EQ(texts(mod1->frames), (std::vector<std::string>{"hand raised"}));
    EXPECT_EQ(texts(mod2->frames), (std::vector<std::string>{"hand raised"}));
    EXPECT_TRUE(att1->frames.empty());
    EXPECT_TRUE(att2->frames.empty());
    EXPECT_TRUE(talent->frames.empty());
}

TEST_F(EventHubRouting, SeqCountsPerParticipant) {
    hub.send_to_role(Role::moderator, make_payload("m1"));
    hub.send_to("att-1", make_payload("you are queued"));
    EXPECT_EQ(hub.send_to_all(make_payload("live list")), 5U);

    EXPECT_EQ(mod1->seqs(), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(mod2->seqs(), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(att1->seqs(), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(att2->seqs(), (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(talent->seqs(), (std::vector<std::uint64_t>{1}));
    EXPECT_EQ(hub.stream_seq("mod-1"), 2U);
    EXPECT_EQ(hub.stream_seq("att-2"), 1U);
    EXPECT_EQ(hub.stream_seq("nobody"), 0U);
}

TEST_F(EventHubRouting, SendToReachesOnlyThatParticipant) {
    EXPECT_EQ(hub.send_to("att-2", make_payload("invited")), 1U);
    EXPECT_EQ(texts(att2->frames), (std::vector<std::string>{"invited"}));
    EXPECT_TRUE(att1->frames.empty());
    EXPECT_TRUE(mod1->frames.empty());
}

TEST_F(EventHubRouting, EveryRecipientSharesOnePayloadObject) {
    const Payload payload = make_payload(R"({"type":"stage","live":[]})");
    hub.send_to_all(payload);
    for (const auto& tab : {mod1, mod2, att1, att2, talent}) {
        ASSERT_EQ(tab->frames.size(), 1U);
        EXPECT_EQ(tab->frames[0].payload.get(), payload.get());
    }
    hub.detach("att-1", att1.get(), kT0);
    const Payload later = make_payload(R"({"type":"stage","live":["att-2"]})");
    hub.send_to_all(later);
    const auto missed = hub.attach("att-1", Role::attendee, new_tab(), 1, kT0);
    ASSERT_TRUE(missed.has_value());
    ASSERT_EQ(missed->size(), 1U);
    EXPECT_EQ(missed->front().payload.get(), later.get()) << "resumed frames share it too";
    EXPECT_EQ(att2->frames.back().payload.get(), later.get());
}

TEST_F(EventHubRouting, TwoTabsOfOneParticipantBothGetEveryFrameWithTheSameSeq) {
    hub.send_to("att-1", make_payload("before"));
    const auto second = new_tab();
    const auto missed = hub.attach("att-1", Role::attendee, second, 1, kT0);
    ASSERT_TRUE(missed.has_value());
    EXPECT_TRUE(missed->empty());
    EXPECT_EQ(hub.connected_tabs(), 6U);

    EXPECT_EQ(hub.send_to("att-1", make_payload("a")), 2U);
    EXPECT_EQ(hub.send_to_all(make_payload("b")), 6U);
    EXPECT_EQ(att1->seqs(), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_EQ(second->seqs(), (std::vector<std::uint64_t>{2, 3}));
    EXPECT_EQ(texts(second->frames), (std::vector<std::string>{"a", "b"}));
}

TEST_F(EventHubRouting, AttachingTheSameTabTwiceDeliversOnce) {
    ASSERT_TRUE(hub.attach("att-1", Role::attendee, att1, 0, kT0).has_value());
    EXPECT_EQ(hub.connected_tabs(), 5U);
    EXPECT_EQ(hub.send_to("att-1", make_payload("once")), 1U);
    EXPECT_EQ(att1->frames.size(), 1U);
}

TEST_F(EventHubRouting, ADetachedTabGetsNothingMore) {
    hub.detach("mod-1", mod1.get(), kT0 + 5);
    EXPECT_EQ(hub.connected_tabs(), 4U);
    EXPECT_EQ(hub.send_to_role(Role::moderator, make_payload("x")), 1U);
    EXPECT_TRUE(mod1->frames.empty());
    EXPECT_EQ(mod2->frames.size(), 1U);
    EXPECT_EQ(hub.streams(), 5U) << "the stream stays for a reconnect";
}

TEST_F(EventHubRouting, TabsDestroyedWithoutDetachAreSkippedAndForgotten) {
    const auto second = new_tab();
    ASSERT_TRUE(hub.attach("att-1", Role::attendee, second, 0, kT0).has_value());
    EXPECT_EQ(hub.connected_tabs(), 6U);
    att1.reset();  // the session died without detaching
    EXPECT_EQ(hub.send_to("att-1", make_payload("still here?")), 1U);
    EXPECT_EQ(second->frames.size(), 1U);
    EXPECT_EQ(hub.connected_tabs(), 5U);
    mod1.reset();
    EXPECT_EQ(hub.send_to_role(Role::moderator, make_payload("m")), 1U);
    EXPECT_EQ(hub.connected_tabs(), 4U);
}

TEST_F(EventHubRouting, DetachFromADestroyedSessionStillCountsTheTabOut) {
    const Listener* gone = att2.get();
    att2.reset();
    hub.detach("att-2", gone, kT0 + 1);
    EXPECT_EQ(hub.connected_tabs(), 4U);
}

TEST_F(EventHubRouting, GroupSendsSurviveMembersBeingPruned) {
    const auto mod3 = new_tab();
    connect_first(hub, "mod-3", Role::moderator, mod3);
    hub.detach("mod-1", mod1.get(), kT0);
    EXPECT_EQ(hub.prune_idle(kT0 + kTtl + 1), 1U);
    EXPECT_EQ(hub.send_to_role(Role::moderator, make_payload("after prune")), 2U);
    EXPECT_EQ(mod2->frames.size(), 1U);
    EXPECT_EQ(mod3->frames.size(), 1U);
    EXPECT_EQ(hub.send_to_role(Role::attendee, make_payload("attendees")), 2U);
}

TEST(EventHub, ResumeGivesExactlyTheMissedFramesInOrder) {
    EventHub hub("e");
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    hub.send_to("att", make_payload("e1"));
    hub.send_to_all(make_payload("e2"));
    ASSERT_EQ(tab->seqs(), (std::vector<std::uint64_t>{1, 2}));

    hub.detach("att", tab.get(), kT0 + 10);
    EXPECT_EQ(hub.send_to("att", make_payload("e3")), 0U);
    EXPECT_EQ(hub.send_to_all(make_payload("e4")), 0U);
    EXPECT_EQ(hub.send_to_role(Role::attendee, make_payload("e5")), 0U);

    const auto back = new_tab();
    const auto missed = hub.attach("att", Role::attendee, back, 2, kT0 + 20);
    ASSERT_TRUE(missed.has_value());
    EXPECT_EQ(seqs(*missed), (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(texts(*missed), (std::vector<std::string>{"e3", "e4", "e5"}));

    hub.send_to("att", make_payload("e6"));
    EXPECT_EQ(back->seqs(), (std::vector<std::uint64_t>{6}));
    EXPECT_EQ(tab->frames.size(), 2U) << "the old tab got nothing after detaching";
}

TEST(EventHub, MissingMoreThanTheResumeBufferMeansSnapshot) {
    EventHub hub("e", 4);
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    hub.send_to("att", make_payload("seen"));
    hub.detach("att", tab.get(), kT0);
    for (int i = 0; i < 5; ++i) {
        hub.send_to_all(make_payload("missed"));
    }
    EXPECT_FALSE(hub.attach("att", Role::attendee, new_tab(), 1, kT0).has_value());
    EXPECT_EQ(hub.stream_seq("att"), 6U) << "the snapshot is tagged with this";
    const auto recent = hub.attach("att", Role::attendee, new_tab(), 2, kT0);
    ASSERT_TRUE(recent.has_value()) << "frames 3-6 are still kept";
    EXPECT_EQ(seqs(*recent), (std::vector<std::uint64_t>{3, 4, 5, 6}));
}

TEST(EventHub, AClientAheadOfTheStreamGetsASnapshot) {
    EventHub hub("e");
    hub.send_to("att", make_payload("one"));
    EXPECT_FALSE(hub.attach("att", Role::attendee, new_tab(), 9, kT0).has_value());
}

TEST(EventHub, PruneDropsOnlyStreamsDetachedLongerThanTheTtl) {
    EventHub hub("e");
    const auto kept_tab = new_tab();
    const auto early = new_tab();
    const auto late = new_tab();
    connect_first(hub, "connected", Role::attendee, kept_tab);
    connect_first(hub, "early", Role::attendee, early);
    connect_first(hub, "late", Role::moderator, late);
    hub.detach("early", early.get(), kT0 + 1'000);
    hub.detach("late", late.get(), kT0 + 5'000);

    EXPECT_EQ(hub.prune_idle(kT0 + 1'000 + kTtl), 0U) << "exactly the ttl is not longer";
    EXPECT_EQ(hub.prune_idle(kT0 + 1'001 + kTtl), 1U);
    EXPECT_EQ(hub.streams(), 2U);
    EXPECT_EQ(hub.stream_seq("early"), 0U);
    EXPECT_EQ(hub.prune_idle(kT0 + 5'001 + kTtl), 1U);
    EXPECT_EQ(hub.prune_idle(kT0 + 100 * kTtl), 0U) << "never one with a tab";
    EXPECT_EQ(hub.streams(), 1U);
    EXPECT_EQ(hub.send_to_all(make_payload("x")), 1U);
}

TEST(EventHub, AShortTtlPassedExplicitlyIsHonoured) {
    EventHub hub("e");
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    hub.detach("att", tab.get(), kT0);
    EXPECT_EQ(hub.prune_idle(kT0 + 50, 100), 0U);
    EXPECT_EQ(hub.prune_idle(kT0 + 101, 100), 1U);
}

TEST(EventHub, AReconnectAfterPruningGetsASnapshot) {
    EventHub hub("e");
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    for (int i = 0; i < 3; ++i) {
        hub.send_to("att", make_payload("old"));
    }
    hub.detach("att", tab.get(), kT0);
    ASSERT_EQ(hub.prune_idle(kT0 + kTtl + 1), 1U);
    EXPECT_FALSE(hub.attach("att", Role::attendee, new_tab(), 3, kT0 + kTtl + 2).has_value());
}

TEST(EventHub, AReconnectAfterPruningGetsASnapshotEvenIfNewEventsOutnumberTheOldOnes) {
    EventHub hub("e");
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    hub.send_to("att", make_payload("old-1"));
    hub.send_to("att", make_payload("old-2"));
    hub.detach("att", tab.get(), kT0);
    ASSERT_EQ(hub.prune_idle(kT0 + kTtl + 1), 1U);
    // Events for the participant while they are away recreate the stream; the events from
    // between the prune and then are in no stream, so resuming from seq 2 would lose them.
    for (int i = 0; i < 5; ++i) {
        hub.send_to("att", make_payload("new"));
    }
    EXPECT_FALSE(hub.attach("att", Role::attendee, new_tab(), 2, kT0 + kTtl + 2).has_value());
    const std::uint64_t tagged = hub.stream_seq("att");
    EXPECT_GT(tagged, 5U);
    const auto up_to_date = hub.attach("att", Role::attendee, new_tab(), tagged, kT0 + kTtl + 3);
    ASSERT_TRUE(up_to_date.has_value()) << "resuming from the snapshot's seq works";
    EXPECT_TRUE(up_to_date->empty());
}

TEST(EventHub, StreamsOfPeopleWhoNeverConnectedGetEveryoneSendsButNoRoleSends) {
    EventHub hub("e");
    hub.send_to("absent", make_payload("you were invited"));
    EXPECT_EQ(hub.streams(), 1U);
    const auto tab = new_tab();
    connect_first(hub, "present", Role::attendee, tab);
    EXPECT_EQ(hub.send_to_role(Role::attendee, make_payload("role")), 1U);
    EXPECT_EQ(hub.stream_seq("absent"), 1U) << "its role is unknown until it attaches";
    hub.send_to_all(make_payload("all"));
    EXPECT_EQ(hub.stream_seq("absent"), 2U);
    EXPECT_FALSE(hub.attach("absent", Role::attendee, new_tab(), 0, kT0).has_value())
        << "a first connect to a stream with events needs a snapshot";
}

TEST(EventHub, StreamsWithoutADetachTimeArePrunedATtlAfterThePruneThatSawThemIdle) {
    EventHub hub("e");
    hub.send_to("never-connected", make_payload("x"));
    auto tab = new_tab();
    connect_first(hub, "crashed", Role::attendee, tab);
    tab.reset();  // gone without detach
    EXPECT_EQ(hub.prune_idle(kT0 + 100 * kTtl), 0U) << "idle time starts now";
    EXPECT_EQ(hub.connected_tabs(), 0U);
    EXPECT_EQ(hub.prune_idle(kT0 + 101 * kTtl), 0U);
    EXPECT_EQ(hub.prune_idle(kT0 + 101 * kTtl + 1), 2U);
    EXPECT_EQ(hub.streams(), 0U);
}

TEST(EventHub, AttachingReopensAnIdleStream) {
    EventHub hub("e");
    const auto tab = new_tab();
    connect_first(hub, "att", Role::attendee, tab);
    hub.detach("att", tab.get(), kT0);
    ASSERT_TRUE(hub.attach("att", Role::attendee, tab, 0, kT0 + kTtl).has_value());
    EXPECT_EQ(hub.prune_idle(kT0 + 10 * kTtl), 0U);
    EXPECT_EQ(hub.send_to("att", make_payload("hi")), 1U);
}

}  // namespace
}  // namespace onstage::hub
