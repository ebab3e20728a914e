// What onstage needs from a selective forwarding unit (Janus VideoRoom today), in onstage's own
// words: rooms, a publication per (tab, room, source), a subscription per (tab, feed), and the
// moderation Janus enforces. The signaling mediator (src/media/event_media.*) speaks only this
// interface, so its rules are tested without a browser and Janus stays swappable.
//
// Threading: every coroutine may be awaited from any executor; the implementation hops onto its
// own strand. Listener callbacks arrive on the implementation's strand: post, don't block.
#pragma once

#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace onstage::media {

namespace asio = boost::asio;

using RoomId = std::uint64_t;    // Janus VideoRoom room number, chosen by onstage
using FeedId = std::uint64_t;    // Janus publisher id, chosen by onstage (unique per SFU run)
using HandleId = std::uint64_t;  // Janus plugin handle id, chosen by Janus

// A failure, with a stable snake_case code:
//   sfu_unavailable  not connected / restarting (retry after the next `reset`)
//   sfu_timeout      no answer within the request timeout
//   sfu_refused      Janus answered with an error (janus_code/message say which; e.g. a bad SDP)
//   sfu_gone         the room, feed or handle no longer exists on the SFU
struct SfuError {
    std::string code;
    std::string message;
    int janus_code = 0;  // Janus' numeric error code when it gave one, else 0
};

template <typename T>
using SfuResult = Result<T, SfuError>;

struct RoomSpec {
    RoomId id = 0;
    std::string description;  // for Janus logs only (e.g. "<event> stage")
    int max_publishers = 16;
    int bitrate_bps = 1'000'000;  // per publisher cap (REMB)
    int fir_freq_s = 2;           // keyframe request period: new subscribers see video soon
};

struct StreamInfo {
    std::string mid;
    std::string type;  // "audio" | "video" | "data"
};

struct Publication {
    HandleId handle = 0;
    std::string sdp_answer;
    std::vector<StreamInfo> streams;  // as Janus reported them after configure
};

struct Subscription {
    HandleId handle = 0;
    std::string sdp_offer;  // Janus' offer; the browser answers, then start()
};

struct Candidate {
    std::string candidate;  // "candidate:…" line
    std::string sdp_mid;
    int sdp_mline_index = 0;
};

// One stream of a publisher sent as plain RTP to `port` on the forward's host, with payload type
// `pt` (so the receiver's caps are fixed in advance).
struct ForwardStream {
    std::string mid;
    int port = 0;
    int pt = 0;
};

// Something the SFU did on its own.
struct SfuEvent {
    enum class Kind : std::uint8_t {
        hangup,    // `handle`'s PeerConnection ended (ICE/DTLS failure, browser gone)
        media_up,  // `handle`'s PeerConnection is up (Janus "webrtcup")
        reset,     // the SFU restarted: every room, handle and feed is gone; recreate rooms
    };
    Kind kind = Kind::hangup;
    HandleId handle = 0;
    std::string reason;
};

class Sfu {
public:
    virtual ~Sfu() = default;

    // Creates the room with secrets only the implementation knows. Creating a room that already
    // exists succeeds (after a reset, rooms are created again).
    virtual asio::awaitable<SfuResult<Ok>> create_room(RoomSpec spec) = 0;
    virtual asio::awaitable<SfuResult<Ok>> destroy_room(RoomId room) = 0;

    // A new handle joins `room` as publisher `feed` (display = shown in Janus logs) and
    // configures it with the browser's offer. On failure nothing is left behind.
    virtual asio::awaitable<SfuResult<Publication>> publish(RoomId room, FeedId feed,
                                                            std::string display,
                                                            std::string sdp_offer) = 0;
    // A new handle subscribes to every stream of `feed` in `room`.
    virtual asio::awaitable<SfuResult<Subscription>> subscribe(RoomId room, FeedId feed) = 0;
    // The browser's answer to a subscription's offer.
    virtual asio::awaitable<SfuResult<Ok>> start(HandleId handle, std::string sdp_answer) = 0;
    // A browser ICE candidate for `handle`; nullopt = the browser finished gathering.
    virtual asio::awaitable<SfuResult<Ok>> trickle(HandleId handle,
                                                   std::optional<Candidate> candidate) = 0;
    // Leaves the room and detaches the handle. Unknown handles succeed (already gone).
    virtual asio::awaitable<SfuResult<Ok>> hangup(HandleId handle) = 0;

    // Enforced mute of one m-line of a publisher (`moderate`), or its release.
    virtual asio::awaitable<SfuResult<Ok>> moderate(RoomId room, FeedId feed, std::string mid,
                                                    bool mute) = 0;
    // Removes the publisher from the room and ends its PeerConnection (`kick`).
    virtual asio::awaitable<SfuResult<Ok>> kick(RoomId room, FeedId feed) = 0;

    // Sends `feed`'s streams as plain RTP to `host` (the broadcast compositor). Returns one
    // forwarder id per stream, in order. Forwarders end by themselves when the publisher leaves.
    virtual asio::awaitable<SfuResult<std::vector<std::uint64_t>>> rtp_forward(
        RoomId room, FeedId feed, std::string host, std::vector<ForwardStream> streams) = 0;
    // Ends one forwarder. One that is already gone (publisher left, SFU restarted) succeeds.
    virtual asio::awaitable<SfuResult<Ok>> stop_rtp_forward(RoomId room, FeedId feed,
                                                            std::uint64_t forwarder) = 0;

    // Called on the implementation's strand for every SfuEvent. Set once, before first use.
    virtual void set_listener(std::function<void(const SfuEvent&)> listener) = 0;
};

}  // namespace onstage::media
