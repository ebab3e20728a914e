#include "app/config.hpp"

#include <fmt/core.h>
#include <toml++/toml.h>
#include <boost/asio/ip/address.hpp>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <variant>

namespace onstage::app {
namespace {

namespace fs = std::filesystem;
using Value = std::variant<std::string, std::int64_t, bool>;

// Thrown while reading a layer; load_config turns it into its ConfigError, the one boundary.
struct ConfigFailure {
    ConfigError error;
};

[[noreturn]] void fail_with(std::string code, std::string message) {
    throw ConfigFailure{ConfigError{std::move(code), std::move(message)}};
}

enum class Kind { text, path, integer, boolean, choice, address, address_list, janus, port_range };

struct Setting {
    std::string_view section;  // empty: a top-level key
    std::string_view key;
    std::string_view env;
    std::string_view flag;
    Kind kind;
    std::int64_t min = 0;
    std::int64_t max = 0;
    std::string_view choices;  // Kind::choice: "a|b|c"
    std::string_view help;
    void (*apply)(Config&, const Value&) = nullptr;

    std::string name() const {
        return section.empty() ? std::string(key) : fmt::format("{}.{}", section, key);
    }
};

const std::string& text(const Value& v) {
    return std::get<std::string>(v);
}
std::int64_t number(const Value& v) {
    return std::get<std::int64_t>(v);
}
bool flag(const Value& v) {
    return std::get<bool>(v);
}
std::size_t byte_count(const Value& v) {
    return static_cast<std::size_t>(number(v));
}

// "10.0.0.1, ::1" → {"10.0.0.1", "::1"}; "" → {}.
std::vector<std::string> address_list(const std::string& t) {
    std::vector<std::string> out;
    std::string_view rest = t;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())) != 0) {
            item.remove_prefix(1);
        }
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())) != 0) {
            item.remove_suffix(1);
        }
        out.emplace_back(item);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    return out;
}

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = kKiB * 1024;

