#include "media/janus_sfu.hpp"

#include <utility>

#include <fmt/core.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sstream>

namespace onstage::media {

using json = nlohmann::json;

namespace {

constexpr const char* kVideoRoom = "janus.plugin.videoroom";
constexpr int kRoomExists = 427;

SfuError not_connected() {
    return SfuError{"sfu_unavailable", "not connected to Janus (it is being restarted)", 0};
}

std::string random_secret() {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
    constexpr std::size_t kBytes = 16;
    std::array<unsigned char, kBytes> raw{};
    randombytes_buf(raw.data(), raw.size());
    std::array<char, kBytes * 2 + 1> hex{};
    sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
    return std::string(hex.data());
}

// Runs `make()` (which returns an awaitable<SfuResult<T>>) on `strand`. Not a coroutine itself:
// GCC 12 destroys class-type temporaries passed to coroutines twice (GCC PR 99576), and callers
// pass lambdas. The box makes the result default-constructible, as co_spawn wants.
template <typename T, typename F>
asio::awaitable<std::optional<SfuResult<T>>> run_on_strand(const Strand& strand, F make) {
    using Box = std::optional<SfuResult<T>>;
    auto body = [make = std::move(make)]() -> asio::awaitable<Box> {
        SfuResult<T> result = co_await make();
        co_return Box(std::move(result));
    };
    return asio::co_spawn(strand, std::move(body), asio::use_awaitable);
}

}  // namespace

std::vector<StreamInfo> sdp_streams(const std::string& sdp) {
    std::vector<StreamInfo> streams;
    std::istringstream in(sdp);
    std::string line;
    bool in_media = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (line.starts_with("m=")) {
            const auto space = line.find(' ');
            streams.push_back(StreamInfo{"", line.substr(2, space - 2)});
            in_media = true;
        } else if (in_media && line.starts_with("a=mid:")) {
            streams.back().mid = line.substr(6);
        }
    }
    return streams;
}

class JanusSfu::Ops {
public:
    Ops(Strand strand, JanusSfuOptions options)
        : strand_(std::move(strand)), options_(std::move(options)) {}

    std::mutex listener_mutex;
    std::function<void(const SfuEvent&)> listener;
    std::function<void(const std::string&)> lost_listener;

    asio::awaitable<SfuResult<Ok>> connect(std::string url) {
        co_await disconnect();
        const std::uint64_t generation = ++generation_;
        auto on_event = [this, generation](const json& event) {
            if (generation == generation_) {
                janus_event(event);
            }
        };
        auto on_lost = [this, generation](const std::string& reason) {
            if (generation == generation_) {
                connection_lost(reason);
            }
        };
        auto made = co_await JanusClient::connect(strand_, url, options_.client, on_event, on_lost);
        if (!made) {
            co_return fail(made.error());
        }
        std::shared_ptr<JanusClient> client = *made;
        std::string plugin = kVideoRoom;
        auto control = co_await client->attach(plugin);
        if (!control) {
            co_await client->close();
            co_return fail(control.error());
        }
        client_ = client;
        control_ = *control;
        spdlog::info("janus: connected to {} (session {})", url, client_->session());
        const bool restarted = ever_connected_;
        ever_connected_ = true;
        if (restarted) {
            emit(SfuEvent{SfuEvent::Kind::reset, 0, "Janus restarted or reconnected"});
        }
        co_return Ok{};
    }

    asio::awaitable<void> disconnect() {
        ++generation_;
        auto client = std::move(client_);
        client_.reset();
        handles_.clear();
        control_ = 0;
        if (client) {
            co_await client->close();
        }
    }

    void set_admin_key(std::string key) { options_.admin_key = std::move(key); }

    asio::awaitable<SfuResult<Ok>> create_room(RoomSpec spec) {
        auto& secret = secrets_[spec.id];
        if (secret.empty()) {
            secret = random_secret();
        }
        json body{{"request", "create"},
                  {"room", spec.id},
                  {"description", spec.description},
                  {"secret", secret},
                  {"is_private", true},
                  {"publishers", spec.max_publishers},
                  {"bitrate", spec.bitrate_bps},
                  {"fir_freq", spec.fir_freq_s},
                  {"audiolevel_event", false},
                  {"notify_joining", false},
                  {"permanent", false},
                  {"require_pvtid", false}};
        if (!options_.admin_key.empty()) {
            body["admin_key"] = options_.admin_key;
        }
        auto reply = co_await control_request(body);
        if (!reply && reply.error().janus_code != kRoomExists) {
            co_return fail(reply.error());
        }
        co_return Ok{};
    }

