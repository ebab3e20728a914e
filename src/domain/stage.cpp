#include "domain/stage.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace onstage::domain {
namespace {

// The actor of audit entries for what the server does on its own (the invite timer).
constexpr std::string_view kServerActor = "server";

constexpr std::string_view kInviteExpiredToModerator =
    "Your invitation was not answered in time; the hand is back in the shared list.";
constexpr std::string_view kInviteExpiredToAttendee =
    "The invitation to talk with a moderator has expired. Your hand is still raised.";
constexpr std::string_view kModeratorLeftToAttendee =
    "Your moderator had to leave. Your hand is still raised and another moderator can take it.";

// States in which an attendee belongs to one moderator (moderator_id is set).
bool is_held(StageState state) {
    return state == StageState::queued || state == StageState::invited ||
           state == StageState::interviewing;
}

}  // namespace

Stage::Stage(std::string event_id, ParticipantRoles roles, std::vector<AttendeeStatus> statuses,
             TimeMs invite_timeout_ms)
    : event_id_(std::move(event_id)),
      roles_(std::move(roles)),
      invite_timeout_ms_(invite_timeout_ms) {
    if (invite_timeout_ms_ <= 0) {
        throw std::invalid_argument("the invite timeout must be positive");
    }
    statuses_.reserve(statuses.size());
    for (auto& status : statuses) {
        if (role_of(status.attendee_id) != Role::attendee) {
            continue;
        }
        put(std::move(status));
    }
}

std::optional<Role> Stage::role_of(std::string_view participant_id) const {
    const auto found = roles_.find(participant_id);
    if (found == roles_.end()) {
        return std::nullopt;
    }
    return found->second;
}

Result<AttendeeStatus, Error> Stage::subject(std::string_view actor_id,
                                             std::string_view attendee_id, Issuer issuer) const {
    // Messages never repeat an id: an attendee's id is the secret in their access link.
    const auto actor_role = role_of(actor_id);
    if (!actor_role) {
        return fail(Error{ErrorCode::unknown_participant, "You are not part of this event."});
    }
    const auto subject_role = role_of(attendee_id);
    if (!subject_role) {
        return fail(
            Error{ErrorCode::unknown_participant, "That attendee is not part of this event."});
    }
    if (*subject_role != Role::attendee) {
        return fail(Error{ErrorCode::not_an_attendee,
                          "Only attendees raise hands and come on stage this way."});
    }
    const bool is_self = actor_id == attendee_id;
    const bool is_moderator = *actor_role == Role::moderator;
    switch (issuer) {
    case Issuer::attendee_self:
        if (!is_self) {
            return fail(
                Error{ErrorCode::forbidden, "Only the attendee can do this with their own hand."});
        }
        break;
    case Issuer::moderator:
        if (!is_moderator) {
            return fail(Error{ErrorCode::forbidden, "Only a moderator can do this."});
        }
        break;
    case Issuer::attendee_self_or_moderator:
        if (!is_self && !is_moderator) {
            return fail(
                Error{ErrorCode::forbidden, "Only the attendee or their moderator can do this."});
        }
        break;
    }
    auto current = status(attendee_id);
    if (current->state == StageState::kicked) {
        return fail(Error{ErrorCode::kicked, "This attendee has been removed from the event."});
    }
    return std::move(*current);
}

bool Stage::moderator_busy(std::string_view moderator_id) const {
    return std::any_of(engaged_.begin(), engaged_.end(), [&](const std::string& id) {
        return statuses_.find(id)->second.moderator_id == moderator_id;
    });
}

void Stage::put(AttendeeStatus next) {
    if (is_engaged(next.state)) {
        engaged_.insert(next.attendee_id);
    } else {
        engaged_.erase(next.attendee_id);
    }
    std::string key = next.attendee_id;
    statuses_.insert_or_assign(std::move(key), std::move(next));
}

void Stage::record(Transition& out, std::string_view actor_id, std::string_view action,
                   AttendeeStatus next, TimeMs now_ms, std::string detail) {
    const StageState from = status(next.attendee_id)->state;
    next.updated_at_ms = now_ms;
    out.audit.push_back(AuditEntry{
        .event_id = event_id_,
        .at_ms = now_ms,
        .actor_id = std::string(actor_id),
        .action = std::string(action),
        .subject_id = next.attendee_id,
        .from_state = std::string(to_string(from)),
        .to_state = std::string(to_string(next.state)),
        .detail = std::move(detail),
    });
    out.changed.push_back(next);
    put(std::move(next));
}