// The one table of settings. Ranges keep a typo (a missing unit, an extra zero) from starting a
// server that misbehaves hours later.
constexpr std::array kSettings{
    Setting{"", "data_dir", "ONSTAGE_DATA_DIR", "", Kind::path, 0, 0, "",
            "State directory (database, signing keys)",
            [](Config& c, const Value& v) { c.data_dir = text(v); }},
    Setting{"server", "bind", "ONSTAGE_BIND", "--bind", Kind::address, 0, 0, "",
            "Address to listen on",
            [](Config& c, const Value& v) { c.serve.bind_address = text(v); }},
    Setting{
        "server", "port", "ONSTAGE_PORT", "--port", Kind::integer, 0, 65535, "",
        "TCP port (0 picks a free one)",
        [](Config& c, const Value& v) { c.serve.port = static_cast<std::uint16_t>(number(v)); }},
    Setting{"server", "io_threads", "ONSTAGE_IO_THREADS", "--io-threads", Kind::integer, 0, 256, "",
            "I/O threads (0: one per core)",
            [](Config& c, const Value& v) { c.serve.io_threads = static_cast<int>(number(v)); }},
    Setting{"server", "trusted_proxies", "ONSTAGE_TRUSTED_PROXIES", "", Kind::address_list, 0, 0,
            "", "Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For is believed",
            [](Config& c, const Value& v) { c.serve.trusted_proxies = address_list(text(v)); }},
    Setting{"server", "web_root", "ONSTAGE_WEB_ROOT", "--web-root", Kind::path, 0, 0, "",
            "Directory of the built web apps",
            [](Config& c, const Value& v) { c.serve.web_root = text(v); }},
    Setting{"tls", "cert", "ONSTAGE_TLS_CERT", "--tls-cert", Kind::path, 0, 0, "",
            "PEM certificate chain: with --tls-key, serve HTTPS/WSS only",
            [](Config& c, const Value& v) { c.serve.tls.cert = text(v); }},
    Setting{"tls", "key", "ONSTAGE_TLS_KEY", "--tls-key", Kind::path, 0, 0, "",
            "PEM private key of --tls-cert",
            [](Config& c, const Value& v) { c.serve.tls.key = text(v); }},
    Setting{"admin", "token", "ONSTAGE_ADMIN_TOKEN", "", Kind::text, 0, 0, "",
            "Bearer token of the admin API",
            [](Config& c, const Value& v) {
                c.serve.admin_token = text(v);
                c.admin_token_file.clear();
            }},
    Setting{"admin", "token_file", "ONSTAGE_ADMIN_TOKEN_FILE", "--admin-token-file", Kind::path, 0,
            0, "", "File holding the admin API's bearer token",
            [](Config& c, const Value& v) {
                c.admin_token_file = text(v);
                c.serve.admin_token.clear();
            }},
    Setting{"limits", "invite_timeout_seconds", "ONSTAGE_INVITE_TIMEOUT_SECONDS", "", Kind::integer,
            5, 3600, "", "Unanswered interview invites expire after this",
            [](Config& c, const Value& v) { c.serve.limits.invite_timeout_ms = number(v) * 1000; }},
    Setting{"limits", "token_ttl_hours", "ONSTAGE_TOKEN_TTL_HOURS", "", Kind::integer, 1, 720, "",
            "Session tokens expire after this",
            [](Config& c, const Value& v) {
                c.serve.limits.token_ttl_ms = number(v) * 60 * 60 * 1000;
            }},
    Setting{"limits", "max_ws_message_bytes", "ONSTAGE_MAX_WS_MESSAGE_BYTES", "", Kind::integer,
            kKiB, kMiB, "", "Largest WebSocket message a client may send",
            [](Config& c, const Value& v) { c.serve.limits.max_ws_message_bytes = byte_count(v); }},
    Setting{"limits", "max_http_body_bytes", "ONSTAGE_MAX_HTTP_BODY_BYTES", "", Kind::integer, kKiB,
            16 * kMiB, "", "Largest HTTP request body (other than admin uploads)",
            [](Config& c, const Value& v) { c.serve.limits.max_http_body_bytes = byte_count(v); }},
    Setting{"limits", "max_upload_bytes", "ONSTAGE_MAX_UPLOAD_BYTES", "", Kind::integer, kKiB,
            1024 * kMiB, "", "Largest admin CSV upload",
            [](Config& c, const Value& v) { c.serve.limits.max_upload_bytes = byte_count(v); }},
    Setting{"log", "level", "ONSTAGE_LOG_LEVEL", "--log-level", Kind::choice, 0, 0,
            "trace|debug|info|warn|error", "Least severe log level printed",
            [](Config& c, const Value& v) { c.log_level = text(v); }},
    Setting{"log", "format", "ONSTAGE_LOG_FORMAT", "--log-format", Kind::choice, 0, 0, "text|json",
            "Log lines as text or one JSON object each",
            [](Config& c, const Value& v) { c.log_format = text(v); }},
    Setting{"media", "janus", "ONSTAGE_MEDIA_JANUS", "--media-janus", Kind::janus, 0, 0, "",
            "Janus for audio/video: spawn (run our own), off, or ws://host:port/ (external)",
            [](Config& c, const Value& v) { c.media.janus = text(v); }},
    Setting{"media", "janus_binary", "ONSTAGE_MEDIA_JANUS_BINARY", "", Kind::text, 0, 0, "",
            "The janus executable to spawn (looked up in PATH)",
            [](Config& c, const Value& v) { c.media.janus_binary = text(v); }},
    Setting{"media", "janus_admin_key", "ONSTAGE_MEDIA_JANUS_ADMIN_KEY", "", Kind::text, 0, 0, "",
            "An external Janus' VideoRoom admin_key",
            [](Config& c, const Value& v) { c.media.janus_admin_key = text(v); }},
    Setting{"media", "ice_interface", "ONSTAGE_MEDIA_ICE_INTERFACE", "", Kind::text, 0, 0, "",
            "The only network interface Janus gathers ICE candidates on",
            [](Config& c, const Value& v) { c.media.ice_interface = text(v); }},
    Setting{"media", "nat_1_1_mapping", "ONSTAGE_MEDIA_NAT_1_1_MAPPING", "", Kind::text, 0, 0, "",
            "Public IP address(es) of a 1:1 NAT in front of Janus",
            [](Config& c, const Value& v) { c.media.nat_1_1_mapping = text(v); }},
    Setting{"media", "rtp_port_range", "ONSTAGE_MEDIA_RTP_PORT_RANGE", "", Kind::port_range, 0, 0,
            "", "UDP ports Janus uses for media (min-max)",
            [](Config& c, const Value& v) { c.media.rtp_port_range = text(v); }},
    Setting{"broadcast", "hls_cookie_seconds", "ONSTAGE_BROADCAST_HLS_COOKIE_SECONDS", "",
            Kind::integer, 60, 604800, "", "Lifetime of a private event's HLS playback cookie",
            [](Config& c, const Value& v) {
                c.broadcast.hls_cookie_seconds = static_cast<int>(number(v));
            }},
    Setting{"broadcast", "hls_secret_file", "ONSTAGE_BROADCAST_HLS_SECRET_FILE", "", Kind::path, 0,
            0, "", "Secret of the HLS playback cookies (default: <data_dir>/hls.secret)",
            [](Config& c, const Value& v) { c.broadcast.hls_secret_file = text(v); }},
    Setting{"broadcast", "resolution", "ONSTAGE_BROADCAST_RESOLUTION", "", Kind::choice, 0, 0,
            "720p|1080p", "Size of the composed program (30 fps)",
            [](Config& c, const Value& v) { c.broadcast.resolution = text(v); }},
    Setting{"broadcast", "segment_seconds", "ONSTAGE_BROADCAST_SEGMENT_SECONDS", "", Kind::integer,
            1, 6, "", "HLS segment length; viewers lag about three segments behind",
            [](Config& c, const Value& v) {
                c.broadcast.segment_seconds = static_cast<int>(number(v));
            }},
    Setting{"broadcast", "playlist_segments", "ONSTAGE_BROADCAST_PLAYLIST_SEGMENTS", "",
            Kind::integer, 3, 60, "", "Segments a live HLS playlist lists (older ones are deleted)",
            [](Config& c, const Value& v) {
                c.broadcast.playlist_segments = static_cast<int>(number(v));
            }},
    Setting{"broadcast", "record", "ONSTAGE_BROADCAST_RECORD", "", Kind::boolean, 0, 0, "",
            "Record an MP4 when a start does not say (the moderators' start never says)",
            [](Config& c, const Value& v) { c.broadcast.record = flag(v); }},
    Setting{
        "broadcast", "video_kbps", "ONSTAGE_BROADCAST_VIDEO_KBPS", "", Kind::integer, 0, 20000, "",
        "H.264 bitrate of the program (0: 2500 at 720p, 4500 at 1080p)",
        [](Config& c, const Value& v) { c.broadcast.video_kbps = static_cast<int>(number(v)); }},
};

