// The stage state machine of one event (shared/DESIGN.md §3): which attendees have a hand up,
// who is in which moderator's queue, invited, interviewing, holding, live or kicked. Commands
// check everything first and change nothing when they fail; on success the Stage is already
// updated and the returned Transition says what the caller must persist (Store::apply_transition),
// fan out and tell people.
//
// Threading: not thread-safe. The server owns one Stage per event and calls it on that event's
// strand only, so two users "racing" are two commands in some order: the second one sees the
// first one's effect (e.g. the second claim of a hand gets already_claimed). The invite timer is
// such a command too: an invite counts until expire_invites() has turned it back into a hand.
//
// Pure: no I/O, no clock. Every command takes the time as `now_ms`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/attendee_state.hpp"
#include "domain/audit.hpp"
#include "domain/error.hpp"
#include "domain/event.hpp"
#include "domain/limits.hpp"
#include "domain/result.hpp"
#include "domain/role.hpp"

namespace onstage::domain {

// Lets maps keyed by std::string be searched with a std::string_view, without a copy.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
        return std::hash<std::string_view>{}(text);
    }
};

// Every participant of the event, id → role. A hash map: events have 100k attendees.
using ParticipantRoles = std::unordered_map<std::string, Role, StringHash, std::equal_to<>>;

// A sentence for one person about something someone else did to their hand or invite. Plain
// progress (claimed, invited, promoted) needs none: the changed status says it.
struct Notice {
    std::string to;          // participant id of the recipient
    std::string kind;        // stable snake_case, e.g. "dismissed", "invite_declined"
    std::string subject_id;  // the attendee it is about
    std::string text;        // one polite sentence for the UI
    bool operator==(const Notice&) const = default;
};

struct Transition {
    std::vector<AttendeeStatus> changed;       // persist, then fan out
    std::vector<AuditEntry> audit;             // persist with `changed`, in one transaction
    std::vector<Notice> notices;               // deliver after persisting
    std::vector<std::string> revoke_sessions;  // participant ids whose tokens must be revoked
};

// The question as stored: surrounding white space trimmed, 1..limits::kMaxQuestionChars Unicode
// code points. Errors: invalid_utf8, question_empty, question_too_long.
Result<std::string, Error> validate_question(std::string_view raw);

class Stage {
public:
    // `statuses` as loaded from the store; attendees without one are watching. Rows that do not
    // name an attendee of `roles` are ignored. Throws std::invalid_argument if
    // `invite_timeout_ms` is not positive (a configuration bug, not user input).
    Stage(std::string event_id, ParticipantRoles roles, std::vector<AttendeeStatus> statuses,
          TimeMs invite_timeout_ms = limits::kDefaultInviteTimeoutMs);

    // --- commands -----------------------------------------------------------------------------
    // Common errors, checked in this order: unknown_participant (actor or attendee), then
    // not_an_attendee, forbidden (role or, for the attendee's own commands, someone else),
    // kicked, then the command's own state errors. A moderator acting on an attendee held by
    // another moderator (queued/invited/interviewing) in a command that only that moderator may
    // issue gets not_your_queue.

    // By the attendee. watching → hand_raised.
    Result<Transition, Error> raise(std::string_view actor_id, std::string_view attendee_id,
                                    std::string_view question, TimeMs now_ms);
    // By the attendee. hand_raised / queued: the question changes, the state does not.
    Result<Transition, Error> edit_question(std::string_view actor_id, std::string_view attendee_id,
                                            std::string_view question, TimeMs now_ms);
    // By the attendee. hand_raised / queued → watching. While invited it is a decline: the
    // user clicked "lower" as the invite arrived.
    Result<Transition, Error> lower(std::string_view actor_id, std::string_view attendee_id,
                                    TimeMs now_ms);
    // By a moderator. hand_raised → queued(actor).
    Result<Transition, Error> claim(std::string_view actor_id, std::string_view attendee_id,
                                    TimeMs now_ms);
    // By M. queued(M) → hand_raised.
    Result<Transition, Error> release(std::string_view actor_id, std::string_view attendee_id,
                                      TimeMs now_ms);
    // By any moderator. hand_raised / queued(any) → watching; the attendee is told politely.
    Result<Transition, Error> dismiss(std::string_view actor_id, std::string_view attendee_id,
                                      TimeMs now_ms);
    // By M, who must have nobody else invited or interviewing. queued(M) → invited(M), until
    // now + the invite timeout.
    Result<Transition, Error> invite(std::string_view actor_id, std::string_view attendee_id,
                                     TimeMs now_ms);
    // By the attendee. invited(M) → interviewing(M).
    Result<Transition, Error> accept(std::string_view actor_id, std::string_view attendee_id,
                                     TimeMs now_ms);
    // By the attendee. invited(M) → watching, hand lowered; M is told.
    Result<Transition, Error> decline(std::string_view actor_id, std::string_view attendee_id,
                                      TimeMs now_ms);
    // By M. invited(M) → queued(M).
    Result<Transition, Error> cancel_invite(std::string_view actor_id, std::string_view attendee_id,
                                            TimeMs now_ms);
    // By M. interviewing(M) → holding.
    Result<Transition, Error> approve(std::string_view actor_id, std::string_view attendee_id,
                                      TimeMs now_ms);
    // By M. interviewing(M) → watching; the attendee is told politely.
    Result<Transition, Error> reject(std::string_view actor_id, std::string_view attendee_id,
                                     TimeMs now_ms);
    // By M or the attendee (either side hung up). interviewing(M) → queued(M).
    Result<Transition, Error> end_interview(std::string_view actor_id, std::string_view attendee_id,
                                            TimeMs now_ms);
    // By any moderator. holding → live.
    Result<Transition, Error> promote(std::string_view actor_id, std::string_view attendee_id,
                                      TimeMs now_ms);
    // By any moderator. live → holding.
    Result<Transition, Error> demote(std::string_view actor_id, std::string_view attendee_id,
                                     TimeMs now_ms);
    // By any moderator. holding / live → watching.
    Result<Transition, Error> remove(std::string_view actor_id, std::string_view attendee_id,
                                     TimeMs now_ms);
    // By any moderator, from any state but kicked. Final; the attendee's sessions are revoked.
    // `reason` goes to the audit log only.
    Result<Transition, Error> kick(std::string_view actor_id, std::string_view attendee_id,
                                   std::string_view reason, TimeMs now_ms);

