// Shared setup for the stage state machine tests: a small event (three attendees, two
// moderators, one talent), a clock the test advances by hand, and a way to walk an attendee into
// any state through legal commands only.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/stage.hpp"

namespace onstage::domain::testing {

inline constexpr const char* kEvent = "town-hall-k3m9qz";
inline constexpr const char* kAlice = "attendee-alice";
inline constexpr const char* kBob = "attendee-bob";
inline constexpr const char* kCarol = "attendee-carol";
inline constexpr const char* kMod1 = "moderator-one";
inline constexpr const char* kMod2 = "moderator-two";
inline constexpr const char* kTalent = "talent-tess";
inline constexpr const char* kNobody = "not-a-participant";
inline constexpr TimeMs kStart = 1'700'000'000'000;
inline constexpr TimeMs kInviteTimeout = 30'000;

inline ParticipantRoles sample_roles() {
    return {{kAlice, Role::attendee}, {kBob, Role::attendee},   {kCarol, Role::attendee},
            {kMod1, Role::moderator}, {kMod2, Role::moderator}, {kTalent, Role::talent}};
}

// Everything a user could see of the stage, to prove a refused command changed nothing.
struct Snapshot {
    std::vector<AttendeeStatus> attendees;
    std::vector<AttendeeStatus> raised_hands;
    std::vector<AttendeeStatus> holding;
    std::vector<AttendeeStatus> live;
    std::vector<AttendeeStatus> queue1;
    std::optional<AttendeeStatus> interview1;
    bool operator==(const Snapshot&) const = default;
};

inline Snapshot snapshot(const Stage& stage) {
    Snapshot snap;
    for (const auto& id : {kAlice, kBob, kCarol}) {
        snap.attendees.push_back(*stage.status(id));
    }
    snap.raised_hands = stage.raised_hands();
    snap.holding = stage.holding();
    snap.live = stage.live();
    snap.queue1 = stage.queue_of(kMod1);
    snap.interview1 = stage.interview_of(kMod1);
    return snap;
}

class StageTest : public ::testing::Test {
protected:
    Stage stage_{kEvent, sample_roles(), {}, kInviteTimeout};
    TimeMs now_ = kStart;

    // Each command happens a second after the previous one, so orders and times are distinct.
    TimeMs tick() { return now_ += 1000; }

    AttendeeStatus status_of(const std::string& attendee_id) const {
        return *stage_.status(attendee_id);
    }

    // The transition of a command that must succeed.
    static Transition ok(Result<Transition, Error> result) {
        if (!result.ok()) {
            ADD_FAILURE() << "refused: " << to_string(result.error().code) << ": "
                          << result.error().message;
            return {};
        }
        return std::move(result).value();
    }

    // The code of a command that must be refused.
    static ErrorCode refused(const Result<Transition, Error>& result) {
        if (result.ok()) {
            ADD_FAILURE() << "expected a refusal, the command succeeded";
            return ErrorCode::invalid_state;
        }
        EXPECT_FALSE(result.error().message.empty());
        return result.error().code;
    }

    // Checks the one status change and the one audit entry of a single-attendee command.
    void expect_single(const Transition& transition, const std::string& actor_id,
                       const std::string& action, const std::string& attendee_id, StageState from,
                       StageState to, TimeMs at_ms, const std::string& detail = {}) const {
        ASSERT_EQ(transition.changed.size(), 1U);
        EXPECT_EQ(transition.changed[0], status_of(attendee_id));
        EXPECT_EQ(transition.changed[0].state, to);
        EXPECT_EQ(transition.changed[0].updated_at_ms, at_ms);
        ASSERT_EQ(transition.audit.size(), 1U);
        const AuditEntry expected{.event_id = kEvent,
                                  .at_ms = at_ms,
                                  .actor_id = actor_id,
                                  .action = action,
                                  .subject_id = attendee_id,
                                  .from_state = std::string(to_string(from)),
                                  .to_state = std::string(to_string(to)),
                                  .detail = detail};
        EXPECT_EQ(transition.audit[0], expected);
    }

    // The rules of AttendeeStatus that hold in every state (DESIGN.md §3 and the brief's
    // decisions): a moderator only while held, a question only while the hand is up or further
    // on, an invite deadline only while invited.
    static void expect_consistent(const AttendeeStatus& status) {
        const StageState s = status.state;
        const bool held =
            s == StageState::queued || s == StageState::invited || s == StageState::interviewing;
        EXPECT_EQ(!status.moderator_id.empty(), held) << to_string(s);
        EXPECT_EQ(status.hand.has_value(), s != StageState::watching && s != StageState::kicked)
            << to_string(s);
        EXPECT_EQ(status.invite_expires_at_ms != 0, s == StageState::invited) << to_string(s);
    }

    // Walks `attendee_id` from watching into `target` with legal commands; the moderator of
    // queued/invited/interviewing is `moderator_id`.
    void bring_to(const std::string& attendee_id, StageState target,
                  const std::string& moderator_id = kMod1) {
        ASSERT_EQ(status_of(attendee_id).state, StageState::watching);
        if (target == StageState::watching) {
            return;
        }
        if (target == StageState::kicked) {
            ok(stage_.kick(moderator_id, attendee_id, "test", tick()));
            return;
        }
        ok(stage_.raise(attendee_id, attendee_id, "What is the plan for next year?", tick()));
        const std::vector<std::pair<StageState, std::function<Result<Transition, Error>()>>> steps{
            {StageState::queued, [&] { return stage_.claim(moderator_id, attendee_id, tick()); }},
            {StageState::invited, [&] { return stage_.invite(moderator_id, attendee_id, tick()); }},
            {StageState::interviewing,
             [&] { return stage_.accept(attendee_id, attendee_id, tick()); }},
            {StageState::holding,
             [&] { return stage_.approve(moderator_id, attendee_id, tick()); }},
            {StageState::live, [&] { return stage_.promote(moderator_id, attendee_id, tick()); }},
        };
        for (const auto& [state, step] : steps) {
            if (status_of(attendee_id).state == target) {
                break;
            }
            ok(step());
            ASSERT_EQ(status_of(attendee_id).state, state);
        }
        ASSERT_EQ(status_of(attendee_id).state, target);
    }
};

}  // namespace onstage::domain::testing
