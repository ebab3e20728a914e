// Memory sanity for 50,000+ idle connections (the target is ≤ 8 KiB RSS per connection): an idle
// stream and an idle outbox must cost only their bookkeeping. Measured with a counting global
// operator new, which this file installs for the whole unit_hub_tests binary (it only counts).
//
// Per-stream state on x86-64/libstdc++ (g++ 12): sizeof(Stream) = 32, EventHub's map entry
// (participant id string + StreamState) = 104; with the node's link and cached hash, the id's
// heap buffer (36-char UUID), one weak_ptr in the tab vector and the role-list slot, an idle
// attached stream allocated 221 bytes here (rehash garbage included). sizeof(Outbox) = 48.
// Neither holds a frame slot until a frame arrives.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "hub/event_hub.hpp"
#include "hub/outbox.hpp"
#include "hub/stream.hpp"

namespace {

std::atomic<std::size_t> g_bytes_allocated{0};

void* counted_alloc(std::size_t n) {
    g_bytes_allocated.fetch_add(n, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) {
        return p;
    }
    throw std::bad_alloc();
}

}  // namespace

void* operator new(std::size_t n) {
    return counted_alloc(n);
}
void* operator new[](std::size_t n) {
    return counted_alloc(n);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t /*n*/) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t /*n*/) noexcept {
    std::free(p);
}

namespace onstage::hub {
namespace {

constexpr domain::TimeMs kT0 = 1'700'000'000'000;

std::size_t allocated() {
    return g_bytes_allocated.load(std::memory_order_relaxed);
}

class CountingTab : public Listener {
public:
    void deliver(const Frame& frame) override {
        ++frames;
        last_seq = frame.seq;
    }
    std::size_t frames = 0;
    std::uint64_t last_seq = 0;
};

TEST(HubMemory, IdleStreamsAndOutboxesAllocateNothing) {
    const std::size_t before = allocated();
    {
        const Stream stream;
        const Outbox outbox;
        EXPECT_EQ(stream.kept(), 0U);
        EXPECT_TRUE(outbox.empty());
    }
    EXPECT_EQ(allocated() - before, 0U) << "no preallocated resume buffer or send queue";
    EXPECT_LE(sizeof(Stream), 32U);
    EXPECT_LE(sizeof(Outbox), 48U);
}

TEST(HubMemory, ADrainedOutboxGivesBackWhatABurstGrew) {
    Outbox outbox;
    for (std::uint64_t seq = 1; seq <= 500; ++seq) {
        ASSERT_TRUE(outbox.push(Frame{seq, make_payload("x")}));
    }
    while (outbox.start_write()) {
        outbox.finish_write();
    }
    const std::size_t before = allocated();
    // A full ring of 512 frames would be reused without allocating; a released one must
    // allocate again for the next frame (and only a small first block).
    ASSERT_TRUE(outbox.push(Frame{501, nullptr}));
    const std::size_t regrown = allocated() - before;
    EXPECT_GT(regrown, 0U);
    EXPECT_LE(regrown, 2 * sizeof(Frame) + sizeof(std::size_t));  // + new[]'s element count
}

TEST(HubMemory, HundredThousandIdleAttachedStreamsStaySmall) {
    constexpr std::size_t kStreams = 100'000;
    std::vector<std::string> ids;
    std::vector<std::shared_ptr<CountingTab>> tabs;
    ids.reserve(kStreams);
    tabs.reserve(kStreams);
    for (std::size_t i = 0; i < kStreams; ++i) {
        // UUID-length ids, as real participant ids are.
        ids.push_back("00000000-0000-4000-8000-" + std::to_string(100'000'000'000 + i));
        tabs.push_back(std::make_shared<CountingTab>());
    }

    EventHub hub("big-event");
    const std::size_t before = allocated();
    for (std::size_t i = 0; i < kStreams; ++i) {
        const auto role = i % 1000 == 0 ? domain::Role::moderator : domain::Role::attendee;
        ASSERT_TRUE(hub.attach(ids[i], role, tabs[i], 0, kT0).has_value());
    }
    const std::size_t per_stream = (allocated() - before) / kStreams;
    RecordProperty("bytes_allocated_per_idle_stream", std::to_string(per_stream));
    RecordProperty("stream_state_bytes", std::to_string(EventHub::stream_state_bytes()));
    EXPECT_EQ(hub.streams(), kStreams);
    EXPECT_EQ(hub.connected_tabs(), kStreams);
    // Everything attach allocated, rehash garbage included; a 256-frame preallocated buffer
    // alone would be 4 KiB.
    EXPECT_LE(per_stream, 400U);
    EXPECT_LE(EventHub::stream_state_bytes(), 128U);

    EXPECT_EQ(hub.send_to_role(domain::Role::moderator, make_payload("to staff")), 100U);
    EXPECT_EQ(hub.send_to_all(make_payload("to all")), kStreams);
    EXPECT_EQ(tabs[0]->last_seq, 2U);
    EXPECT_EQ(tabs[1]->last_seq, 1U);
    EXPECT_EQ(tabs[kStreams - 1]->frames, 1U);

    for (std::size_t i = 0; i < kStreams; ++i) {
        hub.detach(ids[i], tabs[i].get(), kT0);
    }
    EXPECT_EQ(hub.connected_tabs(), 0U);
    EXPECT_EQ(hub.prune_idle(kT0 + limits::kIdleStreamTtlMs + 1), kStreams);
    EXPECT_EQ(hub.streams(), 0U);
}

}  // namespace
}  // namespace onstage::hub
