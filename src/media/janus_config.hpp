// The config directory onstage writes for the Janus it spawns (`janus -F <dir>`): only the
// VideoRoom plugin and the WebSockets transport load, the API listens on one loopback port, and
// the secrets are made up for this run. Pure apart from writing the files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace onstage::media {

struct JanusConfigOptions {
    std::filesystem::path dir;  // <data_dir>/janus
    std::uint16_t ws_port = 0;  // the API's loopback port, chosen by onstage
    std::string rtp_port_range = "20000-40000";
    std::string ice_interface;    // empty: Janus gathers on every interface
    std::string nat_1_1_mapping;  // empty: none
    std::string stun_server;      // "host:port" for Janus itself; empty: none
    int session_timeout_s = 45;   // a session without keepalives dies after this
    std::filesystem::path lib_dir = "/usr/lib/x86_64-linux-gnu/janus";
};

struct JanusSecrets {
    std::string admin_secret;  // Janus admin API (which no transport serves; set anyway)
    std::string admin_key;     // VideoRoom: needed to create rooms
};

// Random secrets (libsodium, hex).
JanusSecrets make_janus_secrets();

// Every shared object in lib_dir/<kind>/ ("plugins", "transports", "events", "loggers") except
// `keep`, as Janus' `disable` list wants it ("libjanus_a.so,libjanus_b.so").
std::string janus_disable_list(const std::filesystem::path& lib_dir, const std::string& kind,
                               const std::string& keep);

std::string janus_core_config(const JanusConfigOptions& options, const JanusSecrets& secrets);
std::string janus_videoroom_config(const JanusSecrets& secrets);
std::string janus_websockets_config(const JanusConfigOptions& options);

// Writes janus.jcfg, janus.plugin.videoroom.jcfg and janus.transport.websockets.jcfg into
// options.dir (created if missing, files mode 0600). Throws std::runtime_error on I/O failure.
void write_janus_config(const JanusConfigOptions& options, const JanusSecrets& secrets);

}  // namespace onstage::media
