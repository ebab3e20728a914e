// Every legal move of DESIGN.md §3 and the decisions around it: where the attendee ends up, who
// holds them, what happens to their question, what is audited and who is told.
#include <stdexcept>
#include <string>
#include <vector>

#include "stage_fixture.hpp"

namespace onstage::domain::testing {
namespace {

using enum StageState;

constexpr const char* kQuestion = "How will the new budget affect schools?";

std::vector<std::string> ids(const std::vector<AttendeeStatus>& statuses) {
    std::vector<std::string> out;
    out.reserve(statuses.size());
    for (const auto& status : statuses) {
        out.push_back(status.attendee_id);
    }
    return out;
}

// A status with no hand and no moderator.
AttendeeStatus bare(const std::string& attendee_id, StageState state, TimeMs updated_at_ms) {
    AttendeeStatus status;
    status.attendee_id = attendee_id;
    status.state = state;
    status.updated_at_ms = updated_at_ms;
    return status;
}

using StageTransitionTest = StageTest;

TEST_F(StageTransitionTest, RaisePutsTheTrimmedQuestionInTheSharedList) {
    const TimeMs at = tick();
    const auto t =
        ok(stage_.raise(kAlice, kAlice, "  How will the new budget affect schools?\n", at));
    expect_single(t, kAlice, "raise", kAlice, watching, hand_raised, at, kQuestion);
    const auto alice = status_of(kAlice);
    EXPECT_EQ(alice.hand, (HandRaise{.question = kQuestion, .raised_at_ms = at}));
    EXPECT_EQ(alice.moderator_id, "");
    EXPECT_EQ(alice.invite_expires_at_ms, 0);
    EXPECT_TRUE(t.notices.empty());
    EXPECT_TRUE(t.revoke_sessions.empty());
    EXPECT_EQ(ids(stage_.raised_hands()), std::vector<std::string>{kAlice});
}

TEST_F(StageTransitionTest, EditQuestionChangesOnlyTheQuestion) {
    bring_to(kAlice, hand_raised);
    const TimeMs raised_at = status_of(kAlice).hand->raised_at_ms;
    const TimeMs at = tick();
    auto t = ok(stage_.edit_question(kAlice, kAlice, "A better question?", at));
    expect_single(t, kAlice, "edit_question", kAlice, hand_raised, hand_raised, at,
                  "A better question?");
    EXPECT_EQ(status_of(kAlice).hand, (HandRaise{.question = "A better question?",
                                                 .raised_at_ms = raised_at,
                                                 .edited_at_ms = at}));

    ok(stage_.claim(kMod1, kAlice, tick()));
    const TimeMs later = tick();
    t = ok(stage_.edit_question(kAlice, kAlice, "Even better?", later));
    expect_single(t, kAlice, "edit_question", kAlice, queued, queued, later, "Even better?");
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_EQ(status_of(kAlice).hand->question, "Even better?");
    EXPECT_EQ(status_of(kAlice).hand->raised_at_ms, raised_at);
}

TEST_F(StageTransitionTest, LowerFromHandRaisedOrQueuedReturnsToWatching) {
    bring_to(kAlice, hand_raised);
    bring_to(kBob, queued);
    TimeMs at = tick();
    auto t = ok(stage_.lower(kAlice, kAlice, at));
    expect_single(t, kAlice, "lower", kAlice, hand_raised, watching, at);
    at = tick();
    t = ok(stage_.lower(kBob, kBob, at));
    expect_single(t, kBob, "lower", kBob, queued, watching, at);
    EXPECT_EQ(status_of(kBob), bare(kBob, watching, at));
    EXPECT_TRUE(t.notices.empty());
    EXPECT_TRUE(stage_.raised_hands().empty());
    EXPECT_TRUE(stage_.queue_of(kMod1).empty());
}

TEST_F(StageTransitionTest, ClaimMovesTheHandIntoTheModeratorsQueue) {
    bring_to(kAlice, hand_raised);
    const auto hand = status_of(kAlice).hand;
    const TimeMs at = tick();
    const auto t = ok(stage_.claim(kMod1, kAlice, at));
    expect_single(t, kMod1, "claim", kAlice, hand_raised, queued, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_EQ(status_of(kAlice).hand, hand);
    EXPECT_EQ(ids(stage_.queue_of(kMod1)), std::vector<std::string>{kAlice});
    EXPECT_TRUE(stage_.queue_of(kMod2).empty());
    // Still in the shared list, which shows claimed hands too.
    EXPECT_EQ(ids(stage_.raised_hands()), std::vector<std::string>{kAlice});
}

TEST_F(StageTransitionTest, ReleaseReturnsTheHandToTheSharedList) {
    bring_to(kAlice, queued);
    const auto hand = status_of(kAlice).hand;
    const TimeMs at = tick();
    const auto t = ok(stage_.release(kMod1, kAlice, at));
    expect_single(t, kMod1, "release", kAlice, queued, hand_raised, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, "");
    EXPECT_EQ(status_of(kAlice).hand, hand);
    EXPECT_TRUE(stage_.queue_of(kMod1).empty());
}

TEST_F(StageTransitionTest, AnyModeratorDismissesAndTheAttendeeIsToldPolitely) {
    bring_to(kAlice, hand_raised);
    bring_to(kBob, queued);  // in kMod1's queue; kMod2 may still dismiss it
    TimeMs at = tick();
    auto t = ok(stage_.dismiss(kMod1, kAlice, at));
    expect_single(t, kMod1, "dismiss", kAlice, hand_raised, watching, at);
    EXPECT_FALSE(status_of(kAlice).hand.has_value());
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "dismissed");
    EXPECT_EQ(t.notices[0].subject_id, kAlice);
    EXPECT_NE(t.notices[0].text.find("Thank you"), std::string::npos);

    at = tick();
    t = ok(stage_.dismiss(kMod2, kBob, at));
    expect_single(t, kMod2, "dismiss", kBob, queued, watching, at);
    EXPECT_EQ(status_of(kBob).moderator_id, "");
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kBob);
    EXPECT_TRUE(stage_.queue_of(kMod1).empty());
}

TEST_F(StageTransitionTest, InviteStartsTheInviteClock) {
    bring_to(kAlice, queued);
    EXPECT_FALSE(stage_.next_invite_expiry().has_value());
    const TimeMs at = tick();
    const auto t = ok(stage_.invite(kMod1, kAlice, at));
    expect_single(t, kMod1, "invite", kAlice, queued, invited, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_EQ(status_of(kAlice).invite_expires_at_ms, at + kInviteTimeout);
    EXPECT_TRUE(status_of(kAlice).hand.has_value());
    EXPECT_EQ(stage_.next_invite_expiry(), at + kInviteTimeout);
    EXPECT_EQ(stage_.interview_of(kMod1)->attendee_id, kAlice);
    EXPECT_TRUE(stage_.queue_of(kMod1).empty());
    // Invited hands leave the shared list: only hand_raised and queued are in it.
    EXPECT_TRUE(stage_.raised_hands().empty());
}

TEST_F(StageTransitionTest, TheInviteTimeoutIsAConstructorParameter) {
    Stage stage{kEvent, sample_roles(), {}};
    EXPECT_EQ(stage.invite_timeout_ms(), limits::kDefaultInviteTimeoutMs);
    ok(stage.raise(kAlice, kAlice, "q", kStart));
    ok(stage.claim(kMod1, kAlice, kStart + 1));
    ok(stage.invite(kMod1, kAlice, kStart + 2));
    EXPECT_EQ(stage.status(kAlice)->invite_expires_at_ms,
              kStart + 2 + limits::kDefaultInviteTimeoutMs);
    EXPECT_THROW((Stage{kEvent, sample_roles(), {}, 0}), std::invalid_argument);
}

TEST_F(StageTransitionTest, AcceptStartsTheInterview) {
    bring_to(kAlice, invited);
    const TimeMs at = tick();
    const auto t = ok(stage_.accept(kAlice, kAlice, at));
    expect_single(t, kAlice, "accept", kAlice, invited, interviewing, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_EQ(status_of(kAlice).invite_expires_at_ms, 0);
    EXPECT_TRUE(status_of(kAlice).hand.has_value());
    EXPECT_EQ(stage_.interview_of(kMod1)->state, interviewing);
    EXPECT_FALSE(stage_.next_invite_expiry().has_value());
}

TEST_F(StageTransitionTest, DeclineLowersTheHandAndTellsTheModerator) {
    bring_to(kAlice, invited);
    const TimeMs at = tick();
    const auto t = ok(stage_.decline(kAlice, kAlice, at));
    expect_single(t, kAlice, "decline", kAlice, invited, watching, at);
    EXPECT_EQ(status_of(kAlice), bare(kAlice, watching, at));
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kMod1);
    EXPECT_EQ(t.notices[0].kind, "invite_declined");
    EXPECT_EQ(t.notices[0].subject_id, kAlice);
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
}

TEST_F(StageTransitionTest, LowerWhileInvitedActsAsDecline) {
    bring_to(kAlice, invited);
    const TimeMs at = tick();
    const auto t = ok(stage_.lower(kAlice, kAlice, at));
    expect_single(t, kAlice, "decline", kAlice, invited, watching, at,
                  "lowered the hand while invited");
    EXPECT_FALSE(status_of(kAlice).hand.has_value());
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kMod1);
    EXPECT_EQ(t.notices[0].kind, "invite_declined");
}

TEST_F(StageTransitionTest, CancelInviteKeepsTheHandInTheQueue) {
    bring_to(kAlice, invited);
    const TimeMs at = tick();
    const auto t = ok(stage_.cancel_invite(kMod1, kAlice, at));
    expect_single(t, kMod1, "cancel_invite", kAlice, invited, queued, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_EQ(status_of(kAlice).invite_expires_at_ms, 0);
    EXPECT_TRUE(status_of(kAlice).hand.has_value());
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "invite_cancelled");
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
    EXPECT_EQ(ids(stage_.queue_of(kMod1)), std::vector<std::string>{kAlice});
}

TEST_F(StageTransitionTest, ApproveSendsToHoldingAndFreesTheModerator) {
    bring_to(kAlice, interviewing);
    const auto hand = status_of(kAlice).hand;
    const TimeMs at = tick();
    const auto t = ok(stage_.approve(kMod1, kAlice, at));
    expect_single(t, kMod1, "approve", kAlice, interviewing, holding, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, "");
    EXPECT_EQ(status_of(kAlice).hand, hand);  // moderators still see what the guest came to ask
    EXPECT_EQ(ids(stage_.holding()), std::vector<std::string>{kAlice});
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
    EXPECT_TRUE(t.notices.empty());
}

TEST_F(StageTransitionTest, RejectReturnsToWatchingWithAPoliteNotice) {
    bring_to(kAlice, interviewing);
    const TimeMs at = tick();
    const auto t = ok(stage_.reject(kMod1, kAlice, at));
    expect_single(t, kMod1, "reject", kAlice, interviewing, watching, at);
    EXPECT_FALSE(status_of(kAlice).hand.has_value());
    EXPECT_EQ(status_of(kAlice).moderator_id, "");
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "rejected");
    EXPECT_NE(t.notices[0].text.find("Thank you"), std::string::npos);
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
}

