// Roles a participant of an event can have (shared/DESIGN.md §3). Pure data, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace onstage::domain {

enum class Role : std::uint8_t { attendee, moderator, talent };

// Stable lower-case names, used in files, the database and the protocol.
std::string_view to_string(Role role);
std::optional<Role> role_from_string(std::string_view name);

// Moderators and talent log in with an access key as well as their link.
constexpr bool role_needs_access_key(Role role) {
    return role != Role::attendee;
}

}  // namespace onstage::domain
