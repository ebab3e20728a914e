// Who is watching the HLS program: players fetch index.m3u8 every segment or so, so the distinct
// players seen in the last kHlsViewerWindowMs are the audience. Only keys are kept (a hash of the
// client's address, User-Agent and playback cookie), never the address itself.
//
// Thread-safe: I/O threads record, anyone reads.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/event.hpp"

namespace onstage::api {

inline constexpr domain::TimeMs kHlsViewerWindowMs = 15'000;

class HlsViewers {
public:
    // The key of one player: the same inputs give the same key. `cookie` is the playback cookie
    // of a private event (empty for public ones): two people behind one address with the same
    // browser still count twice when they signed in separately.
    static std::string viewer_key(std::string_view client_address, std::string_view user_agent,
                                  std::string_view cookie);

    // A playlist request by `viewer_key` at `now`.
    void record(std::string_view event_id, std::string viewer_key, domain::TimeMs now);
    // Distinct viewers of `event_id` seen in (now - kHlsViewerWindowMs, now].
    std::size_t viewers(std::string_view event_id, domain::TimeMs now) const;
    // Every event with a viewer in the window, with its count, sorted by event id (/metrics).
    std::vector<std::pair<std::string, std::size_t>> all(domain::TimeMs now) const;

private:
    using LastSeen = std::unordered_map<std::string, domain::TimeMs>;  // key → last request
    void prune(domain::TimeMs now);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, LastSeen> events_;
    domain::TimeMs next_prune_ = 0;
};

}  // namespace onstage::api