TEST_F(StageTransitionTest, EndInterviewByEitherSideGoesBackToTheQueue) {
    bring_to(kAlice, interviewing);
    TimeMs at = tick();
    auto t = ok(stage_.end_interview(kAlice, kAlice, at));
    expect_single(t, kAlice, "end_interview", kAlice, interviewing, queued, at);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_TRUE(status_of(kAlice).hand.has_value());
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kMod1);  // the other side is told
    EXPECT_EQ(t.notices[0].kind, "interview_ended");

    ok(stage_.invite(kMod1, kAlice, tick()));
    ok(stage_.accept(kAlice, kAlice, tick()));
    at = tick();
    t = ok(stage_.end_interview(kMod1, kAlice, at));
    expect_single(t, kMod1, "end_interview", kAlice, interviewing, queued, at);
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "interview_ended");
    EXPECT_EQ(ids(stage_.queue_of(kMod1)), std::vector<std::string>{kAlice});
}

TEST_F(StageTransitionTest, AnyModeratorPromotesAndDemotes) {
    bring_to(kAlice, holding);
    TimeMs at = tick();
    auto t = ok(stage_.promote(kMod2, kAlice, at));
    expect_single(t, kMod2, "promote", kAlice, holding, live, at);
    EXPECT_EQ(ids(stage_.live()), std::vector<std::string>{kAlice});
    EXPECT_TRUE(stage_.holding().empty());
    EXPECT_TRUE(status_of(kAlice).hand.has_value());
    at = tick();
    t = ok(stage_.demote(kMod1, kAlice, at));
    expect_single(t, kMod1, "demote", kAlice, live, holding, at);
    EXPECT_EQ(ids(stage_.holding()), std::vector<std::string>{kAlice});
    EXPECT_TRUE(stage_.live().empty());
}

