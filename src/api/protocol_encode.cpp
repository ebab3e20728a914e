// Server frames. Built with nlohmann::ordered_json so that "type" is always the first member
// (the server splices "seq" in front of it, see frame_prefix) and members appear in the order
// docs/protocol.md lists them.
#include "api/protocol.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace onstage::api::protocol {
namespace {

using Json = nlohmann::ordered_json;

// Compact, UTF-8 as is. Names come from organisers' CSV files and reasons from moderators; they
// are validated upstream, but a stray ill-formed byte must become U+FFFD, not an exception.
std::string dump(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json message(std::string_view type) {
    Json out = Json::object();
    out["type"] = type;
    return out;
}

Json string_or_null(std::string_view text) {
    return text.empty() ? Json(nullptr) : Json(text);
}

// The AttendeeView of docs/protocol.md.
Json attendee_view(const domain::AttendeeStatus& status, const NameOf& name_of) {
    Json view = Json::object();
    view["id"] = status.attendee_id;
    view["name"] = name_of(status.attendee_id);
    view["state"] = domain::to_string(status.state);
    view["moderator_id"] = string_or_null(status.moderator_id);
    view["moderator_name"] =
        status.moderator_id.empty() ? Json(nullptr) : Json(name_of(status.moderator_id));
    const auto& hand = status.hand;
    view["question"] = hand ? Json(hand->question) : Json(nullptr);
    view["raised_at"] = hand ? Json(hand->raised_at_ms) : Json(nullptr);
    view["edited_at"] = hand && hand->edited_at_ms != 0 ? Json(hand->edited_at_ms) : Json(nullptr);
    // Only an invite has a deadline; a stale value in any other state means nothing to a client.
    view["invite_expires_at"] = status.state == domain::StageState::invited
                                    ? Json(status.invite_expires_at_ms)
                                    : Json(nullptr);
    view["updated_at"] = status.updated_at_ms;
    return view;
}

Json online_view(const OnlineView& who) {
    Json view = Json::object();
    view["id"] = who.id;
    view["name"] = who.name;
    view["role"] = domain::to_string(who.role);
    view["on_air"] = who.on_air;
    return view;
}

// The members of the `broadcast` event after its "type" (docs/protocol.md "The broadcast").
void put_broadcast(Json& out, const BroadcastView& view, bool staff) {
    out["state"] = view.state;
    if (staff) {
        out["reason"] = view.reason;
    }
    out["since"] = view.since;
    if (staff) {
        out["layout"] = view.layout;
        out["applied_layout"] = view.applied_layout;
    }
    out["hls_url"] = view.hls_url;
    if (!staff) {
        return;
    }
    out["viewers"] = view.viewers;
    out["recording"] = view.recording;
    Json targets = Json::array();
    for (const auto& t : view.targets) {
        Json target = Json::object();
        target["id"] = t.id;
        target["name"] = t.name;
        target["state"] = t.state;
        target["error"] = t.error;
        targets.push_back(std::move(target));
    }
    out["targets"] = std::move(targets);
    out["on_program"] = view.on_program;
}

}  // namespace

std::string encode_ack(std::string_view id) {
    Json out = message("ack");
    out["id"] = id;
    return dump(out);
}

std::string encode_media_ack(std::string_view id, std::string_view sdp, std::string_view feed,
                             std::string_view sub) {
    Json out = message("ack");
    out["id"] = id;
    if (!feed.empty()) {
        out["feed"] = feed;
    }
    if (!sub.empty()) {
        out["sub"] = sub;
    }
    if (!sdp.empty()) {
        out["sdp"] = sdp;
    }
    return dump(out);
}

std::string encode_error(std::string_view id, std::string_view code,
                         std::string_view message_text) {
    Json out = message("error");
    out["id"] = string_or_null(id);
    out["code"] = code;
    out["message"] = message_text;
    return dump(out);
}

std::string encode_welcome(const ParticipantView& me, const domain::Event& event,
                           std::uint64_t seq) {
    Json participant = Json::object();
    participant["id"] = me.id;
    participant["name"] = me.name;
    participant["role"] = domain::to_string(me.role);
    Json event_view = Json::object();
    event_view["id"] = event.id;
    event_view["name"] = event.name;
    event_view["is_public"] = event.is_public;
    event_view["starts_at"] = event.starts_at_ms ? Json(*event.starts_at_ms) : Json(nullptr);
    Json out = message("welcome");
    out["participant"] = std::move(participant);
    out["event"] = std::move(event_view);
    out["seq"] = seq;
    return dump(out);
}

std::string encode_snapshot(const std::optional<domain::AttendeeStatus>& mine,
                            const std::vector<domain::AttendeeStatus>& attendees,
                            const std::vector<OnlineView>& online, const NameOf& name_of) {
    Json list = Json::array();
    for (const auto& status : attendees) {
        list.push_back(attendee_view(status, name_of));
    }
    Json who = Json::array();
    for (const auto& person : online) {
        who.push_back(online_view(person));
    }
    Json out = message("snapshot");
    out["me"] = mine ? attendee_view(*mine, name_of) : Json(nullptr);
    out["attendees"] = std::move(list);
    out["online"] = std::move(who);
    return dump(out);
}

std::string encode_status(const domain::AttendeeStatus& status, const NameOf& name_of) {
    Json out = message("status");
    out["attendee"] = attendee_view(status, name_of);
    return dump(out);
}

std::string encode_notice(const domain::Notice& notice) {
    Json out = message("notice");
    out["kind"] = notice.kind;
    out["subject_id"] = notice.subject_id;
    out["text"] = notice.text;
    return dump(out);
}

std::string encode_presence(const OnlineView& who, bool online) {
    Json out = message("presence");
    out["participant_id"] = who.id;
    out["name"] = who.name;
    out["role"] = domain::to_string(who.role);
    out["online"] = online;
    out["on_air"] = who.on_air;
    return dump(out);
}

std::string encode_moderation(std::string_view target_id, std::string_view kind,
                              std::string_view by_id, std::string_view by_name) {
    Json out = message("moderation");
    out["participant_id"] = target_id;
    out["kind"] = kind;
    out["by"] = by_id;
    out["by_name"] = by_name;
    return dump(out);
}

std::string encode_on_air(std::string_view moderator_id, bool on_air) {
    Json out = message("on_air");
    out["moderator_id"] = moderator_id;
    out["on_air"] = on_air;
    return dump(out);
}

std::string encode_revoked(std::string_view reason) {
    Json out = message("revoked");
    out["reason"] = reason;
    return dump(out);
}

std::string encode_broadcast(const BroadcastView& view, bool staff) {
    Json out = message("broadcast");
    put_broadcast(out, view, staff);
    return dump(out);
}

Json broadcast_members(const BroadcastView& view, bool staff) {
    Json out = Json::object();
    put_broadcast(out, view, staff);
    return out;
}

std::string encode_media(const media::Plan& plan, std::string_view ice_servers_json) {
    Json publish = Json::array();
    for (const media::RoomKind room : plan.publish) {
        publish.push_back(media::to_string(room));
    }
    Json feeds = Json::array();
    for (const media::FeedView& f : plan.feeds) {
        Json view = Json::object();
        view["feed"] = f.feed;
        view["participant_id"] = f.participant_id;
        view["name"] = f.name;
        view["role"] = domain::to_string(f.role);
        view["room"] = media::to_string(f.room);
        view["source"] = media::to_string(f.source);
        view["audio_muted"] = f.audio_muted;
        view["video_muted"] = f.video_muted;
        feeds.push_back(std::move(view));
    }
    Json servers = Json::parse(ice_servers_json, nullptr, false);
    if (servers.is_discarded() || !servers.is_array()) {
        servers = Json::array();
    }
    Json out = message("media");
    out["epoch"] = plan.epoch;
    out["publish"] = std::move(publish);
    out["screen"] = plan.screen;
    out["feeds"] = std::move(feeds);
    out["ice_servers"] = std::move(servers);
    return dump(out);
}

std::string frame_prefix(std::uint64_t seq) {
    return "{\"seq\":" + std::to_string(seq) + ",";
}

std::string frame_event(std::uint64_t seq, std::string_view payload) {
    std::string out = frame_prefix(seq);
    out.append(payload.substr(1));
    return out;
}

}  // namespace onstage::api::protocol