    asio::awaitable<SfuResult<Ok>> destroy_room(RoomId room) {
        const auto secret = secrets_.find(room);
        json body{{"request", "destroy"},
                  {"room", room},
                  {"permanent", false},
                  {"secret", secret == secrets_.end() ? std::string() : secret->second}};
        auto reply = co_await control_request(body);
        if (!reply) {
            co_return fail(reply.error());
        }
        secrets_.erase(room);
        co_return Ok{};
    }

    asio::awaitable<SfuResult<Publication>> publish(RoomId room, FeedId feed, std::string display,
                                                    std::string sdp_offer) {
        auto client = client_;
        if (!client) {
            co_return fail(not_connected());
        }
        std::string plugin = kVideoRoom;
        auto handle = co_await client->attach(plugin);
        if (!handle) {
            co_return fail(handle.error());
        }
        json body{{"request", "joinandconfigure"},
                  {"ptype", "publisher"},
                  {"room", room},
                  {"id", feed},
                  {"display", display}};
        std::optional<json> jsep = json{{"type", "offer"}, {"sdp", sdp_offer}};
        auto reply = co_await client->message(*handle, body, jsep);
        if (!reply || !reply->jsep || !reply->jsep->contains("sdp")) {
            co_await forget_handle(client, *handle);
            co_return fail(reply ? SfuError{"sfu_refused", "Janus sent no SDP answer", 0}
                                 : reply.error());
        }
        Publication out;
        out.handle = *handle;
        out.sdp_answer = reply->jsep->value("sdp", "");
        out.streams = sdp_streams(out.sdp_answer);
        handles_.insert(*handle);
        co_return out;
    }

    asio::awaitable<SfuResult<Subscription>> subscribe(RoomId room, FeedId feed) {
        auto client = client_;
        if (!client) {
            co_return fail(not_connected());
        }
        std::string plugin = kVideoRoom;
        auto handle = co_await client->attach(plugin);
        if (!handle) {
            co_return fail(handle.error());
        }
        json body{{"request", "join"},
                  {"ptype", "subscriber"},
                  {"room", room},
                  {"streams", json::array({json{{"feed", feed}}})}};
        auto reply = co_await client->message(*handle, body, std::nullopt);
        if (!reply || !reply->jsep || !reply->jsep->contains("sdp")) {
            co_await forget_handle(client, *handle);
            co_return fail(reply ? SfuError{"sfu_refused", "Janus sent no SDP offer", 0}
                                 : reply.error());
        }
        handles_.insert(*handle);
        co_return Subscription{*handle, reply->jsep->value("sdp", "")};
    }

    asio::awaitable<SfuResult<Ok>> start(HandleId handle, std::string sdp_answer) {
        auto client = client_;
        if (!client) {
            co_return fail(not_connected());
        }
        json body{{"request", "start"}};
        std::optional<json> jsep = json{{"type", "answer"}, {"sdp", sdp_answer}};
        auto reply = co_await client->message(handle, body, jsep);
        if (!reply) {
            co_return fail(reply.error());
        }
        co_return Ok{};
    }

    asio::awaitable<SfuResult<Ok>> trickle(HandleId handle, std::optional<Candidate> candidate) {
        auto client = client_;
        if (!client) {
            co_return fail(not_connected());
        }
        json c = candidate ? json{{"candidate", candidate->candidate},
                                  {"sdpMid", candidate->sdp_mid},
                                  {"sdpMLineIndex", candidate->sdp_mline_index}}
                           : json{{"completed", true}};
        co_return co_await client->trickle(handle, c);
    }

    asio::awaitable<SfuResult<Ok>> hangup(HandleId handle) {
        auto client = client_;
        if (!client) {
            co_return Ok{};  // the handle died with its Janus
        }
        handles_.erase(handle);  // Janus' own hangup/detached events about it are ours now
        json body{{"request", "leave"}};
        auto left = co_await client->message(handle, body, std::nullopt);
        (void)left;  // a subscriber that never started, or a gone handle: detach says enough
        auto detached = co_await client->detach(handle);
        if (!detached && detached.error().code != "sfu_gone") {
            co_return fail(detached.error());
        }
        co_return Ok{};
    }