TEST_F(StageTransitionTest, RemoveFromHoldingOrLiveReturnsToTheAudience) {
    bring_to(kAlice, holding);
    bring_to(kBob, live);
    TimeMs at = tick();
    auto t = ok(stage_.remove(kMod2, kAlice, at));
    expect_single(t, kMod2, "remove", kAlice, holding, watching, at);
    EXPECT_FALSE(status_of(kAlice).hand.has_value());
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "removed");
    at = tick();
    t = ok(stage_.remove(kMod1, kBob, at));
    expect_single(t, kMod1, "remove", kBob, live, watching, at);
    EXPECT_TRUE(stage_.live().empty());
    EXPECT_TRUE(stage_.holding().empty());
}

TEST_F(StageTransitionTest, KickIsFinalRevokesSessionsAndFreesTheModerator) {
    bring_to(kAlice, interviewing);
    const TimeMs at = tick();
    const auto t = ok(stage_.kick(kMod2, kAlice, "abusive language", at));
    expect_single(t, kMod2, "kick", kAlice, interviewing, kicked, at, "abusive language");
    EXPECT_EQ(status_of(kAlice), bare(kAlice, kicked, at));
    EXPECT_EQ(t.revoke_sessions, std::vector<std::string>{kAlice});
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "kicked");
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
    // kMod1 can interview someone else straight away.
    bring_to(kBob, invited);
}

