// Routing of server events for ONE event: each participant has a Stream (seq numbers and a
// resume buffer) read by all of their connected tabs; a send pushes one shared payload into the
// addressed streams and hands the frame to their tabs. Sized for ~100k streams: a hash map by
// participant id, and per-role lists so a send to the moderators doesn't scan the attendees.
// Not thread-safe: the server calls every method on its event's strand only.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/event.hpp"
#include "domain/role.hpp"
#include "hub/frame.hpp"
#include "hub/limits.hpp"
#include "hub/listener.hpp"
#include "hub/stream.hpp"

namespace onstage::hub {

class EventHub {
public:
    // Streams number their events from first_seq_after + 1. A server passes a value above any
    // seq an earlier run of it can have given out (e.g. from the clock), so a tab reconnecting
    // after a restart with an old `since` gets a snapshot rather than the new run's frames.
    explicit EventHub(std::string event_id, std::size_t resume_capacity = limits::kResumeEvents,
                      std::uint64_t first_seq_after = 0);
    EventHub(const EventHub&) = delete;
    EventHub& operator=(const EventHub&) = delete;
    EventHub(EventHub&&) = default;  // map nodes keep their addresses, so role lists stay valid
    EventHub& operator=(EventHub&&) = default;
    ~EventHub() = default;

    const std::string& event_id() const { return event_id_; }

    // A tab connected: registers it for `participant_id` (role decides group sends) and returns
    // what it missed: the frames after `since` (empty if since == stream_seq), or nullopt if it
    // must be sent a snapshot tagged with stream_seq(participant_id), from which it continues.
    // since = 0 (a first connect) means a snapshot unless the stream is still empty.
    std::optional<std::vector<Frame>> attach(const std::string& participant_id, domain::Role role,
                                             std::weak_ptr<Listener> tab, std::uint64_t since,
                                             domain::TimeMs now_ms);
    // Also forgets tabs that were destroyed without detaching.
    void detach(const std::string& participant_id, const Listener* tab, domain::TimeMs now_ms);
    // The participant's last seq; 0 if they have no stream.
    std::uint64_t stream_seq(const std::string& participant_id) const;

    // Each send pushes the payload into every addressed stream and delivers the frame to the
    // streams' live tabs; it returns how many tabs were delivered to (for metrics).
    // send_to creates the stream if needed (its first attach then gets a snapshot).
    std::size_t send_to(const std::string& participant_id, const Payload& payload);
    // Everyone of that role who has a stream, i.e. attached at least once and not yet pruned;
    // the others get the state in their first snapshot.
    std::size_t send_to_role(domain::Role role, const Payload& payload);
    // Every stream, including those created by send_to for someone who never attached.
    std::size_t send_to_all(const Payload& payload);

    // Forgets streams with no tab for longer than ttl_ms (their clients will get a snapshot);
    // returns how many were dropped. Called from a timer. A stream that lost its tabs without a
    // detach (or never had one) starts its idle time at the first prune that sees it so.
    std::size_t prune_idle(domain::TimeMs now_ms, domain::TimeMs ttl_ms = limits::kIdleStreamTtlMs);

    // Tabs registered; one destroyed without detach counts until the hub next touches it.
    std::size_t connected_tabs() const { return tab_count_; }
    std::size_t streams() const { return streams_.size(); }

    // Bytes of one idle stream's bookkeeping inside its hash-map node (memory budget, metrics).
    static std::size_t stream_state_bytes();

private:
    static constexpr domain::TimeMs kNotSeenIdle = std::numeric_limits<domain::TimeMs>::min();
    static constexpr std::size_t kRoles = static_cast<std::size_t>(domain::Role::talent) + 1;

    struct StreamState {
        StreamState(std::size_t resume_capacity, std::uint64_t start_after)
            : stream(resume_capacity, start_after) {}

        Stream stream;
        std::vector<std::weak_ptr<Listener>> tabs;    // usually one: a participant's open tabs
        domain::TimeMs idle_since_ms = kNotSeenIdle;  // meaningful while tabs is empty
        std::uint32_t group_slot = 0;                 // index in groups_[*role]
        std::optional<domain::Role> role;             // unknown until the first attach
    };
    using Entry = std::unordered_map<std::string, StreamState>::value_type;

    Entry& find_or_create(const std::string& participant_id);
    void join_group(Entry& entry, domain::Role role);
    void leave_group(Entry& entry);
    void forget_expired_tabs(StreamState& state);
    std::size_t push_and_deliver(StreamState& state, const Payload& payload);

    std::string event_id_;
    std::size_t resume_capacity_;
    std::unordered_map<std::string, StreamState> streams_;
    std::array<std::vector<Entry*>, kRoles> groups_;  // node addresses are stable in the map
    std::size_t tab_count_ = 0;
    // Every seq a pruned stream gave out is below this; new streams start above it.
    std::uint64_t seq_floor_ = 0;
};

}  // namespace onstage::hub
