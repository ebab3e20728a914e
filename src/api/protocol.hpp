// The realtime protocol's codec (docs/protocol.md): client frames in, server frames out. The
// text on the wire is defined once, in docs/protocol.md and the golden fixtures under
// tests/protocol/; this file only turns it into Commands and back.
//
// Pure functions over values: no I/O, no shared state, safe to call from any thread. Decoding
// never throws: every frame a client can send becomes either a Command or a ProtocolError with a
// stable snake_case code.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "domain/attendee_state.hpp"
#include "domain/event.hpp"
#include "domain/result.hpp"
#include "domain/role.hpp"
#include "domain/stage.hpp"
#include "media/plan.hpp"

namespace onstage::api::protocol {

// --- limits (docs/protocol.md "Limits") ---------------------------------------------------------
// Big enough for a browser's SDP offer (a few KiB; up to ~20 KiB with many codecs).
inline constexpr std::size_t kMaxClientFrameBytes = std::size_t{64} * 1024;
inline constexpr std::size_t kMaxIdBytes = 64;  // a command's id
inline constexpr std::size_t kMaxTokenBytes = std::size_t{2} * 1024;
// Coarse cap on the raw question; the domain then enforces its own limit in characters.
inline constexpr std::size_t kMaxQuestionBytes = std::size_t{4} * 1024;
inline constexpr std::size_t kMaxReasonBytes = 500;
inline constexpr std::size_t kMaxParticipantIdBytes = 64;
inline constexpr std::size_t kMaxSdpBytes = 60'000;
inline constexpr std::size_t kMaxMediaIdBytes = 64;  // feed, sub, target, sdpMid
inline constexpr std::size_t kMaxCandidateBytes = 1024;
inline constexpr std::int64_t kHelloTimeoutMs = 10'000;

// --- close codes (docs/protocol.md "Close codes") -------------------------------------------
inline constexpr std::uint16_t kCloseNormal = 1000;     // signed out
inline constexpr std::uint16_t kCloseGoingAway = 1001;  // server shutting down: reconnect
inline constexpr std::uint16_t kCloseFrameTooLarge = 1009;
inline constexpr std::uint16_t kCloseUnauthenticated = 4401;  // bad/expired/revoked token
inline constexpr std::uint16_t kCloseKicked = 4403;
inline constexpr std::uint16_t kCloseHelloTimeout = 4408;
inline constexpr std::uint16_t kCloseEventEnded = 4410;  // the event ended: do not reconnect

// --- client → server ----------------------------------------------------------------------------
enum class CommandType : std::uint8_t {
    hello,
    ping,
    raise,
    edit_question,
    lower,
    accept,
    decline,
    claim,
    release,
    dismiss,
    invite,
    cancel_invite,
    end_interview,
    approve,
    reject,
    promote,
    demote,
    remove,
    kick,
    mute,
    unmute,
    video_off,
    video_on,
    set_on_air,
    sign_out,
    publish,
    unpublish,
    subscribe,
    answer,
    unsubscribe,
    trickle,
    broadcast_start,
    broadcast_stop,
    set_layout,
};

// Every CommandType, in declaration order (the fixture test checks each has a golden example).
inline constexpr std::array<CommandType, 34> kCommandTypes{
    CommandType::hello,          CommandType::ping,
    CommandType::raise,          CommandType::edit_question,
    CommandType::lower,          CommandType::accept,
    CommandType::decline,        CommandType::claim,
    CommandType::release,        CommandType::dismiss,
    CommandType::invite,         CommandType::cancel_invite,
    CommandType::end_interview,  CommandType::approve,
    CommandType::reject,         CommandType::promote,
    CommandType::demote,         CommandType::remove,
    CommandType::kick,           CommandType::mute,
    CommandType::unmute,         CommandType::video_off,
    CommandType::video_on,       CommandType::set_on_air,
    CommandType::sign_out,       CommandType::publish,
    CommandType::unpublish,      CommandType::subscribe,
    CommandType::answer,         CommandType::unsubscribe,
    CommandType::trickle,        CommandType::broadcast_start,
    CommandType::broadcast_stop, CommandType::set_layout,
};

// The wire name of the command's `type`.
std::string_view to_string(CommandType type);
std::optional<CommandType> command_type_from_string(std::string_view name);

struct Command {
    CommandType type = CommandType::ping;
    std::string id;              // empty only for hello
    std::string token;           // hello
    std::uint64_t since = 0;     // hello
    std::string attendee_id;     // moderator commands about an attendee; empty = the sender
    std::string participant_id;  // mute/unmute/video_off/video_on
    std::string question;        // raise, edit_question (raw; the domain validates length/UTF-8)
    std::string reason;          // kick (optional, ≤ kMaxReasonBytes)
    bool on_air = false;         // set_on_air
    // Media (docs/protocol.md "Media"). room: interview | holding | stage; source: camera |
    // screen — the decoder accepts only those values.
    std::string room;    // publish, unpublish
    std::string source;  // publish, unpublish
    std::string sdp;     // publish (offer), answer (answer)
    std::string feed;    // subscribe
    std::string sub;     // answer, unsubscribe
    std::string target;  // trickle: "pub:<room>:<source>" or "sub:<sub>"
    struct Candidate {
        std::string candidate;
        std::string sdp_mid;
        std::uint32_t sdp_mline_index = 0;
        bool operator==(const Candidate&) const = default;
    };
    std::optional<Candidate> candidate;  // trickle; nullopt = the browser finished gathering
    // set_layout: auto | solo | side_by_side | grid | focus (the decoder accepts only those);
    // focus: the participant shown large (optional, focus only; empty = the server chooses).
    std::string layout;
    std::string focus;
    bool operator==(const Command&) const = default;
};

struct ProtocolError {
    std::string code;     // stable snake_case, e.g. "bad_field"
    std::string message;  // one sentence; names the offending field where there is one
    std::string id;       // the command's id if it could be read, else empty
};

// One client frame's text. Unknown extra members are ignored (forward compatibility).
Result<Command, ProtocolError> decode_command(std::string_view text);

// --- server → client: replies (no seq) ----------------------------------------------------------
std::string encode_ack(std::string_view id);
// A media command's ack (docs/protocol.md "Media commands"); empty members are left out.
std::string encode_media_ack(std::string_view id, std::string_view sdp, std::string_view feed,
                             std::string_view sub);
// An empty `id` is sent as "id": null (the frame's id could not be read, or it was a hello).
std::string encode_error(std::string_view id, std::string_view code, std::string_view message);

struct ParticipantView {
    std::string id;
    std::string name;
    domain::Role role = domain::Role::attendee;
};
// The answer to a good hello. `seq` is the recipient's stream position right now.
std::string encode_welcome(const ParticipantView& me, const domain::Event& event,
                           std::uint64_t seq);

// --- server → client: stream events (the server splices in "seq") -------------------------------
// Resolves participant ids to display names (attendees and moderators); "" if unknown.
using NameOf = std::function<std::string_view(std::string_view participant_id)>;

struct OnlineView {
    std::string id;
    std::string name;
    domain::Role role = domain::Role::attendee;
    bool on_air = false;  // moderators only; talent is on stage from login
};

// `mine`: the recipient's own status if they are an attendee. `attendees`: for moderators,
// every attendee who is not watching; empty for everyone else.
std::string encode_snapshot(const std::optional<domain::AttendeeStatus>& mine,
                            const std::vector<domain::AttendeeStatus>& attendees,
                            const std::vector<OnlineView>& online, const NameOf& name_of);
std::string encode_status(const domain::AttendeeStatus& status, const NameOf& name_of);
std::string encode_notice(const domain::Notice& notice);
std::string encode_presence(const OnlineView& who, bool online);
// `kind` is one of mute, unmute, video_off, video_on.
std::string encode_moderation(std::string_view target_id, std::string_view kind,
                              std::string_view by_id, std::string_view by_name);
std::string encode_on_air(std::string_view moderator_id, bool on_air);
std::string encode_revoked(std::string_view reason);
// The `media` plan. `ice_servers_json` is a JSON array of RTCIceServer objects (from config).
std::string encode_media(const media::Plan& plan, std::string_view ice_servers_json);

// The broadcast's state (docs/protocol.md "The broadcast"), as the `broadcast` event and the
// admin API show it. `state`: idle | starting | live | stopping | failed.
struct BroadcastTargetView {
    std::string id;
    std::string name;
    std::string state;  // connecting | live | retrying | failed
    std::string error;
    bool operator==(const BroadcastTargetView&) const = default;
};
struct BroadcastView {
    std::string state = "idle";
    std::string reason;                    // why it failed, else ""
    std::int64_t since = 0;                // when `state` began (ms since the epoch)
    std::string layout = "auto";           // what a moderator asked for
    std::string applied_layout = "slate";  // what the program shows now
    std::string hls_url;                   // "/hls/<event>/index.m3u8"
    std::size_t viewers = 0;
    bool recording = false;
    std::vector<BroadcastTargetView> targets;
    std::vector<std::string> on_program;  // participant ids, in program order
    bool operator==(const BroadcastView&) const = default;
};
// Staff get every member; attendees only state, since and hls_url.
std::string encode_broadcast(const BroadcastView& view, bool staff);
// The same members without "type", in the same order: the admin API's broadcast body.
nlohmann::ordered_json broadcast_members(const BroadcastView& view, bool staff);

// `{"seq":N,` — the per-recipient prefix spliced in front of payload.substr(1). Every encode_*
// payload starts with `{"type":`, so the result is one object with seq as its first member.
std::string frame_prefix(std::uint64_t seq);
// frame_prefix(seq) + payload.substr(1), for callers that hold the payload once per recipient.
std::string frame_event(std::uint64_t seq, std::string_view payload);

}  // namespace onstage::api::protocol
