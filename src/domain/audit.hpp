// One line of an event's audit log: who did what to whom, and the state before and after.
#pragma once

#include <cstdint>
#include <string>

#include "domain/event.hpp"

namespace onstage::domain {

struct AuditEntry {
    std::int64_t seq = 0;  // assigned by the store, increasing per database
    std::string event_id;
    TimeMs at_ms = 0;
    std::string actor_id;    // participant id, or "server" / "admin" for system actions
    std::string action;      // command name, e.g. "claim", "invite_expired", "event_created"
    std::string subject_id;  // the participant acted on; may be empty
    std::string from_state;  // StageState names; empty when not a stage transition
    std::string to_state;
    std::string detail;  // free text, e.g. the reason for a kick
    bool operator==(const AuditEntry&) const = default;
};

}  // namespace onstage::domain
