// The server's tunable limits in one place. Defaults here; `onstage serve` takes them from the
// config file, environment and flags (docs/configuration.md).
#pragma once

#include <cstddef>

#include "api/protocol.hpp"
#include "domain/limits.hpp"

namespace onstage::api {

struct ServerLimits {
    domain::TimeMs token_ttl_ms = 12LL * 60 * 60 * 1000;  // one event day
    domain::TimeMs invite_timeout_ms = domain::limits::kDefaultInviteTimeoutMs;
    domain::TimeMs hello_timeout_ms = protocol::kHelloTimeoutMs;
    std::size_t max_ws_message_bytes = protocol::kMaxClientFrameBytes;
    std::size_t max_http_body_bytes = std::size_t{64} * 1024;
    // Admin CSV uploads (rosters) may be far larger than any other request body.
    std::size_t max_upload_bytes = std::size_t{32} * 1024 * 1024;
};

}  // namespace onstage::api
