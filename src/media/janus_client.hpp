// One WebSocket connection to the Janus API (subprotocol `janus-protocol`) carrying one Janus
// session: transactions matched to their replies, keepalives, and Janus' own events routed to
// the owner. Every Janus error comes back as a typed SfuError (sfu.hpp).
//
// Threading: create with a strand; call every method from a coroutine running on that strand.
// Listeners are called on the strand. A lost connection (read/write error, keepalive without
// answer, session timeout) fails every pending request with `sfu_unavailable` and calls the
// lost listener once; the client is then dead: make a new one.
#pragma once

#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "media/sfu.hpp"

namespace onstage::media {

using Strand = asio::strand<asio::any_io_executor>;

struct JanusClientOptions {
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds keepalive_interval{5000};
    std::chrono::milliseconds keepalive_timeout{1500};
};

// A plugin's answer: plugindata.data, and the JSEP that came with it, if any.
struct PluginReply {
    nlohmann::json data;
    std::optional<nlohmann::json> jsep;
};

// Maps a Janus reply to an error, or nullopt if it is none. Core errors: 458 (no session) and
// 459 (no handle) are `sfu_gone`, others `sfu_refused`. VideoRoom error_codes in plugindata:
// 426 (no such room) and 428 (no such feed) are `sfu_gone`, others `sfu_refused`.
std::optional<SfuError> janus_error_of(const nlohmann::json& reply);

class JanusClient : public std::enable_shared_from_this<JanusClient> {
public:
    using EventListener = std::function<void(const nlohmann::json& event)>;
    using LostListener = std::function<void(const std::string& reason)>;

    // Connects to `url` (ws://host:port/path) and creates a session; starts keepalives.
    static asio::awaitable<SfuResult<std::shared_ptr<JanusClient>>> connect(
        Strand strand, std::string url, JanusClientOptions options, EventListener on_event,
        LostListener on_lost);

    JanusClient(Strand strand, JanusClientOptions options, EventListener on_event,
                LostListener on_lost);

    asio::awaitable<SfuResult<HandleId>> attach(std::string plugin);
    asio::awaitable<SfuResult<Ok>> detach(HandleId handle);
    // A plugin message; waits past Janus' "ack" for the reply with the same transaction
    // (synchronous requests answer in "success", asynchronous ones later in an "event").
    asio::awaitable<SfuResult<PluginReply>> message(HandleId handle, nlohmann::json body,
                                                    std::optional<nlohmann::json> jsep);
    // A candidate object ({candidate, sdpMid, sdpMLineIndex}) or {"completed": true}.
    asio::awaitable<SfuResult<Ok>> trickle(HandleId handle, nlohmann::json candidate);
    // Destroys the session (best effort) and closes the connection without calling on_lost.
    asio::awaitable<void> close();

    bool alive() const { return alive_; }
    std::uint64_t session() const { return session_; }

private:
    struct Pending;
    class Impl;

    asio::awaitable<SfuResult<Ok>> open(std::string url);
    asio::awaitable<SfuResult<nlohmann::json>> transact(nlohmann::json request, bool ack_is_final,
                                                        std::chrono::milliseconds timeout);
    asio::awaitable<void> read_loop();
    asio::awaitable<void> write_loop();
    asio::awaitable<void> keepalive_loop();
    void send(std::string text);
    void dispatch(const nlohmann::json& message);
    void lose(const std::string& reason, bool tell_owner);

    Strand strand_;
    JanusClientOptions options_;
    EventListener on_event_;
    LostListener on_lost_;
    std::unique_ptr<Impl> impl_;  // the Beast stream (kept out of this header)
    bool alive_ = false;
    std::uint64_t session_ = 0;
    std::uint64_t next_transaction_ = 1;
    std::unordered_map<std::string, std::shared_ptr<Pending>> pending_;
    std::deque<std::string> outbox_;
    bool writing_ = false;
    asio::steady_timer keepalive_timer_;

public:
    ~JanusClient();
    JanusClient(const JanusClient&) = delete;
    JanusClient& operator=(const JanusClient&) = delete;
};

}  // namespace onstage::media
