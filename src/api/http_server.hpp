// The HTTP front of `onstage serve` (Boost.Beast on one io_context thread). For now it answers
// /healthz and serves a placeholder page for every app route; the realtime API and the web apps
// are mounted here next.
//
// Threading: serve() runs the io_context on the calling thread until SIGINT/SIGTERM.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace onstage::api {

struct ServeOptions {
    std::string bind_address = "127.0.0.1";
    std::uint16_t port = 8080;  // 0 picks a free port; on_listening is told which
    // Called once the socket listens, with the port actually bound (tests use port 0).
    std::function<void(const std::string& address, std::uint16_t port)> on_listening;
};

// Serves until SIGINT or SIGTERM, then stops and returns 0. Returns non-zero if the address
// cannot be bound.
int serve(const ServeOptions& options);

}  // namespace onstage::api