TEST_F(StageTransitionTest, ExpiredInvitesGoBackToTheSharedListAndBothSidesAreTold) {
    bring_to(kAlice, invited);
    bring_to(kBob, invited, kMod2);
    const TimeMs alice_expiry = status_of(kAlice).invite_expires_at_ms;
    const TimeMs bob_expiry = status_of(kBob).invite_expires_at_ms;
    ASSERT_LT(alice_expiry, bob_expiry);
    EXPECT_EQ(stage_.next_invite_expiry(), alice_expiry);

    auto t = stage_.expire_invites(alice_expiry - 1);
    EXPECT_TRUE(t.changed.empty());
    EXPECT_TRUE(t.audit.empty());
    EXPECT_EQ(status_of(kAlice).state, invited);

    const auto question = status_of(kAlice).hand->question;
    t = stage_.expire_invites(alice_expiry);  // due exactly at the expiry time
    expect_single(t, "server", "invite_expired", kAlice, invited, hand_raised, alice_expiry);
    EXPECT_EQ(status_of(kAlice).moderator_id, "");
    EXPECT_EQ(status_of(kAlice).invite_expires_at_ms, 0);
    EXPECT_EQ(status_of(kAlice).hand->question, question);
    ASSERT_EQ(t.notices.size(), 2U);
    EXPECT_EQ(t.notices[0].to, kMod1);
    EXPECT_EQ(t.notices[0].kind, "invite_expired");
    EXPECT_EQ(t.notices[1].to, kAlice);
    EXPECT_EQ(t.notices[1].kind, "invite_expired");
    EXPECT_EQ(stage_.next_invite_expiry(), bob_expiry);
    EXPECT_EQ(status_of(kBob).state, invited);
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
}

