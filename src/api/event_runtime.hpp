// The live state of one event inside the server: the domain Stage, the hub that fans events out
// to the event's tabs, who is online, and the invite-expiry timer. Every mutable member is used
// only on the runtime's strand; the public coroutines hop onto it themselves, so callers on any
// executor just co_await them. A command flows: decode (session) → Stage (strand) → store
// (store thread, FIFO) → hub fan-out (strand) → ack to the caller. No other path changes state.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "api/broadcast_runtime.hpp"
#include "api/metrics.hpp"
#include "api/protocol.hpp"
#include "api/store_worker.hpp"
#include "domain/stage.hpp"
#include "hub/event_hub.hpp"
#include "media/event_media.hpp"

namespace onstage::api {

struct Person {
    std::string name;
    domain::Role role = domain::Role::attendee;
};

// Who is speaking on a connection, from their verified session token.
struct Identity {
    std::string participant_id;
    domain::Role role = domain::Role::attendee;
};

// A connected tab as the runtime sees it: the hub delivers frames to it, and the runtime can
// end it when its participant is kicked.
class Tab : public hub::Listener {
public:
    // Closes with `close_code` once everything already delivered to the tab (the `revoked`
    // event, sent through the hub just before) has been written; nothing is sent after it.
    virtual void revoke(std::uint16_t close_code, std::string_view reason) = 0;
};

// The reply to one command: ok, or an error with a stable code and a sentence.
struct Reply {
    Reply() = default;
    Reply(std::string c, std::string m) : code(std::move(c)), message(std::move(m)) {}

    std::string code;
    std::string message;
    std::string ack;  // ok only: the whole ack frame when it carries members (media commands)
    bool ok() const { return code.empty(); }
};

struct AttachResult {
    Reply refused;  // set (e.g. "kicked", "event_ended") when the tab may not attach
    std::uint16_t refused_close = protocol::kCloseKicked;  // the close code for that refusal
    std::string welcome;                                   // payload, sent without seq
    std::vector<hub::Frame> frames;  // missed events, or one snapshot tagged with the stream seq
    std::string media;               // the current `media` plan, without seq
    std::string broadcast;           // the current `broadcast` state, sent last, without seq
};

// How a transition's revoke_sessions end their tabs: kicked (4403) or signed out (1000).
struct Revocation {
    std::string_view reason = "kicked";
    std::uint16_t close_code = protocol::kCloseKicked;
};

// How an event reaches its SFU: nullptr when media is off (media commands then answer
// media_unavailable), and the ICE servers handed to browsers (a JSON array).
struct MediaSettings {
    media::Sfu* sfu = nullptr;
    std::string ice_servers_json = "[]";
    // How events broadcast; nullptr: they cannot (broadcast_start answers media_unavailable).
    std::shared_ptr<const BroadcastOptions> broadcast;
    // Distinct HLS viewers of an event right now (the HLS server counts them); may be empty.
    std::function<std::size_t(const std::string& event_id)> hls_viewers;
};

// What a broadcast start needs from the store: the event's RTMP targets.
struct BroadcastStart {
    std::vector<broadcast::RtmpTarget> targets;
    std::vector<std::string> names;
    bool record = false;
};

class EventRuntime : public std::enable_shared_from_this<EventRuntime> {
public:
    using Strand = asio::strand<asio::io_context::executor_type>;

    // Loads the event, its people and their statuses; nullptr if there is no such event.
    static asio::awaitable<std::shared_ptr<EventRuntime>> load(asio::io_context& ioc,
                                                               StoreWorker& store, Metrics& metrics,
                                                               std::string event_id,
                                                               domain::TimeMs invite_timeout_ms,
                                                               MediaSettings media = {});

    EventRuntime(asio::io_context& ioc, StoreWorker& store, Metrics& metrics, domain::Event event,
                 std::unordered_map<std::string, Person> people, domain::Stage stage,
                 MediaSettings media = {});
    ~EventRuntime();
    EventRuntime(const EventRuntime&) = delete;
    EventRuntime& operator=(const EventRuntime&) = delete;

    // Immutable after load: safe from any thread.
    const domain::Event& event() const { return event_; }
    const Person* person(std::string_view participant_id) const;

    asio::awaitable<AttachResult> attach(Identity who, std::shared_ptr<Tab> tab,
                                         std::uint64_t since);
    asio::awaitable<void> detach(Identity who, const Tab* tab);
    // `tab` owns the media the command starts (publications, subscriptions).
    asio::awaitable<Reply> handle(Identity who, const Tab* tab, protocol::Command command);

    // The SFU restarted (every room and feed is gone) or ended one of its handles. Called from
    // any thread.
    void media_reset();
    void media_handle_gone(media::HandleId handle);
    void media_handle_up(media::HandleId handle);