    asio::awaitable<SfuResult<Ok>> moderate(RoomId room, FeedId feed, std::string mid, bool mute) {
        json body{
            {"request", "moderate"},    {"room", room}, {"id", feed}, {"mid", mid}, {"mute", mute},
            {"secret", secret_of(room)}};
        auto reply = co_await control_request(body);
        if (!reply) {
            co_return fail(reply.error());
        }
        co_return Ok{};
    }

    asio::awaitable<SfuResult<Ok>> kick(RoomId room, FeedId feed) {
        json body{{"request", "kick"}, {"room", room}, {"id", feed}, {"secret", secret_of(room)}};
        auto reply = co_await control_request(body);
        if (!reply) {
            co_return fail(reply.error());
        }
        co_return Ok{};
    }

    // rtp_forward is locked (lock_rtp_forward): it needs the room secret and the admin_key.
    asio::awaitable<SfuResult<std::vector<std::uint64_t>>> rtp_forward(
        RoomId room, FeedId feed, const std::string& host,
        const std::vector<ForwardStream>& streams) {
        json list = json::array();
        for (const auto& s : streams) {
            list.push_back({{"mid", s.mid}, {"port", s.port}, {"pt", s.pt}});
        }
        json body{{"request", "rtp_forward"}, {"room", room},
                  {"publisher_id", feed},     {"host", host},
                  {"streams", list},          {"secret", secret_of(room)}};
        if (!options_.admin_key.empty()) {
            body["admin_key"] = options_.admin_key;
        }
        auto reply = co_await control_request(body);
        if (!reply) {
            co_return fail(reply.error());
        }
        std::vector<std::uint64_t> ids;
        const auto& forwarders = reply->data.value("forwarders", json::array());
        for (const auto& s : streams) {
            std::uint64_t id = 0;
            for (const auto& f : forwarders) {
                // Janus answers in its own order; the port tells which stream is which.
                if (f.is_object() && f.value("port", 0) == s.port) {
                    id = f.value("stream_id", std::uint64_t{0});
                }
            }
            ids.push_back(id);
        }
        co_return ids;
    }

    asio::awaitable<SfuResult<Ok>> stop_rtp_forward(RoomId room, FeedId feed,
                                                    std::uint64_t forwarder) {
        json body{{"request", "stop_rtp_forward"},
                  {"room", room},
                  {"publisher_id", feed},
                  {"stream_id", forwarder},
                  {"secret", secret_of(room)}};
        if (!options_.admin_key.empty()) {
            body["admin_key"] = options_.admin_key;
        }
        auto reply = co_await control_request(body);
        if (!reply && reply.error().code != "sfu_gone") {
            co_return fail(reply.error());
        }
        co_return Ok{};
    }

private:
    std::string secret_of(RoomId room) const {
        const auto it = secrets_.find(room);
        return it == secrets_.end() ? std::string() : it->second;
    }

    // A synchronous VideoRoom request on the control handle.
    asio::awaitable<SfuResult<PluginReply>> control_request(json body) {
        auto client = client_;
        if (!client) {
            co_return fail(not_connected());
        }
        co_return co_await client->message(control_, body, std::nullopt);
    }

    asio::awaitable<void> forget_handle(std::shared_ptr<JanusClient> client, HandleId handle) {
        auto detached = co_await client->detach(handle);
        if (!detached) {
            spdlog::warn("janus: detaching handle {} failed: {} [{}]", handle,
                         detached.error().message, detached.error().code);
        }
    }

    void janus_event(const json& event) {
        const HandleId sender = event.value("sender", HandleId{0});
        if (!handles_.contains(sender)) {
            return;
        }
        const std::string kind = event.value("janus", "");
        if (kind == "webrtcup") {
            emit(SfuEvent{SfuEvent::Kind::media_up, sender, ""});
        } else if (kind == "hangup") {
            emit(SfuEvent{SfuEvent::Kind::hangup, sender, event.value("reason", "hangup")});
        } else if (kind == "detached") {
            handles_.erase(sender);
            emit(SfuEvent{SfuEvent::Kind::hangup, sender, "detached"});
        }
    }

    void connection_lost(const std::string& reason) {
        spdlog::warn("janus: connection lost: {}", reason);
        ++generation_;
        client_.reset();
        handles_.clear();
        control_ = 0;
        if (lost_listener) {
            lost_listener(reason);
        }
    }

