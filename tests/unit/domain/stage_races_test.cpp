// What users will do at the same moment. The server applies commands to one event in some
// order; each test plays both orders a user could cause and checks the second one's outcome.
#include <string>

#include "stage_fixture.hpp"

namespace onstage::domain::testing {
namespace {

using enum StageState;
using E = ErrorCode;

using StageRaceTest = StageTest;

TEST_F(StageRaceTest, TwoModeratorsClaimTheSameHand) {
    bring_to(kAlice, hand_raised);
    ok(stage_.claim(kMod1, kAlice, tick()));
    const auto after_first = snapshot(stage_);
    EXPECT_EQ(refused(stage_.claim(kMod2, kAlice, tick())), E::already_claimed);
    EXPECT_EQ(snapshot(stage_), after_first);
    EXPECT_EQ(status_of(kAlice).moderator_id, kMod1);
    EXPECT_TRUE(stage_.queue_of(kMod2).empty());
}

TEST_F(StageRaceTest, TwoModeratorsInviteTheSameAttendee) {
    bring_to(kAlice, queued);
    ok(stage_.invite(kMod1, kAlice, tick()));
    const auto after_first = snapshot(stage_);
    EXPECT_EQ(refused(stage_.invite(kMod2, kAlice, tick())), E::not_your_queue);
    EXPECT_EQ(snapshot(stage_), after_first);
    EXPECT_EQ(stage_.interview_of(kMod1)->attendee_id, kAlice);
    EXPECT_FALSE(stage_.interview_of(kMod2).has_value());
}

TEST_F(StageRaceTest, SameModeratorInvitesTwiceByDoubleClick) {
    bring_to(kAlice, queued);
    ok(stage_.invite(kMod1, kAlice, tick()));
    const TimeMs expiry = status_of(kAlice).invite_expires_at_ms;
    EXPECT_EQ(refused(stage_.invite(kMod1, kAlice, tick())), E::invalid_state);
    EXPECT_EQ(status_of(kAlice).invite_expires_at_ms, expiry);  // the clock is not restarted
}

TEST_F(StageRaceTest, AttendeeLowersTheHandAsTheInviteArrives) {
    bring_to(kAlice, queued);
    // The invite wins the race: "lower" declines it and the moderator is told.
    ok(stage_.invite(kMod1, kAlice, tick()));
    const auto t = ok(stage_.lower(kAlice, kAlice, tick()));
    EXPECT_EQ(status_of(kAlice).state, watching);
    ASSERT_EQ(t.notices.size(), 1U);
    EXPECT_EQ(t.notices[0].kind, "invite_declined");
    EXPECT_FALSE(stage_.interview_of(kMod1).has_value());
}

TEST_F(StageRaceTest, ModeratorInvitesJustAfterTheHandWasLowered) {
    bring_to(kAlice, queued);
    ok(stage_.lower(kAlice, kAlice, tick()));
    EXPECT_EQ(refused(stage_.invite(kMod1, kAlice, tick())), E::no_hand_raised);
    EXPECT_EQ(status_of(kAlice).state, watching);
}

TEST_F(StageRaceTest, InviteExpiresJustAsTheAttendeeAccepts) {
    bring_to(kAlice, invited);
    const TimeMs expiry = status_of(kAlice).invite_expires_at_ms;
    stage_.expire_invites(expiry);
    const auto after_expiry = snapshot(stage_);
    EXPECT_EQ(refused(stage_.accept(kAlice, kAlice, expiry)), E::not_invited);
    EXPECT_EQ(snapshot(stage_), after_expiry);
    EXPECT_EQ(status_of(kAlice).state, hand_raised);
}

TEST_F(StageRaceTest, AcceptJustBeforeTheTimerFiresWins) {
    bring_to(kAlice, invited);
    const TimeMs expiry = status_of(kAlice).invite_expires_at_ms;
    ok(stage_.accept(kAlice, kAlice, expiry));
    const auto t = stage_.expire_invites(expiry);
    EXPECT_TRUE(t.changed.empty());
    EXPECT_EQ(status_of(kAlice).state, interviewing);
}

TEST_F(StageRaceTest, DeclineAfterTheInviteExpiredIsRefused) {
    bring_to(kAlice, invited);
    stage_.expire_invites(status_of(kAlice).invite_expires_at_ms);
    EXPECT_EQ(refused(stage_.decline(kAlice, kAlice, tick())), E::not_invited);
    EXPECT_EQ(status_of(kAlice).state, hand_raised);  // the hand stays up
}

TEST_F(StageRaceTest, KickedAttendeeCannotRaiseAgainOrBeBroughtBack) {
    bring_to(kAlice, hand_raised);
    ok(stage_.kick(kMod1, kAlice, "spam", tick()));
    const auto after_kick = snapshot(stage_);
    EXPECT_EQ(refused(stage_.raise(kAlice, kAlice, "I'm back", tick())), E::kicked);
    EXPECT_EQ(refused(stage_.lower(kAlice, kAlice, tick())), E::kicked);
    EXPECT_EQ(refused(stage_.claim(kMod2, kAlice, tick())), E::kicked);
    EXPECT_EQ(refused(stage_.kick(kMod2, kAlice, "again", tick())), E::kicked);
    EXPECT_TRUE(stage_.moderator_left(kMod1, tick())->changed.empty());
    EXPECT_EQ(snapshot(stage_), after_kick);
    EXPECT_TRUE(stage_.raised_hands().empty());
}

TEST_F(StageRaceTest, ModeratorLogsOutMidInterviewAndComesBack) {
    bring_to(kAlice, interviewing);
    bring_to(kBob, queued);
    const auto question = status_of(kAlice).hand->question;
    const auto t = ok(stage_.moderator_left(kMod1, tick()));
    EXPECT_EQ(t.changed.size(), 2U);
    EXPECT_EQ(status_of(kAlice).state, hand_raised);
    EXPECT_EQ(status_of(kAlice).hand->question, question);
    EXPECT_EQ(status_of(kBob).state, hand_raised);
    // The attendee's "end call" arriving after the logout finds no interview.
    EXPECT_EQ(refused(stage_.end_interview(kAlice, kAlice, tick())), E::not_interviewing);
    // Another moderator picks the hand up at once.
    ok(stage_.claim(kMod2, kAlice, tick()));
    // The first moderator logs in again and can run an interview again.
    ok(stage_.claim(kMod1, kBob, tick()));
    ok(stage_.invite(kMod1, kBob, tick()));
    ok(stage_.accept(kBob, kBob, tick()));
    EXPECT_EQ(stage_.interview_of(kMod1)->attendee_id, kBob);
}

TEST_F(StageRaceTest, BusyModeratorCannotInviteASecondAttendee) {
    bring_to(kAlice, interviewing);
    bring_to(kBob, queued);
    const auto before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.invite(kMod1, kBob, tick())), E::moderator_busy);
    EXPECT_EQ(snapshot(stage_), before);
    // A pending invite counts as busy too.
    ok(stage_.approve(kMod1, kAlice, tick()));
    bring_to(kCarol, queued);
    ok(stage_.invite(kMod1, kCarol, tick()));
    EXPECT_EQ(refused(stage_.invite(kMod1, kBob, tick())), E::moderator_busy);
    // Once that invite is answered the moderator is free.
    ok(stage_.decline(kCarol, kCarol, tick()));
    ok(stage_.invite(kMod1, kBob, tick()));
}