    // Ends the event for good (admin API; docs/protocol.md "Ending an event"): stores the end
    // time and an "event_ended" audit entry by `actor`, sends every tab `revoked` (event_ended)
    // and closes it with 4410, then ends the event's media (every handle and room in the SFU).
    // Idempotent: returns the time of the first end. Throws store::StoreError if it cannot be
    // saved (then nothing else happened).
    asio::awaitable<domain::TimeMs> end(std::string actor);
    // When the event ended; nullopt while it runs. Safe from any thread.
    std::optional<domain::TimeMs> ended_at_ms() const;

    // The broadcast (docs/protocol.md "The broadcast"), for the admin API. Any executor.
    asio::awaitable<Result<protocol::BroadcastView, BroadcastError>> broadcast_start(
        std::optional<bool> record);
    asio::awaitable<Result<protocol::BroadcastView, BroadcastError>> broadcast_stop();
    asio::awaitable<protocol::BroadcastView> broadcast_view();

    // The state `who` would get as a WebSocket snapshot right now (payload without seq), for
    // GET /api/v1/me. Implemented in event_runtime_view.cpp.
    asio::awaitable<std::string> snapshot(Identity who);

private:
    // Every *_on_strand coroutine runs on strand_ (spawned there by its public wrapper), so
    // everything it resumes after a co_await also runs there.
    asio::awaitable<AttachResult> attach_on_strand(Identity who, std::shared_ptr<Tab> tab,
                                                   std::uint64_t since);
    asio::awaitable<void> detach_on_strand(Identity who, const Tab* tab);
    asio::awaitable<domain::TimeMs> end_on_strand(std::string actor);
    static Reply event_ended_reply();
    void detach_online(const Identity& who, const Tab* tab);
    asio::awaitable<Reply> handle_on_strand(Identity who, const Tab* tab,
                                            protocol::Command command);
    asio::awaitable<Reply> handle_media(const Identity& who, const Tab* tab,
                                        const protocol::Command& c);
    // After any change: end media the new state forbids, then send every participant whose
    // plan changed their new `media` plan.
    asio::awaitable<void> sync_media();
    void send_plans();
    media::MediaRole media_role(std::string_view participant_id) const;
    // The broadcast side (event_runtime_broadcast.cpp).
    asio::awaitable<Reply> handle_broadcast(const Identity& who, const protocol::Command& c);
    asio::awaitable<Result<Ok, BroadcastError>> start_broadcast(std::optional<bool> record);
    asio::awaitable<std::optional<Result<protocol::BroadcastView, BroadcastError>>>
    broadcast_start_on_strand(std::optional<bool> record);
    asio::awaitable<std::optional<Result<protocol::BroadcastView, BroadcastError>>>
    broadcast_stop_on_strand();
    asio::awaitable<protocol::BroadcastView> broadcast_view_on_strand();
    // The event's RTMP targets, read on the store thread.
    asio::awaitable<BroadcastStart> load_broadcast_start();
    // Sends every online tab the broadcast's state (staff and attendees see different members).
    void send_broadcast();
    std::string broadcast_payload(domain::Role role) const;
    struct Online {
        int tabs = 0;
        bool on_air = false;  // moderators only
        std::vector<std::weak_ptr<Tab>> tab_refs;
    };

    Result<domain::Transition, domain::Error> run_stage_command(const Identity& who,
                                                                const protocol::Command& c);
    asio::awaitable<Reply> apply(domain::Transition transition, Revocation revocation = {});
    asio::awaitable<Reply> sign_out(const Identity& who);
    asio::awaitable<Reply> moderate(const Identity& who, const protocol::Command& c);
    Reply set_on_air(const Identity& who, bool on_air);
    void fan_out(const domain::Transition& transition, Revocation revocation);
    std::string snapshot_for(const Identity& who) const;
    std::vector<protocol::OnlineView> online_staff() const;
    void schedule_invite_expiry();
    asio::awaitable<void> expire_invites();
    protocol::NameOf name_of() const;

    StoreWorker& store_;
    Metrics& metrics_;
    Strand strand_;
    domain::Event event_;
    std::unordered_map<std::string, Person> people_;
    domain::Stage stage_;
    hub::EventHub hub_;
    std::unordered_map<std::string, Online> online_;
    std::vector<std::string> staff_ids_;    // moderators and talent, sorted
    std::unordered_set<std::string> live_;  // attendees live on stage, whom talent hears about
    asio::steady_timer invite_timer_;
    std::string ice_servers_json_;
    media::EventMedia media_;
    std::shared_ptr<const BroadcastOptions> broadcast_options_;
    std::shared_ptr<BroadcastRuntime> broadcast_;
    std::string audience_broadcast_;  // the attendees' last `broadcast` payload
    // The `media` payload each participant was sent last; only non-empty plans are kept.
    std::unordered_map<std::string, std::string> sent_plans_;
    // 0 while the event runs, else when it ended (from the store at load, or set by end()).
    // Written on the strand only; read from any thread.
    std::atomic<domain::TimeMs> ended_at_ms_{0};
};

domain::TimeMs now_ms();

}  // namespace onstage::api
