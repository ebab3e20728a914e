#include "api/broadcast_runtime.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <ctime>
#include <system_error>
#include <variant>

#include "api/event_runtime.hpp"

namespace onstage::api {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto kStopGrace = 15s;  // a worker finishing its MP4 and playlist
constexpr auto kViewersPeriod = 5s;
constexpr int kVideoPt = 96;   // VP8, as the compositor expects it
constexpr int kAudioPt = 111;  // Opus

std::string utc_stamp(std::int64_t ms) {
    const std::time_t t = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:%Y%m%dT%H%M%SZ}", tm);
}

std::string_view role_word(domain::Role role) {
    switch (role) {
    case domain::Role::talent:
        return "talent";
    case domain::Role::moderator:
        return "moderator";
    default:
        return "guest";
    }
}

template <class... Ts>
struct Overloaded : Ts... {
    using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

BroadcastRuntime::BroadcastRuntime(Strand strand, media::Sfu* sfu,
                                   std::shared_ptr<const BroadcastOptions> options,
                                   std::string event_id, std::string title)
    : strand_(std::move(strand)),
      sfu_(sfu),
      options_(std::move(options)),
      event_id_(std::move(event_id)),
      title_(std::move(title)),
      restart_timer_(strand_),
      viewers_timer_(strand_) {}

BroadcastRuntime::~BroadcastRuntime() {
    if (worker_) {
        worker_->kill();
    }
}

std::string_view BroadcastRuntime::name_of(State state) {
    switch (state) {
    case State::idle:
        return "idle";
    case State::starting:
        return "starting";
    case State::live:
        return "live";
    case State::stopping:
        return "stopping";
    case State::failed:
        return "failed";
    }
    return "idle";
}

bool BroadcastRuntime::active() const {
    return state_ == State::starting || state_ == State::live || state_ == State::stopping;
}

Result<Ok, BroadcastError> BroadcastRuntime::start(std::vector<broadcast::RtmpTarget> targets,
                                                   std::vector<std::string> target_names,
                                                   std::optional<bool> record) {
    if (sfu_ == nullptr || !options_ || options_->worker_argv.empty()) {
        return fail(BroadcastError{"media_unavailable",
                                   "Audio and video are off on this server, so there is nothing "
                                   "to broadcast."});
    }
    if (active()) {
        return fail(BroadcastError{
            "broadcast_busy", "The broadcast is already " + std::string(name_of(state_)) + "."});
    }
    targets_ = std::move(targets);
    target_views_.clear();
    for (std::size_t i = 0; i < targets_.size(); ++i) {
        target_views_.push_back({targets_[i].id,
                                 i < target_names.size() ? target_names[i] : targets_[i].id,
                                 "connecting", ""});
    }
    record_ = record.value_or(options_->record);
    has_segments_ = false;
    failed_starts_ = 0;
    last_error_.clear();
    applied_ = broadcast::Layout::slate;
    on_program_.clear();
    std::error_code ec;
    fs::remove_all(options_->data_dir / "hls" / event_id_, ec);  // a new broadcast, a new playlist
    set_state(State::starting);
    spawn_worker();
    watch_viewers();
    return Ok{};
}

Result<Ok, BroadcastError> BroadcastRuntime::stop() {
    if (state_ == State::failed) {
        set_state(State::idle);  // acknowledges the failure; nothing runs any more
        return Ok{};
    }
    if (state_ != State::starting && state_ != State::live) {
        return fail(BroadcastError{"broadcast_not_live", "The broadcast is not running."});
    }
    restart_timer_.cancel();
    set_state(State::stopping);
    if (worker_) {
        send(broadcast::StopCommand{});
        worker_->close_input(kStopGrace);
    } else {
        set_state(State::idle);  // between a crash and its restart: nothing to finish
    }
    return Ok{};
}

void BroadcastRuntime::set_layout(broadcast::Layout layout, std::string focus) {
    layout_ = layout;
    focus_ = std::move(focus);
    send_layout();
    changed();
}

void BroadcastRuntime::set_program(std::vector<media::ProgramFeed> program) {
    bool membership = false;
    for (auto it = inputs_.begin(); it != inputs_.end();) {
        const bool kept = std::any_of(program.begin(), program.end(),
                                      [&it](const auto& f) { return f.feed == it->first; });
        if (kept) {
            ++it;
            continue;
        }
        if (worker_ready_) {
            send(broadcast::RemoveCommand{it->second.id});
        }
        stop_forwarders(it->second.feed, std::move(it->second.forwarders));
        feed_of_input_.erase(it->second.id);
        it = inputs_.erase(it);
        membership = true;
    }
    for (auto& feed : program) {
        if (feed.audio_mid.empty() && feed.video_mid.empty()) {
            continue;
        }
        const auto found = inputs_.find(feed.feed);
        if (found == inputs_.end()) {
            Input input;
            input.id = "f" + std::to_string(feed.feed);
            input.feed = std::move(feed);
            feed_of_input_.emplace(input.id, input.feed.feed);
            auto& added = inputs_.emplace(input.feed.feed, std::move(input)).first->second;
            if (worker_ready_) {
                add_input(added);
            }
            membership = true;
        } else if (!(found->second.feed == feed)) {
            found->second.feed = std::move(feed);
            if (worker_ready_) {
                send(broadcast::UpdateCommand{spec_of(found->second)});
            }
        }
    }
    if (membership && layout_ == broadcast::Layout::focus) {
        send_layout();  // the focused person's input id may have changed
    }
}

protocol::BroadcastView BroadcastRuntime::view() const {
    protocol::BroadcastView v;
    v.state = std::string(name_of(state_));
    v.reason = reason_;
    v.since = since_;
    v.layout = std::string(broadcast::layout_name(layout_));
    v.applied_layout = std::string(broadcast::layout_name(applied_));
    v.hls_url = "/hls/" + event_id_ + "/index.m3u8";
    v.viewers = viewers_ ? viewers_() : 0;
    v.recording = record_ && active();
    v.targets = active() ? target_views_ : std::vector<protocol::BroadcastTargetView>{};
    for (const auto& id : on_program_) {
        if (const Input* input = input_named(id)) {
            v.on_program.push_back(input->feed.participant_id);
        }
    }
    return v;
}

BroadcastRuntime::Input* BroadcastRuntime::input_named(const std::string& id) {
    const auto named = feed_of_input_.find(id);
    return named == feed_of_input_.end() ? nullptr : &inputs_.at(named->second);
}

const BroadcastRuntime::Input* BroadcastRuntime::input_named(const std::string& id) const {
    const auto named = feed_of_input_.find(id);
    return named == feed_of_input_.end() ? nullptr : &inputs_.at(named->second);
}

void BroadcastRuntime::spawn_worker() {
    const std::uint64_t run = ++run_;
    worker_ready_ = false;
    const fs::path hls = options_->data_dir / "hls" / event_id_;
    const fs::path logs = options_->data_dir / "broadcast";
    std::error_code ec;
    fs::create_directories(hls, ec);
    fs::create_directories(logs, ec);
    broadcast::OutputSettings settings = options_->output;
    settings.hls_dir = fs::absolute(hls).string();
    settings.rtmp = targets_;
    settings.title = title_;
    settings.resume = has_segments_;
    if (record_) {
        const fs::path dir = options_->data_dir / "recordings" / event_id_;
        fs::create_directories(dir, ec);
        settings.record_path =
            fs::absolute(dir / (event_id_ + "-" + utc_stamp(now_ms()) + ".mp4")).string();
    }
    auto worker = std::make_shared<WorkerProcess>(strand_, options_->worker_argv,
                                                  logs / (event_id_ + ".log"));
    std::weak_ptr<BroadcastRuntime> weak = weak_from_this();
    auto on_line = [weak, run](const std::string& line) {
        if (const auto self = weak.lock()) {
            self->on_worker_line(run, line);
        }
    };
    auto on_exit = [weak, run](int, const std::string& how) {
        if (const auto self = weak.lock()) {
            self->on_worker_exit(run, how);
        }
    };
    auto started = worker->start(std::move(on_line), std::move(on_exit));
    if (!started) {
        spdlog::error("event={} broadcast: cannot start the compositor: {}", event_id_,
                      started.error());
        set_state(State::failed, "The compositor could not be started: " + started.error());
        return;
    }
    spdlog::info("event={} broadcast: compositor pid {} started (run {}{})", event_id_,
                 worker->pid(), run, settings.resume ? ", continuing the playlist" : "");
    worker_ = std::move(worker);
    send(broadcast::StartCommand{std::move(settings)});
}

void BroadcastRuntime::on_worker_line(std::uint64_t run, const std::string& line) {
    if (run != run_) {
        return;
    }
    auto decoded = broadcast::decode_event(line);
    if (!decoded) {
        spdlog::warn("event={} broadcast: unreadable worker line ({}): {:.200}", event_id_,
                     decoded.error().code, line);
        return;
    }
    std::visit(Overloaded{
                   [this](const broadcast::ReadyEvent&) {
                       worker_ready_ = true;
                       for (auto& [feed, input] : inputs_) {
                           add_input(input);
                       }
                       send_layout();
                   },
                   [this, run](const broadcast::InputReadyEvent& e) {
                       if (Input* input = input_named(e.input)) {
                           input->video_port = e.video_port;
                           input->audio_port = e.audio_port;
                           input->run = run;
                           forward(input->feed.feed);
                       }
                   },
                   [this](const broadcast::SegmentEvent&) {
                       has_segments_ = true;
                       failed_starts_ = 0;
                       if (state_ == State::starting) {
                           set_state(State::live);
                       }
                   },
                   [this](const broadcast::RtmpEvent& e) {
                       for (auto& t : target_views_) {
                           if (t.id == e.id && (t.state != e.state || t.error != e.error)) {
                               t.state = e.state;
                               t.error = e.error;
                               changed();
                           }
                       }
                   },
                   [this](const broadcast::LayoutEvent& e) {
                       applied_ = e.applied;
                       on_program_ = e.inputs;
                       changed();
                   },
                   [this](const broadcast::ErrorEvent& e) {
                       last_error_ = e.message;
                       spdlog::log(e.fatal ? spdlog::level::err : spdlog::level::warn,
                                   "event={} broadcast: compositor: {} ({})", event_id_, e.message,
                                   e.code);
                   },
                   [this](const broadcast::StoppedEvent& e) {
                       if (!e.recording.empty()) {
                           spdlog::info("event={} broadcast: recording {}", event_id_, e.recording);
                       }
                   },
               },
               *decoded);
}

void BroadcastRuntime::on_worker_exit(std::uint64_t run, const std::string& how) {
    if (run != run_) {
        return;
    }
    worker_.reset();
    worker_ready_ = false;
    for (auto& [feed, input] : inputs_) {
        stop_forwarders(input.feed, std::move(input.forwarders));
        input.forwarders.clear();
        input.video_port = input.audio_port = 0;
    }
    if (state_ == State::stopping || state_ == State::idle) {
        spdlog::info("event={} broadcast: compositor {}", event_id_, how);
        set_state(State::idle);
        return;
    }
    if (state_ != State::starting && state_ != State::live) {
        return;
    }
    spdlog::warn("event={} broadcast: compositor {}; restarting", event_id_, how);
    if (!has_segments_ && ++failed_starts_ >= options_->max_failed_starts) {
        set_state(State::failed, last_error_.empty() ? "The compositor " + how + "."
                                                     : "The compositor failed: " + last_error_);
        return;
    }
    restart_timer_.expires_after(options_->restart_delay);
    restart_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (!ec && self && (self->state_ == State::starting || self->state_ == State::live)) {
            self->spawn_worker();
        }
    });
}

