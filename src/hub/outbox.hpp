// A tab's send queue: exactly one write in flight, the rest queued behind it, bounded by frame
// count and bytes (the frame being written counts until finish_write). A tab that would pass a
// bound is to be closed as too slow, never allowed to grow memory. Frames share their payloads
// with every other recipient. Allocates only while frames are queued. Not thread-safe: the
// connection calls it on its own strand.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>

#include "hub/frame.hpp"
#include "hub/limits.hpp"
#include "hub/ring.hpp"

namespace onstage::hub {

class Outbox {
public:
    explicit Outbox(std::size_t max_frames = limits::kOutboxMaxFrames,
                    std::size_t max_bytes = limits::kOutboxMaxBytes);

    // false, and the frame is not queued, if it would pass either bound: the caller then closes
    // the connection as too slow. Once overflowed, every later push is refused too.
    bool push(Frame frame);
    bool overflowed() const { return overflowed_; }
    // New bounds for later pushes (e.g. once the connection is known to be a moderator's).
    void set_bounds(std::size_t max_frames, std::size_t max_bytes) {
        queue_.set_bound(max_frames);
        max_bytes_ = std::max(max_bytes, bytes_);
    }

    bool empty() const { return queue_.empty(); }
    std::size_t size() const { return queue_.size(); }
    std::size_t bytes() const { return bytes_; }

    // The next frame to write, marking a write in flight; nullopt if the queue is empty or a
    // write is already in flight.
    std::optional<Frame> start_write();
    // The in-flight frame is done (written or failed); it leaves the queue.
    void finish_write();
    bool writing() const { return writing_; }

private:
    Ring<Frame> queue_;
    std::size_t bytes_ = 0;
    std::size_t max_bytes_;
    bool writing_ = false;
    bool overflowed_ = false;
};

}  // namespace onstage::hub
