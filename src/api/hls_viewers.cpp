#include "api/hls_viewers.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "auth/base64url.hpp"
#include "auth/random.hpp"

namespace onstage::api {

std::string HlsViewers::viewer_key(std::string_view client_address, std::string_view user_agent,
                                   std::string_view cookie) {
    auth::ensure_sodium();
    std::array<std::uint8_t, 16> digest{};
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, digest.size());
    // Each part with its length first, so ("ab","c") and ("a","bc") differ.
    for (const std::string_view part : {client_address, user_agent, cookie}) {
        const auto size = static_cast<std::uint64_t>(part.size());
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libsodium takes bytes
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(&size),
                                  sizeof size);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): as above
        crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
    }
    crypto_generichash_final(&state, digest.data(), digest.size());
    return auth::base64url_encode(digest);
}

void HlsViewers::record(std::string_view event_id, std::string viewer_key, domain::TimeMs now) {
    const std::lock_guard lock(mutex_);
    if (now >= next_prune_) {
        prune(now);
        next_prune_ = now + kHlsViewerWindowMs;
    }
    auto it = events_.find(std::string(event_id));
    if (it == events_.end()) {
        it = events_.emplace(std::string(event_id), LastSeen{}).first;
    }
    auto& seen = it->second[std::move(viewer_key)];
    seen = std::max(seen, now);
}

std::size_t HlsViewers::viewers(std::string_view event_id, domain::TimeMs now) const {
    const std::lock_guard lock(mutex_);
    const auto it = events_.find(std::string(event_id));
    if (it == events_.end()) {
        return 0;
    }
    return static_cast<std::size_t>(
        std::count_if(it->second.begin(), it->second.end(), [now](const auto& entry) {
            return entry.second > now - kHlsViewerWindowMs && entry.second <= now;
        }));
}

std::vector<std::pair<std::string, std::size_t>> HlsViewers::all(domain::TimeMs now) const {
    std::vector<std::string> ids;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [id, seen] : events_) {
            ids.push_back(id);
        }
    }
    std::sort(ids.begin(), ids.end());
    std::vector<std::pair<std::string, std::size_t>> out;
    for (auto& id : ids) {
        const std::size_t n = viewers(id, now);
        if (n > 0) {
            out.emplace_back(std::move(id), n);
        }
    }
    return out;
}

// Forgets viewers gone for a whole window, and events nobody watches: memory follows the
// audience, not everyone who ever fetched a playlist.
void HlsViewers::prune(domain::TimeMs now) {
    for (auto it = events_.begin(); it != events_.end();) {
        std::erase_if(it->second, [now](const auto& entry) {
            return entry.second <= now - kHlsViewerWindowMs;
        });
        it = it->second.empty() ? events_.erase(it) : std::next(it);
    }
}

}  // namespace onstage::api
