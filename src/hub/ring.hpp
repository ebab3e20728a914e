// A bounded FIFO that allocates nothing until its first element and then grows by doubling up
// to its bound. Streams and outboxes use it so that 50,000 idle connections cost only the
// objects themselves, not preallocated slots. Not thread-safe: its owner serialises access.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <utility>

namespace onstage::hub {

template <typename T>
class Ring {
public:
    // Bounds above this are clamped; 32-bit indices keep the object at 24 bytes.
    static constexpr std::size_t kMaxBound = std::size_t{1} << 30U;

    explicit Ring(std::size_t bound)
        : bound_(static_cast<std::uint32_t>(std::min(bound, kMaxBound))) {}

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    bool full() const { return size_ == bound_; }
    std::size_t bound() const { return bound_; }
    // A new bound, never below the current size (clamped to it).
    void set_bound(std::size_t bound) {
        bound_ =
            static_cast<std::uint32_t>(std::max<std::size_t>(size_, std::min(bound, kMaxBound)));
    }
    // Slots currently allocated (0 until the first push).
    std::size_t allocated() const { return slots_allocated_; }

    // i = 0 is the oldest element; i < size().
    const T& operator[](std::size_t i) const { return slots_[(head_ + i) % slots_allocated_]; }
    const T& front() const { return slots_[head_]; }

    void push_back(T value) {
        if (full()) {
            throw std::logic_error("Ring::push_back on a full ring");
        }
        if (size_ == slots_allocated_) {
            grow();
        }
        slots_[(head_ + size_) % slots_allocated_] = std::move(value);
        ++size_;
    }

    void pop_front() {
        if (empty()) {
            throw std::logic_error("Ring::pop_front on an empty ring");
        }
        slots_[head_] = T{};  // drop the element's resources now, not when the slot is reused
        head_ = (head_ + 1) % slots_allocated_;
        --size_;
    }

    // Gives the slots back when empty and more than `keep` are allocated, so a burst does not
    // pin memory on an idle owner while a steady trickle does not allocate for every element.
    void shrink_if_empty(std::size_t keep) {
        if (empty() && slots_allocated_ > keep) {
            slots_.reset();
            slots_allocated_ = 0;
            head_ = 0;
        }
    }

private:
    static constexpr std::uint32_t kFirstSlots = 2;

    void grow() {
        const std::uint32_t wanted = slots_allocated_ == 0 ? kFirstSlots : slots_allocated_ * 2U;
        const std::uint32_t slots = std::min(wanted, bound_);
        auto fresh = std::make_unique<T[]>(slots);
        for (std::uint32_t i = 0; i < size_; ++i) {
            fresh[i] = std::move(slots_[(head_ + i) % slots_allocated_]);
        }
        slots_ = std::move(fresh);
        slots_allocated_ = slots;
        head_ = 0;
    }

    std::unique_ptr<T[]> slots_;
    std::uint32_t slots_allocated_ = 0;
    std::uint32_t head_ = 0;
    std::uint32_t size_ = 0;
    std::uint32_t bound_;
};

}  // namespace onstage::hub