AttendeeStatus Stage::back_to_hand_raised(const AttendeeStatus& current) {
    AttendeeStatus next = current;
    next.state = StageState::hand_raised;
    next.moderator_id.clear();
    next.invite_expires_at_ms = 0;
    return next;
}

Result<Transition, Error> Stage::moderator_left(std::string_view moderator_id, TimeMs now_ms) {
    const auto role = role_of(moderator_id);
    if (!role) {
        return fail(Error{ErrorCode::unknown_participant, "You are not part of this event."});
    }
    if (*role != Role::moderator) {
        return fail(Error{ErrorCode::forbidden, "Only a moderator has a queue to leave."});
    }
    const auto held = select(
        [&](const AttendeeStatus& status) {
            return is_held(status.state) && status.moderator_id == moderator_id;
        },
        true);
    Transition out;
    for (const auto& status : held) {
        record(out, moderator_id, "moderator_left", back_to_hand_raised(status), now_ms);
        out.notices.push_back(Notice{.to = status.attendee_id,
                                     .kind = "moderator_left",
                                     .subject_id = status.attendee_id,
                                     .text = std::string(kModeratorLeftToAttendee)});
    }
    return out;
}

Transition Stage::expire_invites(TimeMs now_ms) {
    const auto due = select(
        [&](const AttendeeStatus& status) {
            return status.state == StageState::invited && status.invite_expires_at_ms <= now_ms;
        },
        true);
    Transition out;
    for (const auto& status : due) {
        record(out, kServerActor, "invite_expired", back_to_hand_raised(status), now_ms);
        out.notices.push_back(Notice{.to = status.moderator_id,
                                     .kind = "invite_expired",
                                     .subject_id = status.attendee_id,
                                     .text = std::string(kInviteExpiredToModerator)});
        out.notices.push_back(Notice{.to = status.attendee_id,
                                     .kind = "invite_expired",
                                     .subject_id = status.attendee_id,
                                     .text = std::string(kInviteExpiredToAttendee)});
    }
    return out;
}

std::optional<TimeMs> Stage::next_invite_expiry() const {
    std::optional<TimeMs> next;
    for (const std::string& id : engaged_) {
        const AttendeeStatus& status = statuses_.find(id)->second;
        if (status.state == StageState::invited && (!next || status.invite_expires_at_ms < *next)) {
            next = status.invite_expires_at_ms;
        }
    }
    return next;
}

std::optional<AttendeeStatus> Stage::status(std::string_view attendee_id) const {
    if (role_of(attendee_id) != Role::attendee) {
        return std::nullopt;
    }
    const auto found = statuses_.find(attendee_id);
    if (found != statuses_.end()) {
        return found->second;
    }
    AttendeeStatus watching;
    watching.attendee_id = std::string(attendee_id);
    return watching;
}

std::vector<AttendeeStatus> Stage::select(const std::function<bool(const AttendeeStatus&)>& keep,
                                          bool by_raise_time) const {
    std::vector<AttendeeStatus> out;
    for (const auto& [id, status] : statuses_) {
        if (keep(status)) {
            out.push_back(status);
        }
    }
    // Ties broken by id so every node and every test sees the same order.
    const auto key = [by_raise_time](const AttendeeStatus& status) {
        const TimeMs at =
            by_raise_time && status.hand ? status.hand->raised_at_ms : status.updated_at_ms;
        return std::tuple<TimeMs, const std::string&>(at, status.attendee_id);
    };
    std::sort(out.begin(), out.end(),
              [&](const AttendeeStatus& a, const AttendeeStatus& b) { return key(a) < key(b); });
    return out;
}

std::vector<AttendeeStatus> Stage::raised_hands() const {
    return select(
        [](const AttendeeStatus& status) {
            return status.state == StageState::hand_raised || status.state == StageState::queued;
        },
        true);
}

std::vector<AttendeeStatus> Stage::queue_of(std::string_view moderator_id) const {
    return select(
        [&](const AttendeeStatus& status) {
            return status.state == StageState::queued && status.moderator_id == moderator_id;
        },
        true);
}

std::optional<AttendeeStatus> Stage::interview_of(std::string_view moderator_id) const {
    for (const std::string& id : engaged_) {
        const AttendeeStatus& status = statuses_.find(id)->second;
        if (status.moderator_id == moderator_id) {
            return status;
        }
    }
    return std::nullopt;
}

std::vector<AttendeeStatus> Stage::holding() const {
    return select([](const AttendeeStatus& status) { return status.state == StageState::holding; },
                  false);
}

std::vector<AttendeeStatus> Stage::live() const {
    return select([](const AttendeeStatus& status) { return status.state == StageState::live; },
                  false);
}

}  // namespace onstage::domain
