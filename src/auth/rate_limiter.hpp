// Counts failed logins per key (a participant id, or a client address) in a sliding window and
// locks the key out once it reaches the limit (shared/DESIGN.md §4). Bounded memory: at most
// max_keys keys are tracked; beyond that the stalest (least recently failed) are forgotten.
// Keys idle for longer than the window and the lockout are dropped as new failures arrive.
//
// Time is passed in by the caller (epoch ms), so tests and the server share one clock.
// Not thread-safe: the server owns one per strand.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"

namespace onstage::auth {

struct RateLimitPolicy {
    int max_failures = 5;                // the failure that reaches this count starts a lockout
    domain::TimeMs window_ms = 60'000;   // a failure counts for this long
    domain::TimeMs lockout_ms = 60'000;  // how long a locked key must wait
    std::size_t max_keys = 100'000;
};

class RateLimiter {
public:
    // Throws std::invalid_argument for a policy that could never allow or never lock (a limit,
    // window or key count below 1, or a negative lockout).
    explicit RateLimiter(RateLimitPolicy policy = {});

    // nullopt if the key may try now; else how long until it may (for Retry-After, rounded up
    // to whole seconds by the caller).
    std::optional<domain::TimeMs> retry_after(std::string_view key, domain::TimeMs now_ms) const;

    // A failure while the key is locked out is not counted: the caller refused that attempt
    // without checking it, and extending the lockout would let anyone who knows a participant
    // id keep them out indefinitely.
    void record_failure(std::string_view key, domain::TimeMs now_ms);

    void record_success(std::string_view key);  // forgets the key's failures

    std::size_t tracked_keys() const { return index_.size(); }

private:
    struct Entry {
        std::string key;
        std::vector<domain::TimeMs> failures;  // within the window, oldest first; < max_failures
        domain::TimeMs locked_until_ms = 0;
        domain::TimeMs last_failure_ms = 0;
    };
    using Recency = std::list<Entry>;  // most recently failed first

    bool idle(const Entry& entry, domain::TimeMs now_ms) const;
    void forget_idle_and_excess(domain::TimeMs now_ms);

    RateLimitPolicy policy_;
    Recency recency_;
    std::map<std::string, Recency::iterator, std::less<>> index_;
};

}  // namespace onstage::auth
