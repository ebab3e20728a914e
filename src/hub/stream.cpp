#include "hub/stream.hpp"

#include <utility>

namespace onstage::hub {

Stream::Stream(std::size_t resume_capacity, std::uint64_t start_after)
    : kept_(resume_capacity), last_seq_(start_after) {}

std::uint64_t Stream::push(Payload payload) {
    ++last_seq_;
    if (kept_.bound() == 0) {
        return last_seq_;
    }
    if (kept_.full()) {
        kept_.pop_front();
    }
    kept_.push_back(std::move(payload));
    return last_seq_;
}

std::optional<std::vector<Frame>> Stream::frames_since(std::uint64_t since) const {
    if (since > last_seq_) {
        return std::nullopt;
    }
    const std::uint64_t missed = last_seq_ - since;
    if (missed > kept_.size()) {
        return std::nullopt;
    }
    const auto count = static_cast<std::size_t>(missed);
    std::vector<Frame> frames;
    frames.reserve(count);
    for (std::size_t i = kept_.size() - count; i < kept_.size(); ++i) {
        frames.push_back(Frame{since + 1 + frames.size(), kept_[i]});
    }
    return frames;
}

}  // namespace onstage::hub
