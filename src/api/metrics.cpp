#include "api/metrics.hpp"

#include <fmt/core.h>

#include <algorithm>

namespace onstage::api {

void LatencyHistogram::observe(std::chrono::microseconds latency) {
    const std::int64_t us = std::max<std::int64_t>(0, latency.count());
    const auto bucket = static_cast<std::size_t>(
        std::lower_bound(kBoundsUs.begin(), kBoundsUs.end(), us) - kBoundsUs.begin());
    buckets_.at(bucket).fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(static_cast<std::uint64_t>(us), std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
}

void LatencyHistogram::render(std::string& out, std::string_view name,
                              std::string_view help) const {
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kBoundsUs.size(); ++i) {
        cumulative += buckets_.at(i).load(std::memory_order_relaxed);
        out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", name,
                           static_cast<double>(kBoundsUs.at(i)) / 1e6, cumulative);
    }
    cumulative += buckets_.back().load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
    out += fmt::format("{}_sum {}\n{}_count {}\n", name,
                       static_cast<double>(sum_us_.load(std::memory_order_relaxed)) / 1e6, name,
                       count_.load(std::memory_order_relaxed));
}

void Metrics::count_error(const std::string& code) {
    const std::lock_guard lock(mutex_);
    ++errors_[code];
}

std::string Metrics::render() const {
    std::string out;
    auto one = [&out](std::string_view name, std::string_view help, auto value,
                      std::string_view type = "counter") {
        out +=
            fmt::format("# HELP {} {}\n# TYPE {} {}\n{} {}\n", name, help, name, type, name, value);
    };
    one("onstage_connections_total", "WebSocket connections accepted.", connections_total.load());
    one("onstage_connections_open", "WebSocket connections open now.", connections_open.load(),
        "gauge");
    one("onstage_tabs_attached", "WebSocket connections signed in to an event now.",
        tabs_attached.load(), "gauge");
    one("onstage_events_loaded", "Events with live state in this server.", events_loaded.load(),
        "gauge");
    one("onstage_messages_in_total", "Client messages received.", messages_in.load());
    one("onstage_messages_out_total", "Messages sent to clients.", messages_out.load());
    one("onstage_hand_raises_total", "Hands raised.", hand_raises.load());
    one("onstage_logins_total", "Successful logins.", logins.load());
    command_delivery.render(out, "onstage_command_delivery_seconds",
                            "From a command's arrival to its events being saved and queued to "
                            "every recipient's connection.");
    out +=
        "# HELP onstage_errors_total Errors returned to clients, by code.\n"
        "# TYPE onstage_errors_total counter\n";
    const std::lock_guard lock(mutex_);
    for (const auto& [code, n] : errors_) {
        out += fmt::format("onstage_errors_total{{code=\"{}\"}} {}\n", code, n);
    }
    return out;
}

}  // namespace onstage::api
