#include "media/janus_config.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <stdexcept>

namespace onstage::media {
namespace {

namespace fs = std::filesystem;

std::string random_hex(std::size_t bytes) {
    if (sodium_init() < 0) {
        throw std::runtime_error("libsodium failed to initialise");
    }
    std::vector<unsigned char> raw(bytes);
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
    hex.pop_back();
    return hex;
}

// libconfig string: our values are hex, numbers, names and addresses, but never trust that.
std::string quoted(const std::string& value) {
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

void write_file(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace

JanusSecrets make_janus_secrets() {
    constexpr std::size_t kSecretBytes = 24;
    return JanusSecrets{random_hex(kSecretBytes), random_hex(kSecretBytes)};
}

std::string janus_disable_list(const fs::path& lib_dir, const std::string& kind,
                               const std::string& keep) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(lib_dir / kind, ec)) {
        const std::string name = entry.path().filename().string();
        // Janus loads only files ending in ".so" (the versioned links are skipped by it too).
        if (name.size() > 3 && name.ends_with(".so") && name != keep) {
            names.push_back(name);
        }
    }
    std::sort(names.begin(), names.end());
    std::string list;
    for (const auto& n : names) {
        list += (list.empty() ? "" : ",") + n;
    }
    return list;
}

std::string janus_core_config(const JanusConfigOptions& o, const JanusSecrets& secrets) {
    const std::string lib = o.lib_dir.string();
    std::string nat = "\tice_ignore_list = \"vmnet\"\n";
    if (!o.ice_interface.empty()) {
        nat += fmt::format("\tice_enforce_list = {}\n", quoted(o.ice_interface));
    }
    if (!o.nat_1_1_mapping.empty()) {
        nat += fmt::format("\tnat_1_1_mapping = {}\n", quoted(o.nat_1_1_mapping));
    }
    if (!o.stun_server.empty()) {
        const auto colon = o.stun_server.rfind(':');
        const std::string host = o.stun_server.substr(0, colon);
        const std::string port =
            colon == std::string::npos ? "3478" : o.stun_server.substr(colon + 1);
        nat += fmt::format("\tstun_server = {}\n\tstun_port = {}\n", quoted(host), port);
    }
    return fmt::format(
        "# Written by onstage for the Janus it runs; rewritten at every start.\n"
        "general: {{\n"
        "\tconfigs_folder = {}\n"
        "\tplugins_folder = {}\n"
        "\ttransports_folder = {}\n"
        "\tevents_folder = {}\n"
        "\tloggers_folder = {}\n"
        "\tdebug_level = 4\n"
        "\tadmin_secret = {}\n"
        "\tsession_timeout = {}\n"
        "\tserver_name = \"onstage\"\n"
        "\tprotected_folders = [\"/bin\", \"/boot\", \"/dev\", \"/etc\", \"/lib\", \"/proc\", "
        "\"/sbin\", \"/sys\", \"/usr\", \"/var\"]\n"
        "}}\n"
        "certificates: {{\n}}\n"
        "media: {{\n\tipv6 = false\n\trtp_port_range = {}\n}}\n"
        "nat: {{\n{}}}\n"
        "plugins: {{\n\tdisable = {}\n}}\n"
        "transports: {{\n\tdisable = {}\n}}\n"
        "loggers: {{\n\tdisable = {}\n}}\n"
        "events: {{\n\tbroadcast = false\n\tdisable = {}\n}}\n",
        quoted(o.dir.string()), quoted(lib + "/plugins"), quoted(lib + "/transports"),
        quoted(lib + "/events"), quoted(lib + "/loggers"), quoted(secrets.admin_secret),
        o.session_timeout_s, quoted(o.rtp_port_range), nat,
        quoted(janus_disable_list(o.lib_dir, "plugins", "libjanus_videoroom.so")),
        quoted(janus_disable_list(o.lib_dir, "transports", "libjanus_websockets.so")),
        quoted(janus_disable_list(o.lib_dir, "loggers", "")),
        quoted(janus_disable_list(o.lib_dir, "events", "")));
}

std::string janus_videoroom_config(const JanusSecrets& secrets) {
    // No stock rooms: onstage creates every room itself, with a secret only it knows.
    return fmt::format(
        "# Written by onstage; rooms are created by onstage at run time.\n"
        "general: {{\n"
        "\tadmin_key = {}\n"
        "\tlock_rtp_forward = true\n"
        "\tstring_ids = false\n"
        "\tevents = false\n"
        "}}\n",
        quoted(secrets.admin_key));
}

std::string janus_websockets_config(const JanusConfigOptions& o) {
    return fmt::format(
        "# Written by onstage: the Janus API on one loopback port, nothing else.\n"
        "general: {{\n"
        "\tjson = \"compact\"\n"
        "\tws = true\n"
        "\tws_port = {}\n"
        "\tws_ip = \"127.0.0.1\"\n"
        "\tws_acl = \"127.\"\n"
        "\twss = false\n"
        "}}\n"
        "admin: {{\n"
        "\tadmin_ws = false\n"
        "\tadmin_wss = false\n"
        "}}\n",
        o.ws_port);
}

void write_janus_config(const JanusConfigOptions& options, const JanusSecrets& secrets) {
    std::error_code ec;
    fs::create_directories(options.dir, ec);
    if (ec) {
        throw std::runtime_error("cannot create " + options.dir.string() + ": " + ec.message());
    }
    write_file(options.dir / "janus.jcfg", janus_core_config(options, secrets));
    write_file(options.dir / "janus.plugin.videoroom.jcfg", janus_videoroom_config(secrets));
    write_file(options.dir / "janus.transport.websockets.jcfg", janus_websockets_config(options));
}

}  // namespace onstage::media
