#include "api/server_context.hpp"

namespace onstage::api {

EventRegistry::EventRegistry(asio::io_context& ioc, StoreWorker& store, Metrics& metrics,
                             domain::TimeMs invite_timeout_ms, MediaSettings media)
    : ioc_(ioc),
      store_(store),
      metrics_(metrics),
      invite_timeout_ms_(invite_timeout_ms),
      media_(std::move(media)) {
    if (media_.sfu == nullptr) {
        return;
    }
    // One SFU serves every event: a reset concerns them all, a handle only its owner (each
    // runtime checks whether the handle is one of its own). The listener holds only the shared
    // list of weak runtimes, so an SFU event racing with shutdown touches nothing destroyed.
    media_.sfu->set_listener([list = media_listeners_](const media::SfuEvent& e) {
        std::vector<std::shared_ptr<EventRuntime>> runtimes;
        {
            const std::lock_guard lock(list->mutex);
            for (const auto& weak : list->runtimes) {
                if (auto runtime = weak.lock()) {
                    runtimes.push_back(std::move(runtime));
                }
            }
        }
        for (const auto& runtime : runtimes) {
            if (e.kind == media::SfuEvent::Kind::reset) {
                runtime->media_reset();
            } else if (e.kind == media::SfuEvent::Kind::hangup) {
                runtime->media_handle_gone(e.handle);
            }
        }
    });
}

EventRegistry::~EventRegistry() {
    if (media_.sfu != nullptr) {
        media_.sfu->set_listener({});
    }
}

asio::awaitable<std::shared_ptr<EventRuntime>> EventRegistry::get(std::string event_id) {
    {
        const std::lock_guard lock(mutex_);
        if (const auto it = events_.find(event_id); it != events_.end()) {
            co_return it->second;
        }
    }
    auto loaded =
        co_await EventRuntime::load(ioc_, store_, metrics_, event_id, invite_timeout_ms_, media_);
    if (!loaded) {
        co_return nullptr;
    }
    const std::lock_guard lock(mutex_);
    // Two first connections may load the same event at once: the first one stored wins.
    const auto [it, inserted] = events_.emplace(event_id, std::move(loaded));
    if (inserted) {
        ++metrics_.events_loaded;
        const std::lock_guard listeners(media_listeners_->mutex);
        media_listeners_->runtimes.push_back(it->second);
    }
    co_return it->second;
}

std::optional<domain::TimeMs> LoginThrottle::retry_after(const std::string& participant_key,
                                                         const std::string& address_key,
                                                         domain::TimeMs now) {
    const std::lock_guard lock(mutex_);
    const auto a = by_participant_.retry_after(participant_key, now);
    const auto b = by_address_.retry_after(address_key, now);
    if (!a && !b) {
        return std::nullopt;
    }
    return std::max(a.value_or(0), b.value_or(0));
}

void LoginThrottle::failed(const std::string& participant_key, const std::string& address_key,
                           domain::TimeMs now) {
    const std::lock_guard lock(mutex_);
    by_participant_.record_failure(participant_key, now);
    by_address_.record_failure(address_key, now);
}

void LoginThrottle::succeeded(const std::string& participant_key) {
    const std::lock_guard lock(mutex_);
    by_participant_.record_success(participant_key);
}

void SessionSet::add(const std::shared_ptr<WsSession>& s) {
    const std::lock_guard lock(mutex_);
    sessions_[s.get()] = s;
}

void SessionSet::remove(const WsSession* s) {
    const std::lock_guard lock(mutex_);
    sessions_.erase(s);
}

std::vector<std::shared_ptr<WsSession>> SessionSet::all() const {
    const std::lock_guard lock(mutex_);
    std::vector<std::shared_ptr<WsSession>> out;
    for (const auto& [ptr, weak] : sessions_) {
        if (auto s = weak.lock()) {
            out.push_back(std::move(s));
        }
    }
    return out;
}

}  // namespace onstage::api
