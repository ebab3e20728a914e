#include "hub/outbox.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace onstage::hub {
namespace {

Frame frame(std::uint64_t seq, std::string text = "x") {
    return Frame{seq, make_payload(std::move(text))};
}

// Writes every queued frame, as a connection's writer loop would, returning their seqs.
std::vector<std::uint64_t> drain(Outbox& outbox) {
    std::vector<std::uint64_t> written;
    while (auto next = outbox.start_write()) {
        written.push_back(next->seq);
        outbox.finish_write();
    }
    return written;
}

TEST(Outbox, StartsEmptyWithNothingToWrite) {
    Outbox outbox;
    EXPECT_TRUE(outbox.empty());
    EXPECT_FALSE(outbox.writing());
    EXPECT_FALSE(outbox.start_write().has_value());
    EXPECT_FALSE(outbox.writing());
}

TEST(Outbox, KeepsExactlyOneWriteInFlight) {
    Outbox outbox;
    ASSERT_TRUE(outbox.push(frame(1)));
    ASSERT_TRUE(outbox.push(frame(2)));
    const auto first = outbox.start_write();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->seq, 1U);
    EXPECT_TRUE(outbox.writing());
    EXPECT_FALSE(outbox.start_write().has_value()) << "a second write while one is in flight";
    outbox.finish_write();
    EXPECT_FALSE(outbox.writing());
    const auto second = outbox.start_write();
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->seq, 2U);
}

TEST(Outbox, WritesInPushOrderWhilePushesAndWritesInterleave) {
    Outbox outbox(3);
    std::vector<std::uint64_t> written;
    std::uint64_t next_seq = 1;
    for (int round = 0; round < 20; ++round) {
        while (outbox.size() < 3) {
            ASSERT_TRUE(outbox.push(frame(next_seq++)));
        }
        for (int i = 0; i < 2; ++i) {
            const auto f = outbox.start_write();
            ASSERT_TRUE(f.has_value());
            written.push_back(f->seq);
            outbox.finish_write();
        }
    }
    for (const auto seq : drain(outbox)) {
        written.push_back(seq);
    }
    ASSERT_EQ(written.size(), next_seq - 1);
    for (std::size_t i = 0; i < written.size(); ++i) {
        ASSERT_EQ(written[i], i + 1) << "at position " << i;
    }
}

TEST(Outbox, RefusesAFrameBeyondTheFrameBoundAndStaysOverflowed) {
    Outbox outbox(3, 1'000'000);
    EXPECT_TRUE(outbox.push(frame(1)));
    EXPECT_TRUE(outbox.push(frame(2)));
    EXPECT_TRUE(outbox.push(frame(3)));
    EXPECT_FALSE(outbox.overflowed());
    EXPECT_FALSE(outbox.push(frame(4)));
    EXPECT_TRUE(outbox.overflowed());
    EXPECT_EQ(outbox.size(), 3U) << "the refused frame is not queued";

    EXPECT_EQ(drain(outbox), (std::vector<std::uint64_t>{1, 2, 3}));
    EXPECT_FALSE(outbox.push(frame(5))) << "a too-slow tab is closed, not given a second chance";
    EXPECT_TRUE(outbox.overflowed());
}

TEST(Outbox, WiderBoundsLetAStaffTabQueueABurst) {
    Outbox outbox(2, 1'000'000);
    EXPECT_TRUE(outbox.push(frame(1)));
    EXPECT_TRUE(outbox.push(frame(2)));
    outbox.set_bounds(4, 1'000'000);
    EXPECT_TRUE(outbox.push(frame(3)));
    EXPECT_TRUE(outbox.push(frame(4)));
    EXPECT_FALSE(outbox.push(frame(5)));
    EXPECT_EQ(drain(outbox), (std::vector<std::uint64_t>{1, 2, 3, 4}));
}

TEST(Outbox, NarrowerBoundsNeverDropWhatIsQueued) {
    Outbox outbox(4, 1'000'000);
    EXPECT_TRUE(outbox.push(frame(1)));
    EXPECT_TRUE(outbox.push(frame(2)));
    EXPECT_TRUE(outbox.push(frame(3)));
    outbox.set_bounds(1, 1);
    EXPECT_FALSE(outbox.push(frame(4)));
    EXPECT_EQ(drain(outbox), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(Outbox, TheFrameBeingWrittenCountsTowardTheBound) {
    Outbox outbox(2);
    ASSERT_TRUE(outbox.push(frame(1)));
    ASSERT_TRUE(outbox.push(frame(2)));
    ASSERT_TRUE(outbox.start_write().has_value());
    EXPECT_FALSE(outbox.push(frame(3)));
}

TEST(Outbox, RefusesAFrameBeyondTheByteBound) {
    Outbox outbox(100, 10);
    EXPECT_TRUE(outbox.push(frame(1, "12345")));
    EXPECT_TRUE(outbox.push(frame(2, "67890")));
    EXPECT_EQ(outbox.bytes(), 10U);
    EXPECT_FALSE(outbox.push(frame(3, "!")));
    EXPECT_TRUE(outbox.overflowed());
    EXPECT_EQ(outbox.size(), 2U);
    EXPECT_EQ(outbox.bytes(), 10U);
}

TEST(Outbox, ASingleFrameLargerThanTheByteBoundOverflows) {
    Outbox outbox(100, 4);
    EXPECT_FALSE(outbox.push(frame(1, "12345")));
    EXPECT_TRUE(outbox.overflowed());
    EXPECT_TRUE(outbox.empty());
}

TEST(Outbox, ByteAccountingReturnsToZeroWhenDrained) {
    Outbox outbox;
    ASSERT_TRUE(outbox.push(frame(1, "hello")));
    ASSERT_TRUE(outbox.push(frame(2, "world!")));
    ASSERT_TRUE(outbox.push(Frame{3, nullptr}));
    EXPECT_EQ(outbox.bytes(), 11U);
    ASSERT_TRUE(outbox.start_write().has_value());
    EXPECT_EQ(outbox.bytes(), 11U) << "the frame being written still holds its bytes";
    outbox.finish_write();
    EXPECT_EQ(outbox.bytes(), 6U);
    drain(outbox);
    EXPECT_EQ(outbox.bytes(), 0U);
    EXPECT_EQ(outbox.size(), 0U);
    EXPECT_TRUE(outbox.empty());
}

TEST(Outbox, HandsOutTheSharedPayloadNotACopy) {
    Outbox outbox;
    const Payload payload = make_payload("shared");
    ASSERT_TRUE(outbox.push(Frame{7, payload}));
    const auto f = outbox.start_write();
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->payload.get(), payload.get());
}

TEST(Outbox, FinishingAWriteThatWasNeverStartedIsABug) {
    Outbox outbox;
    ASSERT_TRUE(outbox.push(frame(1)));
    EXPECT_THROW(outbox.finish_write(), std::logic_error);
}

}  // namespace
}  // namespace onstage::hub
