// `onstage serve`: HTTP/1.1 and the realtime WebSocket on one port (Boost.Beast), running on a
// small pool of I/O threads, with one store thread and one crypto thread beside them.
//
// Threading: serve() blocks the calling thread until SIGINT/SIGTERM and a drain.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/hls_settings.hpp"
#include "api/server_limits.hpp"
#include "store/store.hpp"

// Declared, not included (media/sfu.hpp, api/broadcast_runtime.hpp): the configuration code that
// fills ServeOptions then compiles, and lints, without Asio.
namespace onstage::media {
class Sfu;
}  // namespace onstage::media

namespace onstage::api {

struct BroadcastOptions;

// A PEM certificate chain and its private key. When both are set, the one port speaks only
// HTTPS and WSS.
struct TlsFiles {
    std::filesystem::path cert;
    std::filesystem::path key;
    bool enabled() const { return !cert.empty() && !key.empty(); }
};

struct ServeOptions {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 8080;       // 0 picks a free port; on_listening is told which
    int io_threads = 0;              // 0: one per core
    std::filesystem::path web_root;  // the built web apps (web/dist); empty: placeholders
    std::string admin_token;         // bearer token of the admin API; empty: admin API disabled
    // Reverse proxies whose X-Forwarded-For names the client (api/trusted_proxies.hpp).
    std::vector<std::string> trusted_proxies;
    TlsFiles tls;
    ServerLimits limits;
    HlsSettings hls;                      // secure_cookie is set from `tls`
    media::Sfu* sfu = nullptr;            // Janus (app/media_runtime); nullptr: media is off
    std::string ice_servers_json = "[]";  // RTCIceServer objects for the `media` plan
    // How events broadcast (app/media_runtime); nullptr: they cannot.
    std::shared_ptr<const BroadcastOptions> broadcast;
    // An event whose broadcast starts as soon as the server listens (`onstage demo`), or "".
    std::string start_broadcast_of;
    // Called once the socket listens, with the port actually bound (tests use port 0).
    std::function<void(const std::string& address, std::uint16_t port)> on_listening;
};

// Serves until SIGINT or SIGTERM, then drains: stops accepting, closes every WebSocket with
// 1001 (going away), lets the store finish what was queued, and returns 0. Returns non-zero if
// the address cannot be bound or the TLS certificate and key cannot be used (one error line on
// stderr, before anything listens).
int serve(const ServeOptions& options, std::unique_ptr<store::Store> store);

}  // namespace onstage::api
