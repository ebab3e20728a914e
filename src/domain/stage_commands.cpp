#include "domain/stage.hpp"

// The commands of the stage state machine (shared/DESIGN.md §3). Each one checks everything
// before it records anything, so a refused command leaves the Stage as it was.

#include <string>
#include <utility>

namespace onstage::domain {
namespace {

constexpr std::string_view kDismissed =
    "Thank you for your question. The moderators can't take it this time, but you are welcome "
    "to raise your hand again.";
constexpr std::string_view kInviteDeclined = "The attendee declined your invitation.";
constexpr std::string_view kInviteCancelled =
    "The moderator withdrew the invitation for now. Your hand is still raised.";
constexpr std::string_view kRejected =
    "Thank you for talking with us. We can't bring you on stage this time.";
constexpr std::string_view kEndedToAttendee =
    "The moderator ended the conversation. Your hand is still raised.";
constexpr std::string_view kEndedToModerator =
    "The attendee left the conversation; they are back in your queue.";
constexpr std::string_view kRemoved =
    "Thank you for joining us on stage! You are back in the audience.";
constexpr std::string_view kKicked = "A moderator has removed you from this event.";

Failure<Error> refuse(ErrorCode code, std::string message) {
    return fail(Error{code, std::move(message)});
}

Failure<Error> no_hand() {
    return refuse(ErrorCode::no_hand_raised, "There is no raised hand.");
}

Failure<Error> wrong_state(std::string_view command, const AttendeeStatus& current) {
    return refuse(ErrorCode::invalid_state, "Cannot " + std::string(command) +
                                                " while the attendee is " +
                                                std::string(to_string(current.state)) + ".");
}

// A command only M may issue, about an attendee that another moderator holds.
bool held_by_other(const AttendeeStatus& current, std::string_view moderator_id) {
    const bool held = current.state == StageState::queued || current.state == StageState::invited ||
                      current.state == StageState::interviewing;
    return held && current.moderator_id != moderator_id;
}

Failure<Error> not_yours() {
    return refuse(ErrorCode::not_your_queue, "Another moderator is looking after this attendee.");
}

// Back in the audience: no hand, no moderator, no invite.
AttendeeStatus back_to_watching(const AttendeeStatus& current) {
    AttendeeStatus next;
    next.attendee_id = current.attendee_id;
    return next;
}

void notify(Transition& out, std::string to, std::string_view kind, const std::string& subject_id,
            std::string_view text) {
    out.notices.push_back(Notice{.to = std::move(to),
                                 .kind = std::string(kind),
                                 .subject_id = subject_id,
                                 .text = std::string(text)});
}

}  // namespace

Result<Transition, Error> Stage::raise(std::string_view actor_id, std::string_view attendee_id,
                                       std::string_view question, TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::watching) {
        return refuse(ErrorCode::already_raised, "Your hand is already raised.");
    }
    auto text = validate_question(question);
    if (!text) {
        return fail(text.error());
    }
    AttendeeStatus next = *current;
    next.state = StageState::hand_raised;
    next.hand = HandRaise{.question = *text, .raised_at_ms = now_ms};
    Transition out;
    record(out, actor_id, "raise", std::move(next), now_ms, std::move(text).value());
    return out;
}

Result<Transition, Error> Stage::edit_question(std::string_view actor_id,
                                               std::string_view attendee_id,
                                               std::string_view question, TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self);
    if (!current) {
        return fail(current.error());
    }
    if (current->state == StageState::watching) {
        return no_hand();
    }
    if (current->state != StageState::hand_raised && current->state != StageState::queued) {
        return wrong_state("edit the question", *current);
    }
    auto text = validate_question(question);
    if (!text) {
        return fail(text.error());
    }
    AttendeeStatus next = *current;
    next.hand->question = *text;
    next.hand->edited_at_ms = now_ms;
    Transition out;
    record(out, actor_id, "edit_question", std::move(next), now_ms, std::move(text).value());
    return out;
}

Result<Transition, Error> Stage::lower(std::string_view actor_id, std::string_view attendee_id,
                                       TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self);
    if (!current) {
        return fail(current.error());
    }
    switch (current->state) {
    case StageState::hand_raised:
    case StageState::queued:
        break;
    case StageState::invited:
        // The invite and the click on "lower" crossed; the attendee's wish is clear.
        return decline_invite(actor_id, *current, now_ms, "lowered the hand while invited");
    case StageState::watching:
        return no_hand();
    default:
        return wrong_state("lower the hand", *current);
    }
    Transition out;
    record(out, actor_id, "lower", back_to_watching(*current), now_ms);
    return out;
}

