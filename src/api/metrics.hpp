// The counters, gauges and histograms behind /metrics (Prometheus text format 0.0.4).
// Everything here is thread-safe: I/O threads, runtime strands and the store thread update it.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace onstage::api {

// A latency histogram with fixed buckets from 0.25 ms to 1 s. Lock-free: each observation is
// three relaxed atomic adds.
class LatencyHistogram {
public:
    // Upper bounds of the buckets, in microseconds (the last bucket, +Inf, is implicit).
    static constexpr std::array<std::int64_t, 12> kBoundsUs{250,     500,     1'000,   2'500,
                                                            5'000,   10'000,  25'000,  50'000,
                                                            100'000, 250'000, 500'000, 1'000'000};

    void observe(std::chrono::microseconds latency);
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }
    // Appends `name_bucket{le=…}`, `name_sum` and `name_count` lines (seconds).
    void render(std::string& out, std::string_view name, std::string_view help) const;

private:
    std::array<std::atomic<std::uint64_t>, kBoundsUs.size() + 1> buckets_{};  // not cumulative
    std::atomic<std::uint64_t> sum_us_{0};
    std::atomic<std::uint64_t> count_{0};
};

class Metrics {
public:
    std::atomic<std::uint64_t> connections_total{0};
    std::atomic<std::int64_t> connections_open{0};
    std::atomic<std::int64_t> tabs_attached{0};  // connections past a good hello
    std::atomic<std::int64_t> events_loaded{0};
    std::atomic<std::uint64_t> messages_in{0};
    std::atomic<std::uint64_t> messages_out{0};
    std::atomic<std::uint64_t> hand_raises{0};
    std::atomic<std::uint64_t> logins{0};
    // A command's arrival → its resulting events persisted and queued to every recipient.
    LatencyHistogram command_delivery;

    void count_error(const std::string& code);
    std::string render() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> errors_;
};

}  // namespace onstage::api
