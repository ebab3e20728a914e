#include "hub/ring.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>

namespace onstage::hub {
namespace {

TEST(Ring, AllocatesNothingUntilTheFirstElement) {
    Ring<int> ring(256);
    EXPECT_EQ(ring.allocated(), 0U);
    ring.push_back(1);
    EXPECT_GT(ring.allocated(), 0U);
    EXPECT_LE(ring.allocated(), 2U);
}

TEST(Ring, GrowsNoFurtherThanItsBound) {
    Ring<int> ring(5);
    for (int i = 0; i < 5; ++i) {
        ring.push_back(i);
    }
    EXPECT_TRUE(ring.full());
    EXPECT_EQ(ring.allocated(), 5U);
    EXPECT_THROW(ring.push_back(5), std::logic_error);
}

TEST(Ring, KeepsFifoOrderWhenGrowingWhileWrapped) {
    Ring<int> ring(64);
    int next_in = 0;
    int next_out = 0;
    // Interleave so the head has moved before every growth.
    for (int round = 0; round < 40; ++round) {
        ring.push_back(next_in++);
        ring.push_back(next_in++);
        ASSERT_EQ(ring.front(), next_out);
        ring.pop_front();
        ++next_out;
    }
    ASSERT_EQ(ring.size(), static_cast<std::size_t>(next_in - next_out));
    for (std::size_t i = 0; i < ring.size(); ++i) {
        ASSERT_EQ(ring[i], next_out + static_cast<int>(i));
    }
}

TEST(Ring, PoppingReleasesTheElementAtOnce) {
    Ring<std::shared_ptr<int>> ring(4);
    auto value = std::make_shared<int>(7);
    ring.push_back(value);
    ring.pop_front();
    EXPECT_EQ(value.use_count(), 1) << "the ring no longer holds it";
    EXPECT_THROW(ring.pop_front(), std::logic_error);
}

TEST(Ring, ShrinksWhenEmptyOnlyAboveWhatItKeeps) {
    Ring<int> ring(64);
    for (int i = 0; i < 20; ++i) {
        ring.push_back(i);
    }
    ring.shrink_if_empty(2);
    EXPECT_GE(ring.allocated(), 20U) << "not empty: nothing given back";
    while (!ring.empty()) {
        ring.pop_front();
    }
    ring.shrink_if_empty(2);
    EXPECT_EQ(ring.allocated(), 0U);
    ring.push_back(1);
    ring.pop_front();
    ring.shrink_if_empty(2);
    EXPECT_EQ(ring.allocated(), 2U) << "a small buffer is kept for the next frame";
    ring.push_back(42);
    EXPECT_EQ(ring.front(), 42);
}

}  // namespace
}  // namespace onstage::hub
