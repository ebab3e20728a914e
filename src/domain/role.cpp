#include "domain/role.hpp"

namespace onstage::domain {

std::string_view to_string(Role role) {
    switch (role) {
    case Role::attendee:
        return "attendee";
    case Role::moderator:
        return "moderator";
    case Role::talent:
        return "talent";
    }
    return "attendee";
}

std::optional<Role> role_from_string(std::string_view name) {
    for (Role role : {Role::attendee, Role::moderator, Role::talent}) {
        if (to_string(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

}  // namespace onstage::domain