TEST_F(StageRaceTest, OtherModeratorsAreNotBusyBecauseOfOne) {
    bring_to(kAlice, interviewing);
    bring_to(kBob, queued, kMod2);
    ok(stage_.invite(kMod2, kBob, tick()));
    EXPECT_EQ(stage_.interview_of(kMod2)->attendee_id, kBob);
}

TEST_F(StageRaceTest, BothSidesHangUpAtOnce) {
    bring_to(kAlice, interviewing);
    ok(stage_.end_interview(kAlice, kAlice, tick()));
    EXPECT_EQ(refused(stage_.end_interview(kMod1, kAlice, tick())), E::not_interviewing);
    EXPECT_EQ(status_of(kAlice).state, queued);
}

TEST_F(StageRaceTest, TwoModeratorsPromoteTheSameGuest) {
    bring_to(kAlice, holding);
    ok(stage_.promote(kMod1, kAlice, tick()));
    EXPECT_EQ(refused(stage_.promote(kMod2, kAlice, tick())), E::not_in_holding);
    EXPECT_EQ(stage_.live().size(), 1U);
}

TEST_F(StageRaceTest, DismissWhileTheOwnerInvitesGoesToWhoeverCameFirst) {
    bring_to(kAlice, queued);
    ok(stage_.invite(kMod1, kAlice, tick()));
    EXPECT_EQ(refused(stage_.dismiss(kMod2, kAlice, tick())), E::invalid_state);
    EXPECT_EQ(status_of(kAlice).state, invited);
}

}  // namespace
}  // namespace onstage::domain::testing