const Setting* find_setting(std::string_view section, std::string_view key) {
    for (const auto& s : kSettings) {
        if (s.section == section && s.key == key) {
            return &s;
        }
    }
    return nullptr;
}

const Setting* find_setting(std::string_view name) {
    for (const auto& s : kSettings) {
        if (s.name() == name) {
            return &s;
        }
    }
    return nullptr;
}

bool is_section(std::string_view name) {
    for (const auto& s : kSettings) {
        if (!s.section.empty() && s.section == name) {
            return true;
        }
    }
    return false;
}

void check_port_range(const std::string& t, const std::string& where) {
    const auto dash = t.find('-');
    int low = 0;
    int high = 0;
    const auto* end = t.data() + t.size();
    const bool parsed = dash != std::string::npos &&
                        std::from_chars(t.data(), t.data() + dash, low).ptr == t.data() + dash &&
                        std::from_chars(t.data() + dash + 1, end, high).ptr == end;
    constexpr int kLowest = 1024;
    constexpr int kHighest = 65535;
    if (!parsed || low < kLowest || high > kHighest || low >= high) {
        fail_with("config_bad_value",
                  fmt::format("{}: must be min-max with {} <= min < max <= {}, not '{}'", where,
                              kLowest, kHighest, t));
    }
}

// Checks a value against its setting's range or choices; `where` names its origin for the
// message ("onstage.toml:3:8: server.port" or "ONSTAGE_PORT").
void check_value(const Setting& s, const Value& v, const std::string& where) {
    if (s.kind == Kind::boolean) {
        return;  // both values are fine
    }
    if (s.kind == Kind::integer) {
        const auto n = number(v);
        if (n < s.min || n > s.max) {
            fail_with("config_bad_value",
                      fmt::format("{}: must be {}..{}, not {}", where, s.min, s.max, n));
        }
        return;
    }
    const std::string& t = text(v);
    if (s.kind == Kind::choice) {
        std::string_view rest = s.choices;
        while (!rest.empty()) {
            const auto bar = rest.find('|');
            if (rest.substr(0, bar) == t) {
                return;
            }
            rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
        }
        fail_with("config_bad_value",
                  fmt::format("{}: must be one of {}, not '{}'", where, s.choices, t));
    }
    if (s.kind == Kind::address) {
        boost::system::error_code ec;
        boost::asio::ip::make_address(t, ec);
        if (ec) {
            fail_with("config_bad_value",
                      fmt::format("{}: '{}' is not an IPv4 or IPv6 address", where, t));
        }
    }
    if (s.kind == Kind::address_list) {
        for (const auto& item : address_list(t)) {
            boost::system::error_code ec;
            boost::asio::ip::make_address(item, ec);
            if (ec) {
                fail_with("config_bad_value",
                          fmt::format("{}: '{}' is not an IPv4 or IPv6 address (a list is "
                                      "comma-separated)",
                                      where, item));
            }
        }
    }
    if (s.kind == Kind::janus && t != "spawn" && t != "off" && !t.starts_with("ws://")) {
        fail_with(
            "config_bad_value",
            fmt::format("{}: must be spawn, off or a ws://host:port/ URL, not '{}'", where, t));
    }
    if (s.kind == Kind::port_range) {
        check_port_range(t, where);
    }
    if (s.kind == Kind::path && t.empty()) {
        fail_with("config_bad_value", fmt::format("{}: must not be empty", where));
    }
}

