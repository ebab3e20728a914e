// The Sfu (sfu.hpp) on Janus' VideoRoom plugin, over one JanusClient at a time. Rooms get a
// random secret each (kept for the whole run, so rooms that survive a reconnection to an
// external Janus stay manageable) and are created with the VideoRoom admin_key.
//
// Threading: every coroutine hops onto the SFU's own strand; listeners run on that strand.
// The owner (JanusSupervisor, or a test) calls connect() whenever a Janus is ready, and is told
// through the lost listener when the connection dies; the next successful connect() after a
// loss emits SfuEvent::reset. The object must outlive every coroutine it started: stop the
// executor's io_context before destroying it.
#pragma once

#include <utility>

#include <boost/asio/any_io_executor.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "media/janus_client.hpp"
#include "media/sfu.hpp"

namespace onstage::media {

struct JanusSfuOptions {
    std::string admin_key;  // VideoRoom admin_key (janus_config.hpp); empty: none configured
    JanusClientOptions client;
};

class JanusSfu final : public Sfu {
public:
    JanusSfu(const asio::any_io_executor& executor, JanusSfuOptions options);
    ~JanusSfu() override;
    JanusSfu(const JanusSfu&) = delete;
    JanusSfu& operator=(const JanusSfu&) = delete;

    // Connects to a Janus API URL (ws://127.0.0.1:port/). Replaces any previous connection;
    // after a previous one was lost, emits `reset` once connected.
    asio::awaitable<SfuResult<Ok>> connect(std::string url);
    // Ends the connection (destroys the session first); does not call the lost listener.
    asio::awaitable<void> disconnect();
    // Called on the strand when a live connection is lost (Janus died, keepalive unanswered).
    void set_lost_listener(std::function<void(const std::string& reason)> listener);
    // The admin_key of the next Janus (a spawned Janus gets new secrets at every start).
    void set_admin_key(std::string admin_key);

    asio::awaitable<SfuResult<Ok>> create_room(RoomSpec spec) override;
    asio::awaitable<SfuResult<Ok>> destroy_room(RoomId room) override;
    asio::awaitable<SfuResult<Publication>> publish(RoomId room, FeedId feed, std::string display,
                                                    std::string sdp_offer) override;
    asio::awaitable<SfuResult<Subscription>> subscribe(RoomId room, FeedId feed) override;
    asio::awaitable<SfuResult<Ok>> start(HandleId handle, std::string sdp_answer) override;
    asio::awaitable<SfuResult<Ok>> trickle(HandleId handle,
                                           std::optional<Candidate> candidate) override;
    asio::awaitable<SfuResult<Ok>> hangup(HandleId handle) override;
    asio::awaitable<SfuResult<Ok>> moderate(RoomId room, FeedId feed, std::string mid,
                                            bool mute) override;
    asio::awaitable<SfuResult<Ok>> kick(RoomId room, FeedId feed) override;
    asio::awaitable<SfuResult<std::vector<std::uint64_t>>> rtp_forward(
        RoomId room, FeedId feed, std::string host, std::vector<ForwardStream> streams) override;
    asio::awaitable<SfuResult<Ok>> stop_rtp_forward(RoomId room, FeedId feed,
                                                    std::uint64_t forwarder) override;
    void set_listener(std::function<void(const SfuEvent&)> listener) override;

private:
    class Ops;
    Strand strand_;
    std::unique_ptr<Ops> ops_;  // all state; touched only on strand_
};

// The m-lines of an SDP as (mid, type) pairs, in order.
std::vector<StreamInfo> sdp_streams(const std::string& sdp);

}  // namespace onstage::media