void BroadcastRuntime::send(const broadcast::Command& command) {
    if (worker_) {
        worker_->send(broadcast::encode_command(command));
    }
}

broadcast::InputSpec BroadcastRuntime::spec_of(const Input& input) {
    broadcast::InputSpec spec;
    spec.id = input.id;
    spec.name = input.feed.name;
    spec.role = std::string(role_word(input.feed.role));
    spec.kind = std::string(media::to_string(input.feed.source));
    spec.audio = !input.feed.audio_mid.empty();
    spec.video = !input.feed.video_mid.empty();
    spec.audio_muted = input.feed.audio_muted;
    spec.video_muted = input.feed.video_muted;
    return spec;
}

void BroadcastRuntime::add_input(Input& input) {
    input.video_port = input.audio_port = 0;
    send(broadcast::AddCommand{spec_of(input)});
}

namespace {

// Asks the SFU to forward one publication to the worker's ports; if the input went away (or the
// worker was replaced) meanwhile, the new forwarders are stopped again.
asio::awaitable<void> forward_task(std::shared_ptr<BroadcastRuntime> keep, media::Sfu* sfu,
                                   media::ProgramFeed feed, std::string host,
                                   std::vector<media::ForwardStream> streams,
                                   std::function<bool(std::vector<std::uint64_t>&)> adopt,
                                   std::string event_id) {
    auto result = co_await sfu->rtp_forward(feed.room, feed.feed, host, streams);
    if (!result) {
        spdlog::warn("event={} broadcast: rtp_forward of feed {} failed: {} ({})", event_id,
                     feed.feed, result.error().message, result.error().code);
        co_return;
    }
    std::vector<std::uint64_t> ids = std::move(result).value();
    if (adopt(ids)) {
        co_return;
    }
    for (const std::uint64_t id : ids) {
        auto stopped = co_await sfu->stop_rtp_forward(feed.room, feed.feed, id);
        static_cast<void>(stopped);
    }
    static_cast<void>(keep);
}

asio::awaitable<void> stop_task(media::Sfu* sfu, media::ProgramFeed feed,
                                std::vector<std::uint64_t> ids) {
    for (const std::uint64_t id : ids) {
        // A gone publisher or a restarted SFU took its forwarders with it: nothing to report.
        auto stopped = co_await sfu->stop_rtp_forward(feed.room, feed.feed, id);
        static_cast<void>(stopped);
    }
}

}  // namespace

