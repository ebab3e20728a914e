// The signaling mediator of one event: its rooms on the SFU, every publication and subscription
// of its tabs, and the moderation flags. It decides nothing about the stage: the caller passes
// each participant's MediaRole (from the domain) and this class enforces rights_of/may_see
// (plan.hpp) on every request, and again after every state change (enforce()).
//
// Not thread-safe: the owner (the event's runtime) calls it only from its strand. Coroutines
// co_await the SFU; state can change meanwhile, so every result is checked again afterwards.
#pragma once

#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "media/plan.hpp"
#include "media/sfu.hpp"

namespace onstage::media {

// A refusal with a stable code of docs/protocol.md ("Media error codes").
struct MediaError {
    std::string code;
    std::string message;
};

// What an ack carries besides its id; empty members are left out.
struct MediaAck {
    std::string sdp;
    std::string feed;
    std::string sub;
};

template <typename T>
using MediaResult = Result<T, MediaError>;

using TabKey = const void*;  // the tab (connection) that owns a publication or subscription

// A stage publication whose media flows: one input of the broadcast's program.
struct ProgramFeed {
    FeedId feed = 0;
    RoomId room = 0;
    std::string participant_id;
    std::string name;
    domain::Role role = domain::Role::attendee;
    Source source = Source::camera;
    std::string audio_mid;  // "" when the publication sends no audio
    std::string video_mid;  // "" when it sends no video
    bool audio_muted = false;
    bool video_muted = false;
    bool operator==(const ProgramFeed&) const = default;
};  // the tab (connection) that owns a publication or subscription

class EventMedia {
public:
    using RoleOf = std::function<MediaRole(std::string_view participant_id)>;
    using NameOf = std::function<std::string(std::string_view participant_id)>;

    // `sfu` may be nullptr (media off): every request then answers media_unavailable.
    EventMedia(Sfu* sfu, std::string event_id, RoleOf role_of, NameOf name_of);

    asio::awaitable<MediaResult<MediaAck>> publish(TabKey tab, std::string participant_id,
                                                   RoomKind room, Source source, std::string sdp);
    asio::awaitable<MediaResult<MediaAck>> unpublish(TabKey tab, std::string participant_id,
                                                     RoomKind room, Source source);
    asio::awaitable<MediaResult<MediaAck>> subscribe(TabKey tab, std::string participant_id,
                                                     std::string feed);
    asio::awaitable<MediaResult<MediaAck>> answer(TabKey tab, std::string sub, std::string sdp);
    asio::awaitable<MediaResult<MediaAck>> unsubscribe(TabKey tab, std::string sub);
    asio::awaitable<MediaResult<MediaAck>> trickle(TabKey tab, std::string participant_id,
                                                   std::string target,
                                                   std::optional<Candidate> candidate);

    // Ends every publication and subscription the current roles no longer allow (a kicked
    // attendee's publications are kicked in the SFU first). Call after every state change.
    asio::awaitable<void> enforce();
    // The tab closed: everything it owned ends. True if it owned anything.
    asio::awaitable<bool> tab_gone(TabKey tab);
    // A moderator's mute/unmute/video_off/video_on on `participant_id`: recorded (and applied
    // again to every later publication) and enforced now on their camera publications.
    asio::awaitable<MediaResult<MediaAck>> moderate(std::string participant_id, bool audio,
                                                    bool mute);

    // The SFU restarted: every room, publication and subscription is gone; the epoch moves on.
    void reset();
    // The event ended: hangs up every publication and subscription, destroys every room this
    // event created on the SFU, and forgets them all. Later requests answer media_unavailable;
    // a request the SFU was still working on hangs up (or destroys) what it gets back.
    asio::awaitable<void> close();
    bool closed() const { return closed_; }
    // The SFU says `handle` ended; returns true if it was one of ours.
    bool handle_gone(HandleId handle);
    // The SFU says `handle`'s PeerConnection is up. A publication becomes a feed others see
    // only then: Janus refuses subscribers to a publisher whose media is not flowing yet.
    // Returns true if that made a publication visible.
    bool handle_up(HandleId handle);

    // The plan participant `participant_id` should get now (empty when media is off).
    Plan plan_for(const std::string& participant_id, const MediaRole& role) const;
    bool muted(const std::string& participant_id, bool audio) const;
    // What the broadcast composes now: every stage publication that is up, talent first, then
    // moderators, then guests, each group in publication order. Empty when media is off.
    std::vector<ProgramFeed> program() const;
    std::uint64_t epoch() const { return epoch_; }
    // Rooms this event has on the SFU now (tests and metrics).
    std::size_t rooms() const { return created_.size(); }

private:
    struct Publication {
        TabKey tab = nullptr;
        std::string participant_id;
        RoomRef room;
        Source source = Source::camera;
        FeedId feed = 0;
        HandleId handle = 0;  // 0 while the SFU has not answered yet
        bool up = false;      // its PeerConnection is up: others may subscribe
        std::vector<StreamInfo> streams;
        std::vector<Candidate> early_candidates;  // trickled before the SFU answered
        bool early_completed = false;
    };
    struct SubscriptionState {
        TabKey tab = nullptr;
        std::string participant_id;
        FeedId feed = 0;
        HandleId handle = 0;
    };
    struct Flags {
        bool audio_muted = false;
        bool video_muted = false;
    };

    RoomId room_id(const RoomRef& room);
    asio::awaitable<MediaResult<Ok>> ensure_room(const RoomRef& room);
    asio::awaitable<void> end_publication(FeedId feed, bool kick);
    asio::awaitable<void> end_subscription(const std::string& sub);
    asio::awaitable<void> apply_flags(const Publication& pub);
    Publication* find_publication(TabKey tab, const std::string& participant_id, RoomKind room,
                                  Source source);
    static MediaError unavailable();
    static MediaError failed(const SfuError& e);

    Sfu* sfu_;
    std::string event_id_;
    RoleOf role_of_;
    NameOf name_of_;
    std::uint64_t epoch_ = 1;
    std::map<std::string, RoomId> room_ids_;  // "stage", "holding", "interview:<moderator>"
    std::map<RoomId, bool> created_;          // rooms created on the SFU in this epoch
    std::map<FeedId, Publication> publications_;
    std::map<std::string, SubscriptionState> subscriptions_;  // by sub id
    std::map<std::string, Flags> flags_;                      // by participant
    std::uint64_t next_sub_ = 1;
    bool closed_ = false;
};

}  // namespace onstage::media
