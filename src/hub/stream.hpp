// One participant's ordered stream of server events, read by every tab of that participant.
// Each event gets the next sequence number; the newest `resume_capacity` are kept so a tab that
// reconnects with since=N gets exactly what it missed. The buffer is allocated as events arrive
// (an idle stream holds no frames). Not thread-safe: EventHub calls it on its event's strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "hub/frame.hpp"
#include "hub/limits.hpp"
#include "hub/ring.hpp"

namespace onstage::hub {

class Stream {
public:
    // The first push gets seq start_after + 1. A stream that replaces a forgotten one starts
    // past every seq the old one gave out, so no old client's `since` can match it.
    explicit Stream(std::size_t resume_capacity = limits::kResumeEvents,
                    std::uint64_t start_after = 0);

    // Assigns and returns the event's seq (start_after + 1, + 2, …).
    std::uint64_t push(Payload payload);
    std::uint64_t last_seq() const { return last_seq_; }

    // Every frame with seq > since, oldest first (empty if since == last_seq()); nullopt if some
    // are no longer kept, or since > last_seq() (a client of another server life): the caller
    // then sends a snapshot.
    std::optional<std::vector<Frame>> frames_since(std::uint64_t since) const;

    std::size_t kept() const { return kept_.size(); }
    std::size_t resume_capacity() const { return kept_.bound(); }

private:
    // Only payloads are kept: their seqs are consecutive and end at last_seq_.
    Ring<Payload> kept_;
    std::uint64_t last_seq_;
};

}  // namespace onstage::hub
