// The persisted stage state of one attendee (shared/DESIGN.md §3). Plain data: the rules that
// move an attendee between these states live in the stage state machine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/event.hpp"

namespace onstage::domain {

enum class StageState : std::uint8_t {
    watching,      // watching the broadcast, no hand up
    hand_raised,   // in the shared list every moderator sees
    queued,        // claimed into one moderator's queue
    invited,       // that moderator invited them to a 1:1; waiting for accept/decline
    interviewing,  // in the 1:1 with that moderator
    holding,       // approved; waiting in the holding room
    live,          // on stage
    kicked,        // final: token revoked, no new login for this event
};

// Stable names for files, the database, the protocol and error messages.
std::string_view to_string(StageState state);
std::optional<StageState> stage_state_from_string(std::string_view name);

// The attendee's question. Kept from the raise until the attendee is back to watching, so
// moderators still see what a holding or live guest came to ask.
struct HandRaise {
    std::string question;
    TimeMs raised_at_ms = 0;
    TimeMs edited_at_ms = 0;
    bool operator==(const HandRaise&) const = default;
};

struct AttendeeStatus {
    std::string attendee_id;
    StageState state = StageState::watching;
    // The moderator whose queue/invite/interview this is; empty in every other state.
    std::string moderator_id;
    std::optional<HandRaise> hand;
    // Set while invited: when the server turns an unanswered invite back into a raised hand.
    TimeMs invite_expires_at_ms = 0;
    TimeMs updated_at_ms = 0;
    bool operator==(const AttendeeStatus&) const = default;
};

}  // namespace onstage::domain
