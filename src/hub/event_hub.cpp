#include "hub/event_hub.hpp"

#include <algorithm>
#include <utility>

namespace onstage::hub {
namespace {

std::size_t role_index(domain::Role role) {
    return static_cast<std::size_t>(role);
}

bool same_tab(const std::weak_ptr<Listener>& a, const std::weak_ptr<Listener>& b) {
    // Owner equivalence works for expired pointers too, unlike comparing lock().get().
    return !a.owner_before(b) && !b.owner_before(a);
}

}  // namespace

EventHub::EventHub(std::string event_id, std::size_t resume_capacity, std::uint64_t first_seq_after)
    : event_id_(std::move(event_id)),
      resume_capacity_(resume_capacity),
      seq_floor_(first_seq_after) {}

std::size_t EventHub::stream_state_bytes() {
    return sizeof(Entry);
}

EventHub::Entry& EventHub::find_or_create(const std::string& participant_id) {
    const auto [it, created] = streams_.try_emplace(participant_id, resume_capacity_, seq_floor_);
    return *it;
}

void EventHub::join_group(Entry& entry, domain::Role role) {
    StreamState& state = entry.second;
    if (state.role == role) {
        return;
    }
    leave_group(entry);
    auto& group = groups_[role_index(role)];
    group.push_back(&entry);
    state.group_slot = static_cast<std::uint32_t>(group.size() - 1);
    state.role = role;
}

void EventHub::leave_group(Entry& entry) {
    StreamState& state = entry.second;
    if (!state.role) {
        return;
    }
    // Swap-remove keeps leaving O(1); the moved member learns its new slot.
    auto& group = groups_[role_index(*state.role)];
    Entry* last = group.back();
    group[state.group_slot] = last;
    last->second.group_slot = state.group_slot;
    group.pop_back();
    state.role.reset();
}

void EventHub::forget_expired_tabs(StreamState& state) {
    const std::size_t gone =
        std::erase_if(state.tabs, [](const std::weak_ptr<Listener>& tab) { return tab.expired(); });
    tab_count_ -= gone;
}

std::optional<std::vector<Frame>> EventHub::attach(const std::string& participant_id,
                                                   domain::Role role, std::weak_ptr<Listener> tab,
                                                   std::uint64_t since, domain::TimeMs now_ms) {
    Entry& entry = find_or_create(participant_id);
    join_group(entry, role);
    StreamState& state = entry.second;
    forget_expired_tabs(state);
    const bool known = std::any_of(state.tabs.begin(), state.tabs.end(),
                                   [&tab](const auto& t) { return same_tab(t, tab); });
    if (!known && !tab.expired()) {
        state.tabs.push_back(std::move(tab));
        ++tab_count_;
    }
    if (state.tabs.empty()) {
        state.idle_since_ms = now_ms;  // only a tab that was already gone came to attach
    }
    if (since == 0) {
        // The stream holds changes, not state: a client with nothing needs the state first.
        if (state.stream.last_seq() != 0) {
            return std::nullopt;
        }
        return std::vector<Frame>{};
    }
    return state.stream.frames_since(since);
}

void EventHub::detach(const std::string& participant_id, const Listener* tab,
                      domain::TimeMs now_ms) {
    const auto it = streams_.find(participant_id);
    if (it == streams_.end()) {
        return;
    }
    StreamState& state = it->second;
    const std::size_t before = state.tabs.size();
    // Expired tabs go too: a session detaching from its destructor can no longer be locked.
    const std::size_t gone = std::erase_if(state.tabs, [tab](const std::weak_ptr<Listener>& t) {
        const auto live = t.lock();
        return !live || live.get() == tab;
    });
    tab_count_ -= gone;
    if (state.tabs.empty() && (before > 0 || state.idle_since_ms == kNotSeenIdle)) {
        state.idle_since_ms = now_ms;
    }
}

std::uint64_t EventHub::stream_seq(const std::string& participant_id) const {
    const auto it = streams_.find(participant_id);
    return it == streams_.end() ? 0 : it->second.stream.last_seq();
}

std::size_t EventHub::push_and_deliver(StreamState& state, const Payload& payload) {
    const Frame frame{state.stream.push(payload), payload};
    std::size_t delivered = 0;
    std::size_t kept = 0;
    auto& tabs = state.tabs;
    for (std::size_t i = 0; i < tabs.size(); ++i) {
        const auto tab = tabs[i].lock();
        if (!tab) {
            continue;  // destroyed without detach: pruned below
        }
        tab->deliver(frame);
        ++delivered;
        if (kept != i) {
            tabs[kept] = std::move(tabs[i]);
        }
        ++kept;
    }
    if (kept < tabs.size()) {
        tab_count_ -= tabs.size() - kept;
        tabs.resize(kept);
        if (tabs.empty()) {
            state.idle_since_ms = kNotSeenIdle;  // no clock here; the next prune starts it
        }
    }
    return delivered;
}

std::size_t EventHub::send_to(const std::string& participant_id, const Payload& payload) {
    return push_and_deliver(find_or_create(participant_id).second, payload);
}

std::size_t EventHub::send_to_role(domain::Role role, const Payload& payload) {
    std::size_t delivered = 0;
    for (Entry* entry : groups_[role_index(role)]) {
        delivered += push_and_deliver(entry->second, payload);
    }
    return delivered;
}

std::size_t EventHub::send_to_all(const Payload& payload) {
    std::size_t delivered = 0;
    for (auto& entry : streams_) {
        delivered += push_and_deliver(entry.second, payload);
    }
    return delivered;
}

std::size_t EventHub::prune_idle(domain::TimeMs now_ms, domain::TimeMs ttl_ms) {
    std::size_t dropped = 0;
    for (auto it = streams_.begin(); it != streams_.end();) {
        StreamState& state = it->second;
        forget_expired_tabs(state);
        if (!state.tabs.empty()) {
            ++it;
            continue;
        }
        if (state.idle_since_ms == kNotSeenIdle) {
            state.idle_since_ms = now_ms;
            ++it;
            continue;
        }
        if (now_ms - state.idle_since_ms <= ttl_ms) {
            ++it;
            continue;
        }
        seq_floor_ = std::max(seq_floor_, state.stream.last_seq() + 1);
        leave_group(*it);
        it = streams_.erase(it);
        ++dropped;
    }
    return dropped;
}

}  // namespace onstage::hub
