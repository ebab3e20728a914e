#include "api/server_context.hpp"

#include <fmt/core.h>

namespace onstage::api {

asio::awaitable<std::shared_ptr<EventRuntime>> EventRegistry::get(std::string event_id) {
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = events_.find(event_id); it != events_.end()) {
            co_return it->second;
        }
    }
    auto loaded = co_await EventRuntime::load(ioc_, store_, event_id, invite_timeout_ms_);
    if (!loaded) {
        co_return nullptr;
    }
    const std::lock_guard lock(mutex_);
    // Two first connections may load the same event at once: the first one stored wins.
    const auto [it, inserted] = events_.emplace(event_id, std::move(loaded));
    co_return it->second;
}

std::size_t EventRegistry::connected_tabs() const {
    const std::lock_guard lock(mutex_);
    std::size_t n = 0;
    for (const auto& [id, runtime] : events_) {
        n += runtime->connected_tabs();
    }
    return n;
}

std::optional<domain::TimeMs> LoginThrottle::retry_after(const std::string& participant_key,
                                                         const std::string& address_key,
                                                         domain::TimeMs now) {
    const std::lock_guard lock(mutex_);
    const auto a = by_participant_.retry_after(participant_key, now);
    const auto b = by_address_.retry_after(address_key, now);
    if (!a && !b) {
        return std::nullopt;
    }
    return std::max(a.value_or(0), b.value_or(0));
}

void LoginThrottle::failed(const std::string& participant_key, const std::string& address_key,
                           domain::TimeMs now) {
    const std::lock_guard lock(mutex_);
    by_participant_.record_failure(participant_key, now);
    by_address_.record_failure(address_key, now);
}

void LoginThrottle::succeeded(const std::string& participant_key) {
    const std::lock_guard lock(mutex_);
    by_participant_.record_success(participant_key);
}

void Metrics::count_error(const std::string& code) {
    const std::lock_guard lock(mutex_);
    ++errors_[code];
}

std::string Metrics::render() const {
    std::string out;
    auto counter = [&out](std::string_view name, std::string_view help, auto value,
                          std::string_view type = "counter") {
        out +=
            fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
    };
    counter("onstage_connections_total", "WebSocket connections accepted.",
            connections_total.load());
    counter("onstage_connections_open", "WebSocket connections open now.", connections_open.load(),
            "gauge");
    counter("onstage_messages_in_total", "Client messages received.", messages_in.load());
    counter("onstage_messages_out_total", "Messages sent to clients.", messages_out.load());
    counter("onstage_hand_raises_total", "Hands raised.", hand_raises.load());
    counter("onstage_logins_total", "Successful logins.", logins.load());
    out +=
        "# HELP onstage_errors_total Errors returned to clients, by code.\n"
        "# TYPE onstage_errors_total counter\n";
    const std::lock_guard lock(mutex_);
    for (const auto& [code, n] : errors_) {
        out += fmt::format("onstage_errors_total{{code=\"{}\"}} {}\n", code, n);
    }
    return out;
}

void SessionSet::add(const std::shared_ptr<WsSession>& s) {
    const std::lock_guard lock(mutex_);
    sessions_[s.get()] = s;
}

void SessionSet::remove(const WsSession* s) {
    const std::lock_guard lock(mutex_);
    sessions_.erase(s);
}

std::vector<std::shared_ptr<WsSession>> SessionSet::all() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<WsSession>> out;
    for (const auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

}  // namespace onstage::api
