#include "hub/stream.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace onstage::hub {
namespace {

std::vector<std::uint64_t> seqs(const std::vector<Frame>& frames) {
    std::vector<std::uint64_t> out;
    out.reserve(frames.size());
    for (const auto& f : frames) {
        out.push_back(f.seq);
    }
    return out;
}

std::vector<std::string> texts(const std::vector<Frame>& frames) {
    std::vector<std::string> out;
    out.reserve(frames.size());
    for (const auto& f : frames) {
        out.push_back(*f.payload);
    }
    return out;
}

// Pushes events "e<first>" … "e<last>".
void push_events(Stream& stream, int first, int last) {
    for (int i = first; i <= last; ++i) {
        stream.push(make_payload("e" + std::to_string(i)));
    }
}

TEST(Stream, NumbersEventsFromOne) {
    Stream stream;
    EXPECT_EQ(stream.last_seq(), 0U);
    EXPECT_EQ(stream.push(make_payload("a")), 1U);
    EXPECT_EQ(stream.push(make_payload("b")), 2U);
    EXPECT_EQ(stream.push(make_payload("c")), 3U);
    EXPECT_EQ(stream.last_seq(), 3U);
}

TEST(Stream, FramesSinceGivesExactlyTheNewerFramesOldestFirst) {
    Stream stream;
    push_events(stream, 1, 5);
    const auto missed = stream.frames_since(2);
    ASSERT_TRUE(missed.has_value());
    EXPECT_EQ(seqs(*missed), (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(texts(*missed), (std::vector<std::string>{"e3", "e4", "e5"}));

    const auto all = stream.frames_since(0);
    ASSERT_TRUE(all.has_value());
    EXPECT_EQ(seqs(*all), (std::vector<std::uint64_t>{1, 2, 3, 4, 5}));
}

TEST(Stream, SinceEqualToLastSeqIsUpToDate) {
    Stream fresh;
    ASSERT_TRUE(fresh.frames_since(0).has_value());
    EXPECT_TRUE(fresh.frames_since(0)->empty());

    Stream stream;
    push_events(stream, 1, 3);
    const auto none = stream.frames_since(3);
    ASSERT_TRUE(none.has_value());
    EXPECT_TRUE(none->empty());
}

TEST(Stream, SinceBeyondLastSeqMeansSnapshot) {
    Stream stream;
    push_events(stream, 1, 3);
    EXPECT_FALSE(stream.frames_since(4).has_value());
    EXPECT_FALSE(Stream().frames_since(1).has_value()) << "a client from another server life";
}

TEST(Stream, SinceOlderThanTheResumeBufferMeansSnapshot) {
    Stream stream(4);
    push_events(stream, 1, 10);
    EXPECT_EQ(stream.kept(), 4U);
    const auto oldest_kept = stream.frames_since(6);
    ASSERT_TRUE(oldest_kept.has_value());
    EXPECT_EQ(seqs(*oldest_kept), (std::vector<std::uint64_t>{7, 8, 9, 10}));
    EXPECT_EQ(texts(*oldest_kept), (std::vector<std::string>{"e7", "e8", "e9", "e10"}));
    EXPECT_FALSE(stream.frames_since(5).has_value()) << "frame 6 was already dropped";
    EXPECT_FALSE(stream.frames_since(0).has_value());
}

TEST(Stream, DefaultResumeBufferKeepsTheLast256Events) {
    Stream stream;
    push_events(stream, 1, 300);
    const auto missed = stream.frames_since(300 - 256);
    ASSERT_TRUE(missed.has_value());
    ASSERT_EQ(missed->size(), 256U);
    EXPECT_EQ(missed->front().seq, 45U);
    EXPECT_EQ(*missed->front().payload, "e45");
    EXPECT_EQ(*missed->back().payload, "e300");
    EXPECT_FALSE(stream.frames_since(300 - 257).has_value());
}

TEST(Stream, OddCapacityKeepsOrderAcrossManyWrapArounds) {
    Stream stream(5);
    push_events(stream, 1, 23);
    const auto missed = stream.frames_since(18);
    ASSERT_TRUE(missed.has_value());
    EXPECT_EQ(seqs(*missed), (std::vector<std::uint64_t>{19, 20, 21, 22, 23}));
    EXPECT_EQ(texts(*missed), (std::vector<std::string>{"e19", "e20", "e21", "e22", "e23"}));
}

TEST(Stream, WithoutResumeBufferOnlyAnUpToDateClientAvoidsASnapshot) {
    Stream stream(0);
    push_events(stream, 1, 3);
    EXPECT_EQ(stream.last_seq(), 3U);
    EXPECT_TRUE(stream.frames_since(3).has_value());
    EXPECT_FALSE(stream.frames_since(2).has_value());
}

TEST(Stream, StartingAfterASeqNeverServesAClientOfTheOldRange) {
    Stream stream(8, 10);
    EXPECT_EQ(stream.last_seq(), 10U);
    EXPECT_EQ(stream.push(make_payload("x")), 11U);
    const auto missed = stream.frames_since(10);
    ASSERT_TRUE(missed.has_value());
    EXPECT_EQ(seqs(*missed), (std::vector<std::uint64_t>{11}));
    EXPECT_FALSE(stream.frames_since(9).has_value());
}

TEST(Stream, ResumedFramesShareThePushedPayload) {
    Stream stream;
    const Payload payload = make_payload(R"({"type":"stage"})");
    stream.push(payload);
    const auto missed = stream.frames_since(0);
    ASSERT_TRUE(missed.has_value());
    ASSERT_EQ(missed->size(), 1U);
    EXPECT_EQ(missed->front().payload.get(), payload.get());
}

}  // namespace
}  // namespace onstage::hub
