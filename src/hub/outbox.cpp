#include "hub/outbox.hpp"

#include <stdexcept>
#include <utility>

namespace onstage::hub {
namespace {

// An idle outbox keeps room for two frames (48 bytes) so one-at-a-time traffic doesn't allocate
// per frame; anything a burst grew beyond that is given back.
constexpr std::size_t kKeepSlots = 2;

}  // namespace

Outbox::Outbox(std::size_t max_frames, std::size_t max_bytes)
    : queue_(max_frames), max_bytes_(max_bytes) {}

bool Outbox::push(Frame frame) {
    if (overflowed_) {
        return false;
    }
    const std::size_t n = payload_bytes(frame.payload);
    if (queue_.full() || n > max_bytes_ - bytes_) {
        overflowed_ = true;
        return false;
    }
    bytes_ += n;
    queue_.push_back(std::move(frame));
    return true;
}

std::optional<Frame> Outbox::start_write() {
    if (writing_ || queue_.empty()) {
        return std::nullopt;
    }
    writing_ = true;
    return queue_.front();
}

void Outbox::finish_write() {
    if (!writing_) {
        // A second completion for one write is a bug in the connection, not untrusted input.
        throw std::logic_error("Outbox::finish_write without a write in flight");
    }
    writing_ = false;
    bytes_ -= payload_bytes(queue_.front().payload);
    queue_.pop_front();
    queue_.shrink_if_empty(kKeepSlots);
}

}  // namespace onstage::hub