    // --- server events ------------------------------------------------------------------------
    // A moderator logged out or was removed: everyone in their queue, invite or interview goes
    // back to hand_raised, question kept, so no hand is stranded. Audited with actor = the
    // moderator. Errors: unknown_participant; forbidden if the id is not a moderator.
    Result<Transition, Error> moderator_left(std::string_view moderator_id, TimeMs now_ms);
    // Every invite with invite_expires_at_ms <= now_ms goes back to hand_raised (actor
    // "server", action "invite_expired"); the moderator and the attendee are told.
    Transition expire_invites(TimeMs now_ms);
    // When the server's timer should next call expire_invites(); nullopt without invites.
    std::optional<TimeMs> next_invite_expiry() const;

    // --- queries ------------------------------------------------------------------------------
    // nullopt if the id is not an attendee of this event.
    std::optional<AttendeeStatus> status(std::string_view attendee_id) const;
    // hand_raised and queued, oldest raise first: the moderators' shared list.
    std::vector<AttendeeStatus> raised_hands() const;
    // queued(moderator), oldest raise first.
    std::vector<AttendeeStatus> queue_of(std::string_view moderator_id) const;
    // The attendee invited(moderator) or interviewing(moderator), if any (at most one).
    std::optional<AttendeeStatus> interview_of(std::string_view moderator_id) const;
    // In the order they arrived there.
    std::vector<AttendeeStatus> holding() const;
    std::vector<AttendeeStatus> live() const;

    const std::string& event_id() const { return event_id_; }
    TimeMs invite_timeout_ms() const { return invite_timeout_ms_; }

private:
    // Who may issue a command about an attendee.
    enum class Issuer : std::uint8_t { attendee_self, moderator, attendee_self_or_moderator };

    // The attendee's current status after the checks common to every command.
    Result<AttendeeStatus, Error> subject(std::string_view actor_id, std::string_view attendee_id,
                                          Issuer issuer) const;
    std::optional<Role> role_of(std::string_view participant_id) const;
    bool moderator_busy(std::string_view moderator_id) const;
    // Stores `next` as the attendee's status and appends it and its audit entry to `out`.
    void record(Transition& out, std::string_view actor_id, std::string_view action,
                AttendeeStatus next, TimeMs now_ms, std::string detail = {});
    Transition decline_invite(std::string_view actor_id, const AttendeeStatus& current,
                              TimeMs now_ms, std::string detail);
    // `current` back in the shared list: question kept, no moderator, no invite.
    static AttendeeStatus back_to_hand_raised(const AttendeeStatus& current);
    std::vector<AttendeeStatus> select(const std::function<bool(const AttendeeStatus&)>& keep,
                                       bool by_raise_time) const;
    // Stores `next` as the attendee's status, keeping engaged_ in step.
    void put(AttendeeStatus next);
    static bool is_engaged(StageState s) {
        return s == StageState::invited || s == StageState::interviewing;
    }

    std::string event_id_;
    ParticipantRoles roles_;
    // Attendees with a stored status (any state); every other attendee is watching.
    std::unordered_map<std::string, AttendeeStatus, StringHash, std::equal_to<>> statuses_;
    // The few attendees invited or in an interview: every command asks who is busy and when
    // the next invite expires, and that must not cost a walk over every raised hand.
    std::set<std::string, std::less<>> engaged_;
    TimeMs invite_timeout_ms_;
};

}  // namespace onstage::domain