TEST_F(StageTransitionTest, ExpireInvitesHandlesSeveralAtOnceOldestRaiseFirst) {
    bring_to(kAlice, invited);
    bring_to(kBob, invited, kMod2);
    const auto t = stage_.expire_invites(now_ + kInviteTimeout * 2);
    ASSERT_EQ(t.changed.size(), 2U);
    EXPECT_EQ(t.changed[0].attendee_id, kAlice);
    EXPECT_EQ(t.changed[1].attendee_id, kBob);
    EXPECT_EQ(t.audit.size(), 2U);
    EXPECT_EQ(t.notices.size(), 4U);
    EXPECT_EQ(ids(stage_.raised_hands()), (std::vector<std::string>{kAlice, kBob}));
}

TEST_F(StageTransitionTest, ModeratorLeavingReturnsEveryHeldHandToTheSharedList) {
    bring_to(kAlice, queued);
    bring_to(kBob, invited);
    bring_to(kCarol, queued, kMod2);
    const auto alice_hand = status_of(kAlice).hand;
    const TimeMs at = tick();
    const auto t = ok(stage_.moderator_left(kMod1, at));
    ASSERT_EQ(t.changed.size(), 2U);
    ASSERT_EQ(t.audit.size(), 2U);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(t.audit[i].actor_id, kMod1);
        EXPECT_EQ(t.audit[i].action, "moderator_left");
        EXPECT_EQ(t.audit[i].to_state, "hand_raised");
        EXPECT_EQ(t.audit[i].at_ms, at);
        EXPECT_EQ(t.changed[i], status_of(t.changed[i].attendee_id));
    }
    EXPECT_EQ(t.audit[0].from_state, "queued");
    EXPECT_EQ(t.audit[1].from_state, "invited");
    EXPECT_EQ(status_of(kAlice).state, hand_raised);
    EXPECT_EQ(status_of(kAlice).hand, alice_hand);
    EXPECT_EQ(status_of(kAlice).moderator_id, "");
    EXPECT_EQ(status_of(kBob).state, hand_raised);
    EXPECT_EQ(status_of(kBob).invite_expires_at_ms, 0);
    EXPECT_EQ(status_of(kCarol).state, queued);  // another moderator's queue is untouched
    EXPECT_EQ(status_of(kCarol).moderator_id, kMod2);
    ASSERT_EQ(t.notices.size(), 2U);
    EXPECT_EQ(t.notices[0].to, kAlice);
    EXPECT_EQ(t.notices[0].kind, "moderator_left");
    EXPECT_EQ(t.notices[1].to, kBob);
    EXPECT_TRUE(stage_.queue_of(kMod1).empty());
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
}

TEST_F(StageTransitionTest, ModeratorLeavingWithNothingHeldChangesNothing) {
    bring_to(kAlice, holding);  // approved guests do not belong to a moderator any more
    const auto t = ok(stage_.moderator_left(kMod1, tick()));
    EXPECT_TRUE(t.changed.empty());
    EXPECT_TRUE(t.audit.empty());
    EXPECT_EQ(status_of(kAlice).state, holding);
}