// A value that arrived as text (environment, flags).
Value parse_text(const Setting& s, const std::string& raw, const std::string& where) {
    if (s.kind == Kind::boolean) {
        if (raw != "true" && raw != "false") {
            fail_with("config_wrong_type",
                      fmt::format("{}: must be true or false, not '{}'", where, raw));
        }
        return raw == "true";
    }
    if (s.kind != Kind::integer) {
        return raw;
    }
    std::int64_t n = 0;
    const auto* end = raw.data() + raw.size();
    const auto [ptr, ec] = std::from_chars(raw.data(), end, n);
    if (raw.empty() || ec != std::errc() || ptr != end) {
        fail_with("config_wrong_type", fmt::format("{}: must be an integer, not '{}'", where, raw));
    }
    return n;
}

// Both admin.token and admin.token_file in one layer: which one was meant is unclear.
void check_one_token_source(const std::set<std::string>& names, const std::string& where) {
    if (names.contains("admin.token") && names.contains("admin.token_file")) {
        fail_with("config_conflict",
                  fmt::format("{}: set admin.token or admin.token_file, not both", where));
    }
}

std::string file_position(const fs::path& file, const toml::source_region& at) {
    return fmt::format("{}:{}:{}", file.string(), at.begin.line, at.begin.column);
}

Value toml_value(const Setting& s, const toml::node& node, const std::string& where) {
    if (s.kind == Kind::integer) {
        if (const auto* n = node.as_integer()) {
            return n->get();
        }
        fail_with("config_wrong_type", fmt::format("{}: must be an integer", where));
    }
    if (s.kind == Kind::boolean) {
        if (const auto* b = node.as_boolean()) {
            return b->get();
        }
        fail_with("config_wrong_type", fmt::format("{}: must be true or false", where));
    }
    if (const auto* t = node.as_string()) {
        return t->get();
    }
    fail_with("config_wrong_type", fmt::format("{}: must be a string", where));
}