Result<Transition, Error> Stage::claim(std::string_view actor_id, std::string_view attendee_id,
                                       TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    switch (current->state) {
    case StageState::hand_raised:
        break;
    case StageState::watching:
        return no_hand();
    case StageState::queued:
    case StageState::invited:
    case StageState::interviewing:
        return refuse(ErrorCode::already_claimed, "A moderator has already taken this hand.");
    default:
        return wrong_state("claim", *current);
    }
    AttendeeStatus next = *current;
    next.state = StageState::queued;
    next.moderator_id = std::string(actor_id);
    Transition out;
    record(out, actor_id, "claim", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::release(std::string_view actor_id, std::string_view attendee_id,
                                         TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state == StageState::watching) {
        return no_hand();
    }
    if (current->state != StageState::queued) {
        return wrong_state("release", *current);
    }
    Transition out;
    record(out, actor_id, "release", back_to_hand_raised(*current), now_ms);
    return out;
}

Result<Transition, Error> Stage::dismiss(std::string_view actor_id, std::string_view attendee_id,
                                         TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (current->state == StageState::watching) {
        return no_hand();
    }
    if (current->state != StageState::hand_raised && current->state != StageState::queued) {
        return wrong_state("dismiss", *current);
    }
    Transition out;
    record(out, actor_id, "dismiss", back_to_watching(*current), now_ms);
    notify(out, current->attendee_id, "dismissed", current->attendee_id, kDismissed);
    return out;
}

Result<Transition, Error> Stage::invite(std::string_view actor_id, std::string_view attendee_id,
                                        TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state == StageState::watching) {
        return no_hand();
    }
    if (current->state != StageState::queued) {
        return wrong_state("invite", *current);
    }
    if (moderator_busy(actor_id)) {
        return refuse(ErrorCode::moderator_busy,
                      "Finish your current interview or invitation before inviting someone else.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::invited;
    next.invite_expires_at_ms = now_ms + invite_timeout_ms_;
    Transition out;
    record(out, actor_id, "invite", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::accept(std::string_view actor_id, std::string_view attendee_id,
                                        TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::invited) {
        return refuse(ErrorCode::not_invited, "There is no invitation to accept.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::interviewing;
    next.invite_expires_at_ms = 0;
    Transition out;
    record(out, actor_id, "accept", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::decline(std::string_view actor_id, std::string_view attendee_id,
                                         TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::invited) {
        return refuse(ErrorCode::not_invited, "There is no invitation to decline.");
    }
    return decline_invite(actor_id, *current, now_ms, {});
}

Transition Stage::decline_invite(std::string_view actor_id, const AttendeeStatus& current,
                                 TimeMs now_ms, std::string detail) {
    Transition out;
    record(out, actor_id, "decline", back_to_watching(current), now_ms, std::move(detail));
    notify(out, current.moderator_id, "invite_declined", current.attendee_id, kInviteDeclined);
    return out;
}

Result<Transition, Error> Stage::cancel_invite(std::string_view actor_id,
                                               std::string_view attendee_id, TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state != StageState::invited) {
        return refuse(ErrorCode::not_invited, "There is no invitation to cancel.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::queued;
    next.invite_expires_at_ms = 0;
    Transition out;
    record(out, actor_id, "cancel_invite", std::move(next), now_ms);
    notify(out, current->attendee_id, "invite_cancelled", current->attendee_id, kInviteCancelled);
    return out;
}

Result<Transition, Error> Stage::approve(std::string_view actor_id, std::string_view attendee_id,
                                         TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state != StageState::interviewing) {
        return refuse(ErrorCode::not_interviewing, "This attendee is not in an interview.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::holding;
    next.moderator_id.clear();
    Transition out;
    record(out, actor_id, "approve", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::reject(std::string_view actor_id, std::string_view attendee_id,
                                        TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state != StageState::interviewing) {
        return refuse(ErrorCode::not_interviewing, "This attendee is not in an interview.");
    }
    Transition out;
    record(out, actor_id, "reject", back_to_watching(*current), now_ms);
    notify(out, current->attendee_id, "rejected", current->attendee_id, kRejected);
    return out;
}

Result<Transition, Error> Stage::end_interview(std::string_view actor_id,
                                               std::string_view attendee_id, TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::attendee_self_or_moderator);
    if (!current) {
        return fail(current.error());
    }
    const bool by_attendee = actor_id == attendee_id;
    if (!by_attendee && held_by_other(*current, actor_id)) {
        return not_yours();
    }
    if (current->state != StageState::interviewing) {
        return refuse(ErrorCode::not_interviewing, "There is no interview to end.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::queued;
    Transition out;
    record(out, actor_id, "end_interview", std::move(next), now_ms);
    if (by_attendee) {
        notify(out, current->moderator_id, "interview_ended", current->attendee_id,
               kEndedToModerator);
    } else {
        notify(out, current->attendee_id, "interview_ended", current->attendee_id,
               kEndedToAttendee);
    }
    return out;
}

Result<Transition, Error> Stage::promote(std::string_view actor_id, std::string_view attendee_id,
                                         TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::holding) {
        return refuse(ErrorCode::not_in_holding, "Only an attendee in holding can go live.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::live;
    Transition out;
    record(out, actor_id, "promote", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::demote(std::string_view actor_id, std::string_view attendee_id,
                                        TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::live) {
        return refuse(ErrorCode::not_live, "This attendee is not live.");
    }
    AttendeeStatus next = *current;
    next.state = StageState::holding;
    Transition out;
    record(out, actor_id, "demote", std::move(next), now_ms);
    return out;
}

Result<Transition, Error> Stage::remove(std::string_view actor_id, std::string_view attendee_id,
                                        TimeMs now_ms) {
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    if (current->state != StageState::holding && current->state != StageState::live) {
        return refuse(ErrorCode::not_in_holding, "This attendee is neither in holding nor live.");
    }
    Transition out;
    record(out, actor_id, "remove", back_to_watching(*current), now_ms);
    notify(out, current->attendee_id, "removed", current->attendee_id, kRemoved);
    return out;
}

Result<Transition, Error> Stage::kick(std::string_view actor_id, std::string_view attendee_id,
                                      std::string_view reason, TimeMs now_ms) {
    // subject() refuses an attendee who is already kicked: kicking is final, not repeatable.
    auto current = subject(actor_id, attendee_id, Issuer::moderator);
    if (!current) {
        return fail(current.error());
    }
    AttendeeStatus next = back_to_watching(*current);
    next.state = StageState::kicked;
    Transition out;
    record(out, actor_id, "kick", std::move(next), now_ms, std::string(reason));
    notify(out, current->attendee_id, "kicked", current->attendee_id, kKicked);
    out.revoke_sessions.push_back(current->attendee_id);
    return out;
}

}  // namespace onstage::domain
