// The server's settings: built-in defaults < config file (TOML) < environment (ONSTAGE_*) <
// command-line flags. Every key, its default and its variable are in docs/configuration.md.
//
// Pure apart from reading the config file and the admin token file: callers pass the
// environment in, so tests need not touch the process's own.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_server.hpp"
#include "domain/result.hpp"

namespace onstage::app {

// A STUN/TURN server handed to browsers verbatim (RTCIceServer).
struct IceServer {
    std::vector<std::string> urls;
    std::string username;
    std::string credential;
};

// [media]: where Janus comes from and what browsers need for ICE.
struct MediaConfig {
    std::string janus = "spawn";  // "spawn" | "off" | "ws://host:port/" (an external Janus)
    std::string janus_binary = "janus";
    std::string janus_admin_key;  // external Janus only: its VideoRoom admin_key
    std::string ice_interface;    // Janus gathers ICE candidates only on this interface
    std::string nat_1_1_mapping;  // public IP(s) Janus puts in its candidates
    std::string rtp_port_range = "20000-40000";
    std::vector<IceServer> ice_servers;
};

// [broadcast]: the live program (HLS, recording, RTMP) and who may play it back.
struct BroadcastSettings {
    // The secret behind private events' playback cookies; empty: <data_dir>/hls.secret, created
    // on the first serve (app/hls_secret.hpp).
    std::filesystem::path hls_secret_file;
    int hls_cookie_seconds = 43200;   // lifetime of an issued playback cookie
    std::string resolution = "720p";  // the program: 720p (1280x720) or 1080p (1920x1080), 30 fps
    int segment_seconds = 1;          // HLS segment length (and keyframe interval)
    int playlist_segments = 6;        // segments a live playlist lists
    int video_kbps = 0;               // H.264 bitrate; 0: 2500 at 720p, 4500 at 1080p
    bool record = false;              // an MP4 for a start that does not say (moderators' starts)
};

struct Config {
    std::filesystem::path data_dir = "onstage-data";
    std::filesystem::path file;  // the config file read, if any
    // bind, port, io_threads, web_root, admin token, TLS files and limits.
    api::ServeOptions serve;
    std::filesystem::path admin_token_file;  // read into serve.admin_token by load_config
    std::string log_level = "info";          // trace, debug, info, warn, error
    std::string log_format = "text";         // text, json
    MediaConfig media;
    BroadcastSettings broadcast;
};

// One line for the user: message already names the file:line:column or variable and the key.
struct ConfigError {
    std::string code;  // config_unreadable, config_syntax, config_unknown_key, config_wrong_type,
                       // config_bad_value, config_conflict
    std::string message;
};

// Looks up one environment variable; nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct ConfigSources {
    std::filesystem::path file;  // --config; if empty, $ONSTAGE_CONFIG; if that is unset, none
    EnvLookup env;
    // Values of command-line flags by setting name ("server.port"), checked like the
    // environment's (they arrive as text too).
    std::map<std::string, std::string> flags;
};

Result<Config, ConfigError> load_config(const ConfigSources& sources);

// What a setting is called where, for the CLI's flags and the docs.
struct SettingName {
    std::string name;  // "server.port", "data_dir"
    std::string_view env;
    std::string_view flag;  // "--port"; empty if the setting has no flag
    std::string_view help;
};
std::vector<SettingName> setting_names();

}  // namespace onstage::app
