// What every connection of `onstage serve` shares: the I/O context, the store thread, token
// signing, login throttling, the live events and the counters behind /metrics.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "api/event_runtime.hpp"
#include "api/hls_settings.hpp"
#include "api/hls_viewers.hpp"
#include "api/metrics.hpp"
#include "api/server_limits.hpp"
#include "api/static_files.hpp"
#include "api/store_worker.hpp"
#include "api/trusted_proxies.hpp"
#include "auth/rate_limiter.hpp"
#include "auth/session_token.hpp"
#include "media/sfu.hpp"

namespace onstage::api {

// Loaded events, created on first use. Thread-safe.
class EventRegistry {
public:
    EventRegistry(asio::io_context& ioc, StoreWorker& store, Metrics& metrics,
                  domain::TimeMs invite_timeout_ms, MediaSettings media = {});
    ~EventRegistry();
    EventRegistry(const EventRegistry&) = delete;
    EventRegistry& operator=(const EventRegistry&) = delete;
    // nullptr if the event does not exist.
    asio::awaitable<std::shared_ptr<EventRuntime>> get(std::string event_id);

private:
    asio::io_context& ioc_;
    StoreWorker& store_;
    Metrics& metrics_;
    domain::TimeMs invite_timeout_ms_;
    MediaSettings media_;
    struct MediaListeners {
        std::mutex mutex;
        std::vector<std::weak_ptr<EventRuntime>> runtimes;
    };
    std::shared_ptr<MediaListeners> media_listeners_ = std::make_shared<MediaListeners>();
    mutable std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<EventRuntime>> events_;
};

// Failed logins, per participant and per client address. Thread-safe.
class LoginThrottle {
public:
    // nullopt if both keys may try now; else milliseconds until they may.
    std::optional<domain::TimeMs> retry_after(const std::string& participant_key,
                                              const std::string& address_key, domain::TimeMs now);
    void failed(const std::string& participant_key, const std::string& address_key,
                domain::TimeMs now);
    void succeeded(const std::string& participant_key);

private:
    std::mutex mutex_;
    auth::RateLimiter by_participant_;
    auth::RateLimiter by_address_;
};

class WsSession;

// Live WebSocket sessions, so a shutdown can close each with 1001. Thread-safe.
class SessionSet {
public:
    void add(const std::shared_ptr<WsSession>& s);
    void remove(const WsSession* s);
    std::vector<std::shared_ptr<WsSession>> all() const;

private:
    mutable std::mutex mutex_;
    std::map<const WsSession*, std::weak_ptr<WsSession>> sessions_;
};

struct ServerContext {
    asio::io_context& ioc;
    StoreWorker& store;
    const auth::TokenSigner& signer;
    EventRegistry& events;
    LoginThrottle& logins;
    asio::thread_pool& crypto;  // Argon2id checks: never on an I/O thread
    Metrics& metrics;
    SessionSet& sessions;
    const StaticFiles& web;
    const HlsSettings& hls;
    HlsViewers& hls_viewers;
    asio::thread_pool& files;  // HLS file reads: never on an I/O thread
    ServerLimits limits;
    std::string admin_token;  // empty: the admin API answers 404
    TrustedProxies trusted_proxies;
    std::atomic<bool> draining{false};
};

}  // namespace onstage::api
