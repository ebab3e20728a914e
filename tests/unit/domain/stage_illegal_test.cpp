// Every command from every state, and every wrong actor: a refused command names the specific
// reason and changes nothing anyone could see.
#include <array>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "stage_fixture.hpp"

namespace onstage::domain::testing {
namespace {

using enum StageState;
using E = ErrorCode;

// What a command does from one state: moves the attendee to `to`, or is refused with `code`.
struct Outcome {
    bool allowed;
    StageState to;
    ErrorCode code;
};
constexpr Outcome go(StageState to) {
    return {true, to, E::invalid_state};
}
constexpr Outcome no(ErrorCode code) {
    return {false, watching, code};
}

constexpr std::array<StageState, 8> kStates{watching,     hand_raised, queued, invited,
                                            interviewing, holding,     live,   kicked};

using Run = std::function<Result<Transition, Error>(Stage&, const std::string&, TimeMs)>;

struct Command {
    std::string name;
    Run run;  // issued by the attendee themself or by kMod1, whoever may
    // One outcome per state, in the order of kStates.
    std::array<Outcome, 8> outcomes;
};

const std::vector<Command>& commands() {
    static const std::vector<Command> table{
        {"raise",
         [](Stage& s, const std::string& a, TimeMs t) { return s.raise(a, a, "Why?", t); },
         {go(hand_raised), no(E::already_raised), no(E::already_raised), no(E::already_raised),
          no(E::already_raised), no(E::already_raised), no(E::already_raised), no(E::kicked)}},
        {"edit_question",
         [](Stage& s, const std::string& a, TimeMs t) { return s.edit_question(a, a, "How?", t); },
         {no(E::no_hand_raised), go(hand_raised), go(queued), no(E::invalid_state),
          no(E::invalid_state), no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"lower",
         [](Stage& s, const std::string& a, TimeMs t) { return s.lower(a, a, t); },
         {no(E::no_hand_raised), go(watching), go(watching), go(watching), no(E::invalid_state),
          no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"claim",
         [](Stage& s, const std::string& a, TimeMs t) { return s.claim(kMod1, a, t); },
         {no(E::no_hand_raised), go(queued), no(E::already_claimed), no(E::already_claimed),
          no(E::already_claimed), no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"release",
         [](Stage& s, const std::string& a, TimeMs t) { return s.release(kMod1, a, t); },
         {no(E::no_hand_raised), no(E::invalid_state), go(hand_raised), no(E::invalid_state),
          no(E::invalid_state), no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"dismiss",
         [](Stage& s, const std::string& a, TimeMs t) { return s.dismiss(kMod1, a, t); },
         {no(E::no_hand_raised), go(watching), go(watching), no(E::invalid_state),
          no(E::invalid_state), no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"invite",
         [](Stage& s, const std::string& a, TimeMs t) { return s.invite(kMod1, a, t); },
         {no(E::no_hand_raised), no(E::invalid_state), go(invited), no(E::invalid_state),
          no(E::invalid_state), no(E::invalid_state), no(E::invalid_state), no(E::kicked)}},
        {"accept",
         [](Stage& s, const std::string& a, TimeMs t) { return s.accept(a, a, t); },
         {no(E::not_invited), no(E::not_invited), no(E::not_invited), go(interviewing),
          no(E::not_invited), no(E::not_invited), no(E::not_invited), no(E::kicked)}},
        {"decline",
         [](Stage& s, const std::string& a, TimeMs t) { return s.decline(a, a, t); },
         {no(E::not_invited), no(E::not_invited), no(E::not_invited), go(watching),
          no(E::not_invited), no(E::not_invited), no(E::not_invited), no(E::kicked)}},
        {"cancel_invite",
         [](Stage& s, const std::string& a, TimeMs t) { return s.cancel_invite(kMod1, a, t); },
         {no(E::not_invited), no(E::not_invited), no(E::not_invited), go(queued),
          no(E::not_invited), no(E::not_invited), no(E::not_invited), no(E::kicked)}},
        {"approve",
         [](Stage& s, const std::string& a, TimeMs t) { return s.approve(kMod1, a, t); },
         {no(E::not_interviewing), no(E::not_interviewing), no(E::not_interviewing),
          no(E::not_interviewing), go(holding), no(E::not_interviewing), no(E::not_interviewing),
          no(E::kicked)}},
        {"reject",
         [](Stage& s, const std::string& a, TimeMs t) { return s.reject(kMod1, a, t); },
         {no(E::not_interviewing), no(E::not_interviewing), no(E::not_interviewing),
          no(E::not_interviewing), go(watching), no(E::not_interviewing), no(E::not_interviewing),
          no(E::kicked)}},
        {"end_interview_by_attendee",
         [](Stage& s, const std::string& a, TimeMs t) { return s.end_interview(a, a, t); },
         {no(E::not_interviewing), no(E::not_interviewing), no(E::not_interviewing),
          no(E::not_interviewing), go(queued), no(E::not_interviewing), no(E::not_interviewing),
          no(E::kicked)}},
        {"end_interview_by_moderator",
         [](Stage& s, const std::string& a, TimeMs t) { return s.end_interview(kMod1, a, t); },
         {no(E::not_interviewing), no(E::not_interviewing), no(E::not_interviewing),
          no(E::not_interviewing), go(queued), no(E::not_interviewing), no(E::not_interviewing),
          no(E::kicked)}},
        {"promote",
         [](Stage& s, const std::string& a, TimeMs t) { return s.promote(kMod1, a, t); },
         {no(E::not_in_holding), no(E::not_in_holding), no(E::not_in_holding),
          no(E::not_in_holding), no(E::not_in_holding), go(live), no(E::not_in_holding),
          no(E::kicked)}},
        {"demote",
         [](Stage& s, const std::string& a, TimeMs t) { return s.demote(kMod1, a, t); },
         {no(E::not_live), no(E::not_live), no(E::not_live), no(E::not_live), no(E::not_live),
          no(E::not_live), go(holding), no(E::kicked)}},
        {"remove",
         [](Stage& s, const std::string& a, TimeMs t) { return s.remove(kMod1, a, t); },
         {no(E::not_in_holding), no(E::not_in_holding), no(E::not_in_holding),
          no(E::not_in_holding), no(E::not_in_holding), go(watching), go(watching), no(E::kicked)}},
        {"kick",
         [](Stage& s, const std::string& a, TimeMs t) { return s.kick(kMod1, a, "spam", t); },
         {go(kicked), go(kicked), go(kicked), go(kicked), go(kicked), go(kicked), go(kicked),
          no(E::kicked)}},
    };
    return table;
}

class StageMatrixTest : public StageTest,
                        public ::testing::WithParamInterface<std::tuple<std::size_t, std::size_t>> {
};

// Bob and Carol are in other states so that "nothing changed" also covers other people.
TEST_P(StageMatrixTest, CommandFromStateMovesOrIsRefusedWithoutChange) {
    const auto& [command_index, state_index] = GetParam();
    const Command& command = commands()[command_index];
    const Outcome& expected = command.outcomes[state_index];
    ok(stage_.raise(kBob, kBob, "Bob's question", tick()));
    bring_to(kCarol, holding, kMod2);
    bring_to(kAlice, kStates[state_index]);
    const Snapshot before = snapshot(stage_);

    auto result = command.run(stage_, kAlice, tick());

    if (expected.allowed) {
        const Transition transition = ok(std::move(result));
        EXPECT_EQ(status_of(kAlice).state, expected.to);
        expect_consistent(status_of(kAlice));
        ASSERT_EQ(transition.changed.size(), 1U);
        EXPECT_EQ(transition.changed[0], status_of(kAlice));
        ASSERT_EQ(transition.audit.size(), 1U);
        EXPECT_EQ(transition.audit[0].from_state, to_string(kStates[state_index]));
        EXPECT_EQ(transition.audit[0].to_state, to_string(expected.to));
        EXPECT_EQ(status_of(kBob).state, hand_raised);
        EXPECT_EQ(status_of(kCarol).state, holding);
    } else {
        EXPECT_EQ(refused(result), expected.code) << "got " << to_string(result.error().code);
        EXPECT_EQ(snapshot(stage_), before);
    }
}

INSTANTIATE_TEST_SUITE_P(EveryCommandFromEveryState, StageMatrixTest,
                         ::testing::Combine(::testing::Range<std::size_t>(0, commands().size()),
                                            ::testing::Range<std::size_t>(0, kStates.size())),
                         [](const auto& param_info) {
                             return commands()[std::get<0>(param_info.param)].name + "_from_" +
                                    std::string(to_string(kStates[std::get<1>(param_info.param)]));
                         });

// --- wrong actors -------------------------------------------------------------------------------

using StageActorTest = StageTest;

TEST_F(StageActorTest, AttendeeCannotIssueModeratorCommands) {
    bring_to(kAlice, queued);
    bring_to(kBob, hand_raised);
    const Snapshot before = snapshot(stage_);
    // Bob on Alice, and Alice on herself: neither is a moderator.
    for (const auto& actor : {kBob, kAlice}) {
        EXPECT_EQ(refused(stage_.claim(actor, kBob, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.release(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.dismiss(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.invite(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.cancel_invite(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.approve(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.reject(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.promote(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.demote(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.remove(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.kick(actor, kAlice, "", tick())), E::forbidden);
    }
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, TalentCannotIssueModeratorCommands) {
    bring_to(kAlice, hand_raised);
    bring_to(kBob, holding);
    const Snapshot before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.claim(kTalent, kAlice, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.dismiss(kTalent, kAlice, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.promote(kTalent, kBob, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.remove(kTalent, kBob, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.kick(kTalent, kAlice, "", tick())), E::forbidden);
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, NoOneElseCanIssueTheAttendeesOwnCommands) {
    bring_to(kAlice, invited);
    bring_to(kBob, hand_raised);
    const Snapshot before = snapshot(stage_);
    for (const auto& actor : {kCarol, kMod1, kMod2, kTalent}) {
        SCOPED_TRACE(actor);
        EXPECT_EQ(refused(stage_.raise(actor, std::string_view(actor) == kCarol ? kBob : kCarol,
                                       "q", tick())),
                  E::forbidden);
        EXPECT_EQ(refused(stage_.edit_question(actor, kBob, "q", tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.lower(actor, kBob, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.accept(actor, kAlice, tick())), E::forbidden);
        EXPECT_EQ(refused(stage_.decline(actor, kAlice, tick())), E::forbidden);
    }
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, AnotherAttendeeOrTalentCannotEndSomeonesInterview) {
    bring_to(kAlice, interviewing);
    const Snapshot before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.end_interview(kBob, kAlice, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.end_interview(kTalent, kAlice, tick())), E::forbidden);
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, SecondModeratorCannotTouchFirstModeratorsQueueInviteOrInterview) {
    bring_to(kAlice, queued);
    bring_to(kBob, invited);
    bring_to(kCarol, interviewing, kMod2);  // kMod1 is busy with Bob's invite
    const auto carol = status_of(kCarol);
    const Snapshot before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.release(kMod2, kAlice, tick())), E::not_your_queue);
    EXPECT_EQ(refused(stage_.invite(kMod2, kAlice, tick())), E::not_your_queue);
    EXPECT_EQ(refused(stage_.cancel_invite(kMod2, kBob, tick())), E::not_your_queue);
    EXPECT_EQ(refused(stage_.approve(kMod1, kCarol, tick())), E::not_your_queue);
    EXPECT_EQ(refused(stage_.reject(kMod1, kCarol, tick())), E::not_your_queue);
    EXPECT_EQ(refused(stage_.end_interview(kMod1, kCarol, tick())), E::not_your_queue);
    EXPECT_EQ(snapshot(stage_), before);
    EXPECT_EQ(status_of(kCarol), carol);
}

TEST_F(StageActorTest, CommandsNamingAModeratorOrTalentAsTheAttendeeAreRefused) {
    for (const auto& who : {kMod1, kTalent}) {
        SCOPED_TRACE(who);
        EXPECT_EQ(refused(stage_.raise(who, who, "May I?", tick())), E::not_an_attendee);
        EXPECT_EQ(refused(stage_.claim(kMod2, who, tick())), E::not_an_attendee);
        EXPECT_EQ(refused(stage_.promote(kMod2, who, tick())), E::not_an_attendee);
        EXPECT_EQ(refused(stage_.kick(kMod2, who, "", tick())), E::not_an_attendee);
        EXPECT_FALSE(stage_.status(who).has_value());
    }
}

TEST_F(StageActorTest, UnknownParticipantsAreRefused) {
    bring_to(kAlice, hand_raised);
    const Snapshot before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.raise(kNobody, kNobody, "Hello?", tick())), E::unknown_participant);
    EXPECT_EQ(refused(stage_.claim(kNobody, kAlice, tick())), E::unknown_participant);
    EXPECT_EQ(refused(stage_.claim(kMod1, kNobody, tick())), E::unknown_participant);
    EXPECT_EQ(refused(stage_.kick(kMod1, "", "", tick())), E::unknown_participant);
    EXPECT_EQ(refused(stage_.moderator_left(kNobody, tick())), E::unknown_participant);
    EXPECT_FALSE(stage_.status(kNobody).has_value());
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, OnlyAModeratorCanLeaveAQueue) {
    bring_to(kAlice, queued);
    const Snapshot before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.moderator_left(kAlice, tick())), E::forbidden);
    EXPECT_EQ(refused(stage_.moderator_left(kTalent, tick())), E::forbidden);
    EXPECT_EQ(snapshot(stage_), before);
}

TEST_F(StageActorTest, ErrorMessagesNeverRepeatTheSecretIds) {
    bring_to(kAlice, queued);
    const std::vector<Result<Transition, Error>> refusals = [&] {
        std::vector<Result<Transition, Error>> out;
        out.push_back(stage_.invite(kMod2, kAlice, tick()));
        out.push_back(stage_.claim(kMod1, kNobody, tick()));
        out.push_back(stage_.raise(kBob, kAlice, "q", tick()));
        out.push_back(stage_.claim(kMod2, kAlice, tick()));
        return out;
    }();
    for (const auto& refusal : refusals) {
        ASSERT_FALSE(refusal.ok());
        for (const auto& id : {kAlice, kBob, kMod1, kMod2, kNobody}) {
            EXPECT_EQ(refusal.error().message.find(id), std::string::npos)
                << refusal.error().message;
        }
    }
}

}  // namespace
}  // namespace onstage::domain::testing