void BroadcastRuntime::forward(media::FeedId feed) {
    const auto it = inputs_.find(feed);
    if (it == inputs_.end() || sfu_ == nullptr) {
        return;
    }
    const Input& input = it->second;
    std::vector<media::ForwardStream> streams;
    if (!input.feed.video_mid.empty() && input.video_port > 0) {
        streams.push_back({input.feed.video_mid, input.video_port, kVideoPt});
    }
    if (!input.feed.audio_mid.empty() && input.audio_port > 0) {
        streams.push_back({input.feed.audio_mid, input.audio_port, kAudioPt});
    }
    if (streams.empty()) {
        return;
    }
    const std::uint64_t run = input.run;
    std::weak_ptr<BroadcastRuntime> weak = weak_from_this();
    auto adopt = [weak, feed, run](std::vector<std::uint64_t>& ids) {
        const auto self = weak.lock();
        if (!self || self->run_ != run || !self->worker_) {
            return false;
        }
        const auto now = self->inputs_.find(feed);
        if (now == self->inputs_.end() || now->second.run != run) {
            return false;
        }
        auto& mine = now->second.forwarders;
        mine.insert(mine.end(), ids.begin(), ids.end());
        return true;
    };
    asio::co_spawn(strand_,
                   forward_task(shared_from_this(), sfu_, input.feed, options_->forward_host,
                                std::move(streams), std::move(adopt), event_id_),
                   asio::detached);
}