TEST_F(StageTransitionTest, SharedListIsOrderedByRaiseTimeNotByClaims) {
    bring_to(kCarol, hand_raised);
    bring_to(kAlice, hand_raised);
    bring_to(kBob, hand_raised);
    ok(stage_.claim(kMod1, kBob, tick()));
    ok(stage_.claim(kMod2, kCarol, tick()));
    ok(stage_.edit_question(kCarol, kCarol, "Edited later", tick()));
    EXPECT_EQ(ids(stage_.raised_hands()), (std::vector<std::string>{kCarol, kAlice, kBob}));
}

TEST_F(StageTransitionTest, HoldingAndLiveAreInArrivalOrder) {
    bring_to(kBob, holding, kMod2);
    bring_to(kAlice, holding);
    EXPECT_EQ(ids(stage_.holding()), (std::vector<std::string>{kBob, kAlice}));
    ok(stage_.promote(kMod1, kAlice, tick()));
    ok(stage_.promote(kMod1, kBob, tick()));
    EXPECT_EQ(ids(stage_.live()), (std::vector<std::string>{kAlice, kBob}));
}

TEST_F(StageTransitionTest, AFullJourneyIsAnUnbrokenAuditChain) {
    std::vector<AuditEntry> log;
    const auto keep = [&](const Transition& t) {
        log.insert(log.end(), t.audit.begin(), t.audit.end());
    };
    keep(ok(stage_.raise(kAlice, kAlice, kQuestion, tick())));
    keep(ok(stage_.claim(kMod1, kAlice, tick())));
    keep(ok(stage_.invite(kMod1, kAlice, tick())));
    keep(ok(stage_.accept(kAlice, kAlice, tick())));
    keep(ok(stage_.approve(kMod1, kAlice, tick())));
    keep(ok(stage_.promote(kMod2, kAlice, tick())));
    keep(ok(stage_.remove(kMod2, kAlice, tick())));
    ASSERT_EQ(log.size(), 7U);
    EXPECT_EQ(log.front().from_state, "watching");
    EXPECT_EQ(log.back().to_state, "watching");
    for (std::size_t i = 1; i < log.size(); ++i) {
        EXPECT_EQ(log[i].from_state, log[i - 1].to_state) << log[i].action;
        EXPECT_LT(log[i - 1].at_ms, log[i].at_ms);
    }
    // Back in the audience, Alice may raise her hand again.
    ok(stage_.raise(kAlice, kAlice, "One more thing", tick()));
}

TEST(StageLoadTest, StartsFromTheStoredStatuses) {
    std::vector<AttendeeStatus> stored{
        bare(kAlice, queued, 6),
        bare(kBob, kicked, 7),
        // Rows that do not name an attendee are not taken in.
        bare(kMod2, live, 8),
        bare(kNobody, hand_raised, 9),
    };
    stored[0].moderator_id = kMod1;
    stored[0].hand = HandRaise{.question = "Stored question", .raised_at_ms = 5};
    Stage stage{kEvent, sample_roles(), stored, kInviteTimeout};
    EXPECT_EQ(stage.event_id(), kEvent);
    EXPECT_EQ(stage.status(kAlice), stored[0]);
    EXPECT_EQ(stage.status(kBob), stored[1]);
    EXPECT_EQ(stage.status(kCarol), bare(kCarol, watching, 0));
    EXPECT_FALSE(stage.status(kMod2).has_value());
    EXPECT_FALSE(stage.status(kNobody).has_value());
    EXPECT_TRUE(stage.live().empty());
    EXPECT_EQ(stage.queue_of(kMod1).size(), 1U);
    EXPECT_FALSE(stage.raise(kBob, kBob, "Let me back in", kStart).ok());
    EXPECT_TRUE(stage.invite(kMod1, kAlice, kStart).ok());
}

}  // namespace
}  // namespace onstage::domain::testing
