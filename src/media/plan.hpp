// Who may publish into which room and see which feeds: the media rules of docs/protocol.md
// ("Media"), as pure functions of the stage state. The mediator (event_media.*) enforces them;
// the runtime sends their result to each participant as the `media` plan.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/attendee_state.hpp"
#include "domain/role.hpp"

namespace onstage::media {

enum class RoomKind : std::uint8_t { interview, holding, stage };
enum class Source : std::uint8_t { camera, screen };

std::string_view to_string(RoomKind kind);
std::string_view to_string(Source source);
std::optional<RoomKind> room_kind_from_string(std::string_view name);
std::optional<Source> source_from_string(std::string_view name);

// A room of the event: the stage, the holding room, or moderator `owner`'s interview room.
struct RoomRef {
    RoomKind kind = RoomKind::stage;
    std::string owner;  // interview rooms only: the moderator's id
    bool operator==(const RoomRef&) const = default;
};

// What the stage says about one participant, as far as media is concerned.
struct MediaRole {
    domain::Role role = domain::Role::attendee;
    domain::StageState state = domain::StageState::watching;  // attendees
    std::string moderator_id;  // an interviewing attendee: whose interview it is
    std::string interviewee;   // a moderator: the attendee interviewing with them, if any
    bool on_air = false;       // moderators
    bool online = false;       // has a tab open
};

struct Rights {
    std::vector<RoomRef> publish;  // rooms the participant may publish its camera into
    bool screen = false;           // may also share a screen into the stage
};

Rights rights_of(std::string_view participant_id, const MediaRole& who);
bool may_publish(std::string_view participant_id, const MediaRole& who, const RoomRef& room,
                 Source source);
// Whether `viewer` may see what `publisher_id` publishes into `room` (never their own feeds).
bool may_see(std::string_view viewer_id, const MediaRole& viewer, std::string_view publisher_id,
             const RoomRef& room);

struct FeedView {
    std::string feed;
    std::string participant_id;
    std::string name;
    domain::Role role = domain::Role::attendee;
    RoomKind room = RoomKind::stage;
    Source source = Source::camera;
    bool audio_muted = false;
    bool video_muted = false;
    bool operator==(const FeedView&) const = default;
};

// The `media` event's content for one participant.
struct Plan {
    std::uint64_t epoch = 0;
    std::vector<RoomKind> publish;
    bool screen = false;
    std::vector<FeedView> feeds;
    bool operator==(const Plan&) const = default;
};

}  // namespace onstage::media
