#include "auth/rate_limiter.hpp"

#include <algorithm>
#include <stdexcept>

namespace onstage::auth {

RateLimiter::RateLimiter(RateLimitPolicy policy) : policy_(policy) {
    if (policy_.max_failures < 1 || policy_.window_ms < 1 || policy_.lockout_ms < 0 ||
        policy_.max_keys < 1) {
        throw std::invalid_argument(
            "rate limit policy needs max_failures, window_ms and "
            "max_keys >= 1 and lockout_ms >= 0");
    }
}

std::optional<domain::TimeMs> RateLimiter::retry_after(std::string_view key,
                                                       domain::TimeMs now_ms) const {
    const auto it = index_.find(key);
    if (it == index_.end() || it->second->locked_until_ms <= now_ms) {
        return std::nullopt;
    }
    return it->second->locked_until_ms - now_ms;
}

void RateLimiter::record_failure(std::string_view key, domain::TimeMs now_ms) {
    auto it = index_.find(key);
    if (it == index_.end()) {
        forget_idle_and_excess(now_ms);
        recency_.push_front(Entry{std::string(key), {}, 0, now_ms});
        it = index_.emplace(std::string(key), recency_.begin()).first;
    } else {
        recency_.splice(recency_.begin(), recency_, it->second);
    }
    Entry& entry = *it->second;
    entry.last_failure_ms = now_ms;
    if (entry.locked_until_ms > now_ms) {
        return;
    }
    const domain::TimeMs window_start = now_ms - policy_.window_ms;
    std::erase_if(entry.failures, [&](domain::TimeMs at) { return at <= window_start; });
    entry.failures.push_back(now_ms);
    if (entry.failures.size() >= static_cast<std::size_t>(policy_.max_failures)) {
        // The lockout replaces the counted failures: once it ends the key starts afresh.
        entry.locked_until_ms = now_ms + policy_.lockout_ms;
        entry.failures.clear();
    }
}

void RateLimiter::record_success(std::string_view key) {
    const auto it = index_.find(key);
    if (it == index_.end()) {
        return;
    }
    recency_.erase(it->second);
    index_.erase(it);
}

bool RateLimiter::idle(const Entry& entry, domain::TimeMs now_ms) const {
    return entry.locked_until_ms <= now_ms && entry.last_failure_ms <= now_ms - policy_.window_ms;
}

// Makes room for one more key. The list is in failure order, so the stalest entries are at its
// back: idle ones go first (they no longer matter), then, if the table is still full, the
// stalest live one. O(1) amortised: each entry is removed at most once.
void RateLimiter::forget_idle_and_excess(domain::TimeMs now_ms) {
    while (!recency_.empty() &&
           (idle(recency_.back(), now_ms) || index_.size() >= policy_.max_keys)) {
        index_.erase(recency_.back().key);
        recency_.pop_back();
    }
}

}  // namespace onstage::auth
