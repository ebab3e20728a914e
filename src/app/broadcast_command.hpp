// `onstage broadcast start|stop|status EVENT` and `onstage broadcast targets list|add|remove
// EVENT …`: a client of a running server's admin API (docs/openapi.yaml), authenticated with the
// admin token of the same configuration `serve` reads (admin.token / admin.token_file). The
// server URL defaults to the configured listen address (127.0.0.1 when it listens on every
// address; https when TLS is configured). Errors: one line "onstage: error: <message> [<code>]"
// with server_unreachable, admin_api_off, bad_server_url, bad_input, or the server's own code.
#pragma once

#include <cstdint>
#include <string>

#include "app/config.hpp"

namespace onstage::app {

enum class BroadcastAction : std::uint8_t {
    start,
    stop,
    status,
    targets_list,
    targets_add,
    targets_remove,
};

struct BroadcastOptions {
    BroadcastAction action = BroadcastAction::status;
    std::string event_id;
    std::string server;  // --server: http(s)://host[:port]; empty: from the configuration
    bool json = false;   // print the server's JSON instead of text
    // start: --record / --no-record; neither: the server's broadcast.record decides.
    bool record = false;
    bool no_record = false;
    // targets add: the name, and where the URL (with its stream key) is read from: a file, or
    // stdin when empty. Never from argv, where other users and shell history would see the key.
    std::string target_name;
    std::string url_file;
    std::string target_id;  // targets remove
};

int broadcast_command(const Config& config, const BroadcastOptions& options);

// The URL the CLI calls by default for `serve` settings: "http://127.0.0.1:8080" for the
// defaults; an any-address bind becomes loopback; IPv6 hosts get brackets.
std::string default_server_url(const api::ServeOptions& serve);

}  // namespace onstage::app