void apply_file_setting(Config& config, const fs::path& file, std::string_view section,
                        const toml::key& key, const toml::node& node, std::set<std::string>& seen) {
    const std::string name =
        section.empty() ? std::string(key.str()) : fmt::format("{}.{}", section, key.str());
    const std::string where = fmt::format("{}: {}", file_position(file, key.source()), name);
    const Setting* s = find_setting(section, key.str());
    if (s == nullptr) {
        fail_with("config_unknown_key", fmt::format("{}: unknown key", where));
    }
    Value v = toml_value(*s, node, where);
    check_value(*s, v, where);
    if (s->kind == Kind::path && !fs::path(text(v)).is_absolute()) {
        // Paths in the file are relative to the file, wherever the server is started from.
        v = (file.parent_path() / text(v)).lexically_normal().string();
    }
    s->apply(config, v);
    seen.insert(name);
}

// The whole file, or nullopt if it is missing, not a regular file, or unreadable.
std::optional<std::string> read_whole_file(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return std::nullopt;  // a directory opens fine but reads nothing
    }
    std::ifstream in(path, std::ios::binary);
    std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.is_open() || in.bad()) {
        return std::nullopt;
    }
    return content;
}

toml::table parse_toml(const fs::path& file) {
    const auto content = read_whole_file(file);
    if (!content) {
        fail_with("config_unreadable",
                  fmt::format("{}: cannot read the config file", file.string()));
    }
    try {
        return toml::parse(*content, file.string());
    } catch (const toml::parse_error& e) {
        fail_with("config_syntax",
                  fmt::format("{}: {}", file_position(file, e.source()), e.description()));
    }
}

std::string ice_text(const fs::path& file, const toml::node& node, const std::string& where) {
    if (const auto* t = node.as_string()) {
        return t->get();
    }
    fail_with("config_wrong_type",
              fmt::format("{}: {}: must be a string", file_position(file, node.source()), where));
}

IceServer ice_server(const fs::path& file, const toml::node& node, std::size_t index) {
    const std::string name = fmt::format("media.ice_servers[{}]", index);
    const auto* table = node.as_table();
    if (table == nullptr) {
        fail_with("config_wrong_type",
                  fmt::format("{}: {}: must be a table", file_position(file, node.source()), name));
    }
    IceServer server;
    for (const auto& [key, value] : *table) {
        const std::string where = fmt::format("{}.{}", name, key.str());
        if (key.str() == "username") {
            server.username = ice_text(file, value, where);
        } else if (key.str() == "credential") {
            server.credential = ice_text(file, value, where);
        } else if (key.str() == "urls") {
            const auto* urls = value.as_array();
            if (urls == nullptr) {
                fail_with("config_wrong_type",
                          fmt::format("{}: {}: must be an array of strings",
                                      file_position(file, value.source()), where));
            }
            for (const auto& url : *urls) {
                server.urls.push_back(ice_text(file, url, where));
            }
        } else {
            fail_with("config_unknown_key",
                      fmt::format("{}: {}: unknown key", file_position(file, key.source()), where));
        }
    }
    const std::string at = fmt::format("{}: {}", file_position(file, node.source()), name);
    if (server.urls.empty()) {
        fail_with("config_bad_value", fmt::format("{}: needs urls", at));
    }
    for (const auto& url : server.urls) {
        const bool turn = url.starts_with("turn:") || url.starts_with("turns:");
        if (!turn && !url.starts_with("stun:") && !url.starts_with("stuns:")) {
            fail_with("config_bad_value",
                      fmt::format("{}: '{}' is not a stun:, stuns:, turn: or turns: URL", at, url));
        }
        if (turn && (server.username.empty() || server.credential.empty())) {
            fail_with("config_bad_value",
                      fmt::format("{}: a TURN server needs username and credential", at));
        }
    }
    return server;
}

void apply_ice_servers(Config& config, const fs::path& file, const toml::node& node) {
    const auto* list = node.as_array();
    if (list == nullptr) {
        fail_with(
            "config_wrong_type",
            fmt::format("{}: media.ice_servers: must be an array of tables ([[media.ice_servers]])",
                        file_position(file, node.source())));
    }
    config.media.ice_servers.clear();
    for (std::size_t i = 0; i < list->size(); ++i) {
        config.media.ice_servers.push_back(ice_server(file, *list->get(i), i));
    }
}

