// The broadcast side of a live event: the moderators' broadcast commands, the admin API's
// start/stop, and the `broadcast` state event every tab gets. Everything here runs on the strand;
// the work itself is BroadcastRuntime's.
#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "api/event_runtime.hpp"
#include "store/store.hpp"

namespace onstage::api {

using domain::Role;
using protocol::CommandType;

asio::awaitable<Reply> EventRuntime::handle_broadcast(const Identity& who,
                                                      const protocol::Command& c) {
    if (who.role != Role::moderator) {
        co_return Reply{"forbidden", "Only moderators can run the broadcast."};
    }
    if (c.type == CommandType::set_layout) {
        const auto layout = broadcast::parse_layout(c.layout);
        if (!layout || *layout == broadcast::Layout::slate) {
            co_return Reply{"bad_field", "The field \"layout\" names no layout."};
        }
        if (!c.focus.empty() && person(c.focus) == nullptr) {
            co_return Reply{"unknown_participant", "Nobody in this event has that id."};
        }
        broadcast_->set_layout(*layout, c.focus);
        co_return Reply{};
    }
    // Each result in a named variable: GCC 12 destroys the temporaries of a conditional around
    // a co_await twice (PR 99576, see api/async.hpp).
    if (c.type == CommandType::broadcast_start) {
        const std::optional<bool> record;
        auto started = co_await start_broadcast(record);
        if (!started) {
            co_return Reply{started.error().code, started.error().message};
        }
        co_return Reply{};
    }
    auto stopped = broadcast_->stop();
    if (!stopped) {
        co_return Reply{stopped.error().code, stopped.error().message};
    }
    co_return Reply{};
}

asio::awaitable<Result<Ok, BroadcastError>> EventRuntime::start_broadcast(
    std::optional<bool> record) {
    if (ended_at_ms_ != 0) {
        co_return fail(BroadcastError{"event_ended", "This event has ended."});
    }
    BroadcastStart start = co_await load_broadcast_start();
    // The store answered on its own thread; the state may have moved on meanwhile, which
    // BroadcastRuntime::start checks itself.
    co_return broadcast_->start(std::move(start.targets), std::move(start.names), record);
}

// co_spawn wants a default-constructible result: the *_on_strand coroutines return it boxed.
asio::awaitable<Result<protocol::BroadcastView, BroadcastError>> EventRuntime::broadcast_start(
    std::optional<bool> record) {
    auto box =
        co_await asio::co_spawn(strand_, broadcast_start_on_strand(record), asio::use_awaitable);
    co_return std::move(*box);
}

asio::awaitable<Result<protocol::BroadcastView, BroadcastError>> EventRuntime::broadcast_stop() {
    auto box = co_await asio::co_spawn(strand_, broadcast_stop_on_strand(), asio::use_awaitable);
    co_return std::move(*box);
}

asio::awaitable<protocol::BroadcastView> EventRuntime::broadcast_view() {
    co_return co_await asio::co_spawn(strand_, broadcast_view_on_strand(), asio::use_awaitable);
}

asio::awaitable<std::optional<Result<protocol::BroadcastView, BroadcastError>>>
EventRuntime::broadcast_start_on_strand(std::optional<bool> record) {
    using Boxed = std::optional<Result<protocol::BroadcastView, BroadcastError>>;
    auto self = shared_from_this();
    auto started = co_await start_broadcast(record);
    if (!started) {
        co_return Boxed(fail(started.error()));
    }
    co_return Boxed(broadcast_->view());
}

asio::awaitable<std::optional<Result<protocol::BroadcastView, BroadcastError>>>
EventRuntime::broadcast_stop_on_strand() {
    using Boxed = std::optional<Result<protocol::BroadcastView, BroadcastError>>;
    auto self = shared_from_this();
    auto stopped = broadcast_->stop();
    if (!stopped) {
        co_return Boxed(fail(stopped.error()));
    }
    co_return Boxed(broadcast_->view());
}

asio::awaitable<protocol::BroadcastView> EventRuntime::broadcast_view_on_strand() {
    auto self = shared_from_this();
    co_return broadcast_->view();
}

asio::awaitable<BroadcastStart> EventRuntime::load_broadcast_start() {
    auto load = [id = event_.id](store::Store& s) { return s.list_rtmp_targets(id); };
    const std::vector<domain::RtmpTarget> targets = co_await store_.run(std::move(load));
    BroadcastStart start;
    for (const auto& t : targets) {
        start.targets.push_back(broadcast::RtmpTarget{t.id, t.url});
        start.names.push_back(t.name);
    }
    co_return start;
}

std::string EventRuntime::broadcast_payload(Role role) const {
    return protocol::encode_broadcast(broadcast_->view(), role != Role::attendee);
}

void EventRuntime::send_broadcast() {
    if (ended_at_ms_ != 0) {
        return;
    }
    const protocol::BroadcastView view = broadcast_->view();
    const hub::Frame staff{0, hub::make_payload(protocol::encode_broadcast(view, true))};
    std::string audience_payload = protocol::encode_broadcast(view, false);
    // Attendees see only state and since: a new viewer count is news to staff alone.
    const bool audience_news = audience_payload != audience_broadcast_;
    const hub::Frame audience{0, hub::make_payload(audience_payload)};
    audience_broadcast_ = std::move(audience_payload);
    for (const auto& [id, online] : online_) {
        const Person* p = person(id);
        const bool is_staff = p != nullptr && p->role != Role::attendee;
        if (!is_staff && !audience_news) {
            continue;
        }
        const hub::Frame& frame = is_staff ? staff : audience;
        for (const auto& ref : online.tab_refs) {
            if (const auto tab = ref.lock()) {
                tab->deliver(frame);
            }
        }
    }
}

}  // namespace onstage::api
