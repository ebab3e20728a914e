#include "media/plan.hpp"

#include <algorithm>
#include <array>

namespace onstage::media {
namespace {

using domain::Role;
using domain::StageState;

constexpr std::array<std::string_view, 3> kRoomNames{"interview", "holding", "stage"};
constexpr std::array<std::string_view, 2> kSourceNames{"camera", "screen"};

}  // namespace

std::string_view to_string(RoomKind kind) {
    return kRoomNames.at(static_cast<std::size_t>(kind));
}

std::string_view to_string(Source source) {
    return kSourceNames.at(static_cast<std::size_t>(source));
}

std::optional<RoomKind> room_kind_from_string(std::string_view name) {
    for (std::size_t i = 0; i < kRoomNames.size(); ++i) {
        if (kRoomNames.at(i) == name) {
            return static_cast<RoomKind>(i);
        }
    }
    return std::nullopt;
}

std::optional<Source> source_from_string(std::string_view name) {
    for (std::size_t i = 0; i < kSourceNames.size(); ++i) {
        if (kSourceNames.at(i) == name) {
            return static_cast<Source>(i);
        }
    }
    return std::nullopt;
}

Rights rights_of(std::string_view participant_id, const MediaRole& who) {
    Rights out;
    if (!who.online) {
        return out;
    }
    switch (who.role) {
    case Role::attendee:
        if (who.state == StageState::interviewing) {
            out.publish.push_back(RoomRef{RoomKind::interview, who.moderator_id});
        } else if (who.state == StageState::holding) {
            out.publish.push_back(RoomRef{RoomKind::holding, {}});
        } else if (who.state == StageState::live) {
            out.publish.push_back(RoomRef{RoomKind::stage, {}});
        }
        break;
    case Role::talent:
        out.publish.push_back(RoomRef{RoomKind::stage, {}});
        out.screen = true;
        break;
    case Role::moderator:
        if (!who.interviewee.empty()) {
            out.publish.push_back(RoomRef{RoomKind::interview, std::string(participant_id)});
        }
        if (who.on_air) {
            out.publish.push_back(RoomRef{RoomKind::stage, {}});
            out.screen = true;
        }
        break;
    }
    return out;
}

bool may_publish(std::string_view participant_id, const MediaRole& who, const RoomRef& room,
                 Source source) {
    const Rights rights = rights_of(participant_id, who);
    if (source == Source::screen) {
        return rights.screen && room.kind == RoomKind::stage;
    }
    return std::find(rights.publish.begin(), rights.publish.end(), room) != rights.publish.end();
}

bool may_see(std::string_view viewer_id, const MediaRole& viewer, std::string_view publisher_id,
             const RoomRef& room) {
    if (viewer_id == publisher_id || !viewer.online) {
        return false;
    }
    switch (room.kind) {
    case RoomKind::interview:
        // The two people in the interview see each other; nobody else does.
        if (viewer.role == Role::moderator) {
            return room.owner == viewer_id && viewer.interviewee == publisher_id;
        }
        return viewer.role == Role::attendee && viewer.state == StageState::interviewing &&
               viewer.moderator_id == room.owner && publisher_id == room.owner;
    case RoomKind::holding:
        return viewer.role == Role::moderator;
    case RoomKind::stage:
        return viewer.role != Role::attendee || viewer.state == StageState::holding ||
               viewer.state == StageState::live;
    }
    return false;
}

}  // namespace onstage::media