void apply_file(Config& config, const fs::path& file) {
    const toml::table root = parse_toml(file);
    std::set<std::string> seen;
    for (const auto& [key, node] : root) {
        const auto* table = node.as_table();
        if (table == nullptr || !is_section(key.str())) {
            apply_file_setting(config, file, "", key, node, seen);
            continue;
        }
        for (const auto& [inner_key, inner_node] : *table) {
            if (key.str() == "media" && inner_key.str() == "ice_servers") {
                apply_ice_servers(config, file, inner_node);
                continue;
            }
            apply_file_setting(config, file, key.str(), inner_key, inner_node, seen);
        }
    }
    check_one_token_source(seen, file.string());
    config.file = file;
}

void apply_env(Config& config, const EnvLookup& env) {
    std::set<std::string> seen;
    for (const auto& s : kSettings) {
        const auto raw = env(std::string(s.env));
        if (!raw || raw->empty()) {
            continue;  // an empty variable counts as unset, as shells make that easy to do
        }
        const std::string where = fmt::format("environment variable {}", s.env);
        const Value v = parse_text(s, *raw, where);
        check_value(s, v, where);
        s.apply(config, v);
        seen.insert(s.name());
    }
    check_one_token_source(seen, "environment");
}

void apply_flags(Config& config, const std::map<std::string, std::string>& flags) {
    for (const auto& [name, raw] : flags) {
        const Setting* s = find_setting(name);
        if (s == nullptr) {
            fail_with("config_unknown_key", fmt::format("unknown setting '{}'", name));
        }
        const std::string where = s->flag.empty() ? name : std::string(s->flag);
        const Value v = parse_text(*s, raw, where);
        check_value(*s, v, where);
        s->apply(config, v);
    }
}

std::string read_token_file(const fs::path& path) {
    auto content = read_whole_file(path);
    if (!content) {
        fail_with("config_unreadable",
                  fmt::format("admin.token_file: cannot read {}", path.string()));
    }
    std::string token = std::move(*content);
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())) != 0) {
        token.pop_back();  // editors and `echo` add a final newline
    }
    return token;
}

// Cross-setting rules, checked once all layers are in.
void finish(Config& config) {
    if (!config.admin_token_file.empty()) {
        config.serve.admin_token = read_token_file(config.admin_token_file);
    }
    constexpr std::size_t kMinAdminTokenBytes = 16;
    if (!config.serve.admin_token.empty() &&
        config.serve.admin_token.size() < kMinAdminTokenBytes) {
        fail_with("config_bad_value",
                  fmt::format("admin token: must be at least {} characters", kMinAdminTokenBytes));
    }
    if (config.serve.tls.cert.empty() != config.serve.tls.key.empty()) {
        fail_with("config_bad_value", "tls.cert and tls.key must be set together");
    }
}

}  // namespace

EnvLookup process_environment() {
    return [](const std::string& name) -> std::optional<std::string> {
        // NOLINTNEXTLINE(concurrency-mt-unsafe): read once at start-up, before any thread
        const char* value = std::getenv(name.c_str());
        if (value == nullptr) {
            return std::nullopt;
        }
        return std::string(value);
    };
}

Result<Config, ConfigError> load_config(const ConfigSources& sources) {
    Config config;
    config.serve.web_root = fs::path(ONSTAGE_SOURCE_DIR) / "web" / "dist";
    try {
        fs::path file = sources.file;
        if (file.empty()) {
            if (const auto from_env = sources.env("ONSTAGE_CONFIG");
                from_env && !from_env->empty()) {
                file = *from_env;
            }
        }
        if (!file.empty()) {
            apply_file(config, file);
        }
        apply_env(config, sources.env);
        apply_flags(config, sources.flags);
        finish(config);
    } catch (const ConfigFailure& f) {
        return fail(f.error);
    }
    return config;
}

std::vector<SettingName> setting_names() {
    std::vector<SettingName> out;
    out.reserve(kSettings.size());
    for (const auto& s : kSettings) {
        out.push_back(SettingName{s.name(), s.env, s.flag, s.help});
    }
    return out;
}

}  // namespace onstage::app