void BroadcastRuntime::stop_forwarders(const media::ProgramFeed& feed,
                                       std::vector<std::uint64_t> ids) {
    if (ids.empty() || sfu_ == nullptr) {
        return;
    }
    asio::co_spawn(strand_, stop_task(sfu_, feed, std::move(ids)), asio::detached);
}

void BroadcastRuntime::send_layout() {
    if (!worker_ready_) {
        return;
    }
    broadcast::LayoutCommand command;
    command.layout = layout_;
    if (layout_ == broadcast::Layout::focus && !focus_.empty()) {
        // The person's screen if they share one, else their camera.
        for (const auto& [feed, input] : inputs_) {
            if (input.feed.participant_id == focus_ &&
                (command.focus.empty() || input.feed.source == media::Source::screen)) {
                command.focus = input.id;
            }
        }
    }
    send(command);
}

void BroadcastRuntime::set_state(State state, std::string reason) {
    if (state == state_ && reason == reason_) {
        return;
    }
    spdlog::info("event={} broadcast: {} → {}{}{}", event_id_, name_of(state_), name_of(state),
                 reason.empty() ? "" : ": ", reason);
    state_ = state;
    reason_ = std::move(reason);
    since_ = now_ms();
    if (!active()) {
        viewers_timer_.cancel();
        if (worker_ && state == State::failed) {
            worker_->kill();
        }
    }
    changed();
}

void BroadcastRuntime::changed() {
    if (changed_) {
        changed_();
    }
}

// While the broadcast runs, staff see the viewer count move (checked every 5 s).
void BroadcastRuntime::watch_viewers() {
    viewers_timer_.expires_after(kViewersPeriod);
    viewers_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self || !self->active()) {
            return;
        }
        const std::size_t now = self->viewers_ ? self->viewers_() : 0;
        if (now != self->last_viewers_) {
            self->last_viewers_ = now;
            self->changed();
        }
        self->watch_viewers();
    });
}

}  // namespace onstage::api