    void emit(const SfuEvent& event) {
        std::function<void(const SfuEvent&)> copy;
        {
            const std::lock_guard lock(listener_mutex);
            copy = listener;
        }
        if (copy) {
            copy(event);
        }
    }

    Strand strand_;
    JanusSfuOptions options_;
    std::shared_ptr<JanusClient> client_;
    HandleId control_ = 0;
    std::uint64_t generation_ = 0;
    bool ever_connected_ = false;
    std::map<RoomId, std::string> secrets_;
    std::set<HandleId> handles_;
};

JanusSfu::JanusSfu(const asio::any_io_executor& executor, JanusSfuOptions options)
    : strand_(asio::make_strand(executor)),
      ops_(std::make_unique<Ops>(strand_, std::move(options))) {}

JanusSfu::~JanusSfu() = default;

asio::awaitable<SfuResult<Ok>> JanusSfu::connect(std::string url) {
    auto run = [ops = ops_.get(), url]() { return ops->connect(url); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<void> JanusSfu::disconnect() {
    auto run = [ops = ops_.get()]() -> asio::awaitable<SfuResult<Ok>> {
        co_await ops->disconnect();
        co_return Ok{};
    };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    (void)box;
}

void JanusSfu::set_lost_listener(std::function<void(const std::string&)> listener) {
    ops_->lost_listener = std::move(listener);  // set before connect(): no race
}

void JanusSfu::set_admin_key(std::string admin_key) {
    asio::post(strand_, [ops = ops_.get(), key = std::move(admin_key)]() mutable {
        ops->set_admin_key(std::move(key));
    });
}

void JanusSfu::set_listener(std::function<void(const SfuEvent&)> listener) {
    const std::lock_guard lock(ops_->listener_mutex);
    ops_->listener = std::move(listener);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::create_room(RoomSpec spec) {
    auto run = [ops = ops_.get(), spec]() { return ops->create_room(spec); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::destroy_room(RoomId room) {
    auto run = [ops = ops_.get(), room]() { return ops->destroy_room(room); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Publication>> JanusSfu::publish(RoomId room, FeedId feed,
                                                          std::string display,
                                                          std::string sdp_offer) {
    auto run = [ops = ops_.get(), room, feed, display, sdp_offer]() {
        return ops->publish(room, feed, display, sdp_offer);
    };
    auto box = co_await run_on_strand<Publication>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Subscription>> JanusSfu::subscribe(RoomId room, FeedId feed) {
    auto run = [ops = ops_.get(), room, feed]() { return ops->subscribe(room, feed); };
    auto box = co_await run_on_strand<Subscription>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::start(HandleId handle, std::string sdp_answer) {
    auto run = [ops = ops_.get(), handle, sdp_answer]() { return ops->start(handle, sdp_answer); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::trickle(HandleId handle,
                                                 std::optional<Candidate> candidate) {
    auto run = [ops = ops_.get(), handle, candidate]() { return ops->trickle(handle, candidate); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::hangup(HandleId handle) {
    auto run = [ops = ops_.get(), handle]() { return ops->hangup(handle); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::moderate(RoomId room, FeedId feed, std::string mid,
                                                  bool mute) {
    auto run = [ops = ops_.get(), room, feed, mid, mute]() {
        return ops->moderate(room, feed, mid, mute);
    };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<std::vector<std::uint64_t>>> JanusSfu::rtp_forward(
    RoomId room, FeedId feed, std::string host, std::vector<ForwardStream> streams) {
    auto run = [ops = ops_.get(), room, feed, host = std::move(host),
                streams = std::move(streams)]() {
        return ops->rtp_forward(room, feed, host, streams);
    };
    auto box = co_await run_on_strand<std::vector<std::uint64_t>>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::stop_rtp_forward(RoomId room, FeedId feed,
                                                          std::uint64_t forwarder) {
    auto run = [ops = ops_.get(), room, feed, forwarder]() {
        return ops->stop_rtp_forward(room, feed, forwarder);
    };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

asio::awaitable<SfuResult<Ok>> JanusSfu::kick(RoomId room, FeedId feed) {
    auto run = [ops = ops_.get(), room, feed]() { return ops->kick(room, feed); };
    auto box = co_await run_on_strand<Ok>(strand_, run);
    co_return std::move(*box);
}

}  // namespace onstage::media
