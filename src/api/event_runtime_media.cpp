// The media side of a live event: the signaling commands a tab sends, each participant's
// `media` plan, and what the SFU reports (restart, a PeerConnection up or gone). Kept apart from
// event_runtime.cpp, which holds the stage command path; everything here runs on the strand.
#include <boost/asio/post.hpp>

#include <algorithm>

#include "api/event_runtime.hpp"

namespace onstage::api {

using domain::Role;
using domain::StageState;
using protocol::CommandType;

asio::awaitable<Reply> EventRuntime::handle_media(const Identity& who, const Tab* tab,
                                                  const protocol::Command& c) {
    const std::string& me = who.participant_id;
    media::MediaResult<media::MediaAck> result = media::MediaAck{};
    const auto room = media::room_kind_from_string(c.room).value_or(media::RoomKind::stage);
    const auto source = media::source_from_string(c.source).value_or(media::Source::camera);
    switch (c.type) {
    case CommandType::publish:
        result = co_await media_.publish(tab, me, room, source, c.sdp);
        break;
    case CommandType::unpublish:
        result = co_await media_.unpublish(tab, me, room, source);
        break;
    case CommandType::subscribe:
        result = co_await media_.subscribe(tab, me, c.feed);
        break;
    case CommandType::answer:
        result = co_await media_.answer(tab, c.sub, c.sdp);
        break;
    case CommandType::unsubscribe:
        result = co_await media_.unsubscribe(tab, c.sub);
        break;
    case CommandType::trickle: {
        std::optional<media::Candidate> candidate;
        if (c.candidate) {
            candidate = media::Candidate{c.candidate->candidate, c.candidate->sdp_mid,
                                         static_cast<int>(c.candidate->sdp_mline_index)};
        }
        result = co_await media_.trickle(tab, me, c.target, std::move(candidate));
        break;
    }
    default:
        break;
    }
    if (!result) {
        co_return Reply{result.error().code, result.error().message};
    }
    Reply reply;
    if (!result->sdp.empty() || !result->feed.empty() || !result->sub.empty()) {
        reply.ack = protocol::encode_media_ack(c.id, result->sdp, result->feed, result->sub);
    }
    co_return reply;
}

media::MediaRole EventRuntime::media_role(std::string_view participant_id) const {
    media::MediaRole role;
    const Person* p = person(participant_id);
    if (p == nullptr) {
        return role;
    }
    role.role = p->role;
    const auto online = online_.find(std::string(participant_id));
    role.online = online != online_.end() && online->second.tabs > 0;
    if (p->role == Role::attendee) {
        if (const auto status = stage_.status(participant_id)) {
            role.state = status->state;
            role.moderator_id = status->moderator_id;
        }
    } else if (p->role == Role::moderator) {
        role.on_air = role.online && online->second.on_air;
        if (const auto engaged = stage_.interview_of(participant_id);
            engaged && engaged->state == StageState::interviewing) {
            role.interviewee = engaged->attendee_id;
        }
    }
    return role;
}

asio::awaitable<void> EventRuntime::sync_media() {
    if (ended_at_ms_ != 0) {
        co_return;  // the media is closed and every tab is closing
    }
    co_await media_.enforce();
    send_plans();
}

void EventRuntime::send_plans() {
    if (ended_at_ms_ != 0) {
        return;
    }
    // Everyone whose plan can be non-empty: online staff, attendees in an interview, holding
    // or live; plus everyone who was last sent a non-empty plan (they get the empty one).
    std::vector<std::string> ids;
    for (const auto& id : staff_ids_) {
        if (online_.contains(id)) {
            ids.push_back(id);
        }
    }
    for (const auto& s : stage_.holding()) {
        ids.push_back(s.attendee_id);
    }
    for (const auto& id : live_) {
        ids.push_back(id);
    }
    for (const auto& id : staff_ids_) {
        if (const auto engaged = stage_.interview_of(id)) {
            ids.push_back(engaged->attendee_id);
        }
    }
    for (const auto& [id, payload] : sent_plans_) {
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto& id : ids) {
        const media::Plan plan = media_.plan_for(id, media_role(id));
        std::string payload = protocol::encode_media(plan, ice_servers_json_);
        const auto sent = sent_plans_.find(id);
        if (sent != sent_plans_.end() ? sent->second == payload
                                      : plan.publish.empty() && plan.feeds.empty()) {
            continue;  // unchanged (or still empty)
        }
        const auto online = online_.find(id);
        if (online != online_.end()) {
            const hub::Frame frame{0, hub::make_payload(payload)};
            for (const auto& ref : online->second.tab_refs) {
                if (const auto t = ref.lock()) {
                    t->deliver(frame);
                }
            }
        }
        if (plan.publish.empty() && plan.feeds.empty()) {
            sent_plans_.erase(id);
        } else {
            sent_plans_[id] = std::move(payload);
        }
    }
    // Whatever changed what the stage publishes changes the program too.
    broadcast_->set_program(media_.program());
}

// Plain handlers, not coroutines: nothing here waits, and a coroutine lambda's captures would
// not outlive the co_spawn call that starts it on the strand later.
void EventRuntime::media_reset() {
    asio::post(strand_, [self = shared_from_this()] {
        self->media_.reset();
        self->send_plans();
    });
}

void EventRuntime::media_handle_up(media::HandleId handle) {
    asio::post(strand_, [self = shared_from_this(), handle] {
        if (self->media_.handle_up(handle)) {
            self->send_plans();
        }
    });
}

void EventRuntime::media_handle_gone(media::HandleId handle) {
    asio::post(strand_, [self = shared_from_this(), handle] {
        if (self->media_.handle_gone(handle)) {
            self->send_plans();
        }
    });
}

}  // namespace onstage::api
