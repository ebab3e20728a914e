// The broadcast of one event, as the server runs it: the state machine moderators see
// (idle → starting → live → stopping → idle; failed with a reason), the `onstage compositor`
// worker it supervises (restarted after a crash, continuing the same playlist), and the inputs:
// every stage publication whose media flows is rtp_forwarded by the SFU to ports the worker
// bound, and added to (or removed from) the program while it runs.
//
// Threading: owned by the event's runtime and used only on its strand.
#pragma once

#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/protocol.hpp"
#include "api/worker_process.hpp"
#include "broadcast/control.hpp"
#include "media/event_media.hpp"

namespace onstage::api {

// How this server broadcasts (from the config's [broadcast] section).
struct BroadcastOptions {
    std::filesystem::path data_dir;  // hls/<event>/, recordings/<event>/, broadcast/<event>.log
    // The worker's command line; empty means this server cannot broadcast.
    std::vector<std::string> worker_argv;
    broadcast::OutputSettings output;  // size, rate, bitrates, segments (dirs are set per event)
    bool record = false;               // default for a start that does not say
    std::string forward_host = "127.0.0.1";  // where the SFU sends RTP: the worker's host
    std::chrono::milliseconds restart_delay{300};
    int max_failed_starts = 3;  // worker deaths in a row before the first segment → failed
};

struct BroadcastError {
    std::string code;  // broadcast_busy, broadcast_not_live, media_unavailable
    std::string message;
};

class BroadcastRuntime : public std::enable_shared_from_this<BroadcastRuntime> {
public:
    using Strand = asio::strand<asio::io_context::executor_type>;

    BroadcastRuntime(Strand strand, media::Sfu* sfu,
                     std::shared_ptr<const BroadcastOptions> options, std::string event_id,
                     std::string title);
    ~BroadcastRuntime();
    BroadcastRuntime(const BroadcastRuntime&) = delete;
    BroadcastRuntime& operator=(const BroadcastRuntime&) = delete;

    // Called after every change of the view (state, layout, targets, viewers).
    void on_change(std::function<void()> changed) { changed_ = std::move(changed); }
    // Distinct HLS viewers right now (from the HLS server); called when the view is built.
    void viewers_from(std::function<std::size_t()> viewers) { viewers_ = std::move(viewers); }

    // idle or failed → starting. `targets`: the event's RTMP targets (with their stream keys).
    // `record` unset (the moderators' start): BroadcastOptions::record decides.
    Result<Ok, BroadcastError> start(std::vector<broadcast::RtmpTarget> targets,
                                     std::vector<std::string> target_names,
                                     std::optional<bool> record);
    // starting or live → stopping → idle once the worker finished its outputs; failed → idle.
    Result<Ok, BroadcastError> stop();
    // A moderator's choice; `focus` is a participant id (or "").
    void set_layout(broadcast::Layout layout, std::string focus);
    // What the stage publishes now (EventMedia::program()); call after every media change.
    void set_program(std::vector<media::ProgramFeed> program);

    protocol::BroadcastView view() const;
    bool active() const;  // starting, live or stopping
    int worker_pid() const { return worker_ ? worker_->pid() : -1; }

private:
    enum class State : std::uint8_t { idle, starting, live, stopping, failed };
    struct Input {
        media::ProgramFeed feed;
        std::string id;  // "f<feed>"
        int video_port = 0;
        int audio_port = 0;
        std::vector<std::uint64_t> forwarders;
        std::uint64_t run = 0;  // the worker run its ports belong to
    };

    // The input the worker calls `id` ("f<feed>"), or nullptr if it is gone.
    Input* input_named(const std::string& id);
    const Input* input_named(const std::string& id) const;
    void spawn_worker();
    void on_worker_line(std::uint64_t run, const std::string& line);
    void on_worker_exit(std::uint64_t run, const std::string& how);
    void send(const broadcast::Command& command);
    void add_input(Input& input);
    void forward(media::FeedId feed);
    void stop_forwarders(const media::ProgramFeed& feed, std::vector<std::uint64_t> ids);
    void send_layout();
    void set_state(State state, std::string reason = {});
    void changed();
    void watch_viewers();
    static broadcast::InputSpec spec_of(const Input& input);
    static std::string_view name_of(State state);

    Strand strand_;
    media::Sfu* sfu_;
    std::shared_ptr<const BroadcastOptions> options_;
    std::string event_id_;
    std::string title_;
    std::function<void()> changed_;
    std::function<std::size_t()> viewers_;

    State state_ = State::idle;
    std::string reason_;
    std::int64_t since_ = 0;
    broadcast::Layout layout_ = broadcast::Layout::automatic;
    std::string focus_;  // participant id
    broadcast::Layout applied_ = broadcast::Layout::slate;
    std::vector<std::string> on_program_;  // input ids, from the worker
    std::vector<broadcast::RtmpTarget> targets_;
    std::vector<protocol::BroadcastTargetView> target_views_;
    bool record_ = false;
    bool has_segments_ = false;  // the playlist exists: a restart continues it
    int failed_starts_ = 0;
    std::string last_error_;

    std::shared_ptr<WorkerProcess> worker_;
    std::uint64_t run_ = 0;  // increases with every worker start; stale events are ignored
    bool worker_ready_ = false;
    std::map<media::FeedId, Input> inputs_;
    std::map<std::string, media::FeedId> feed_of_input_;  // input id → its key in inputs_
    asio::steady_timer restart_timer_;
    asio::steady_timer viewers_timer_;
    std::size_t last_viewers_ = 0;
};

}  // namespace onstage::api
