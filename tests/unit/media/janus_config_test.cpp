// The config dir onstage writes for its Janus, parsed back: only VideoRoom and the loopback
// WebSockets transport load, secrets are set, ICE follows the settings.
#include "media/janus_config.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <sstream>

#include "media/janus_sfu.hpp"
#include "support/process.hpp"

namespace onstage::media {
namespace {

namespace fs = std::filesystem;

// "section.key" -> value (quotes removed) for the flat libconfig subset we write.
std::map<std::string, std::string> parse_jcfg(const fs::path& file) {
    std::ifstream in(file);
    std::map<std::string, std::string> out;
    std::string section;
    const std::regex open(R"(^(\w+):\s*\{\s*$)");
    const std::regex entry(R"(^\s*(\w+)\s*=\s*(.*?)\s*$)");
    std::smatch m;
    for (std::string line; std::getline(in, line);) {
        if (std::regex_match(line, m, open)) {
            section = m[1];
        } else if (line == "}") {
            section.clear();
        } else if (std::regex_match(line, m, entry)) {
            std::string value = m[2];
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            out[section + "." + std::string(m[1])] = value;
        }
    }
    return out;
}

std::vector<std::string> split(const std::string& list) {
    std::vector<std::string> out;
    std::istringstream in(list);
    for (std::string item; std::getline(in, item, ',');) {
        out.push_back(item);
    }
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

TEST(JanusConfig, LoadsOnlyVideoRoomAndLoopbackWebSockets) {
    testing::TempDir tmp;
    JanusConfigOptions options;
    options.dir = tmp / "janus";
    options.ws_port = 18188;
    const auto secrets = make_janus_secrets();
    write_janus_config(options, secrets);

    const auto core = parse_jcfg(options.dir / "janus.jcfg");
    const auto plugins = split(core.at("plugins.disable"));
    EXPECT_TRUE(has(plugins, "libjanus_streaming.so"));  // opens UDP ports on every interface
    EXPECT_TRUE(has(plugins, "libjanus_echotest.so"));
    EXPECT_FALSE(has(plugins, "libjanus_videoroom.so"));
    const auto transports = split(core.at("transports.disable"));
    EXPECT_TRUE(has(transports, "libjanus_http.so"));
    EXPECT_TRUE(has(transports, "libjanus_pfunix.so"));
    EXPECT_FALSE(has(transports, "libjanus_websockets.so"));
    EXPECT_TRUE(has(split(core.at("events.disable")), "libjanus_wsevh.so"));
    EXPECT_TRUE(has(split(core.at("loggers.disable")), "libjanus_jsonlog.so"));
    for (const auto& name : plugins) {
        EXPECT_TRUE(name.ends_with(".so")) << name;  // never a versioned .so.1
    }
    EXPECT_EQ(core.at("general.configs_folder"), options.dir.string());
    EXPECT_EQ(core.at("general.admin_secret"), secrets.admin_secret);
    EXPECT_EQ(core.at("media.rtp_port_range"), "20000-40000");
    EXPECT_EQ(core.count("nat.ice_enforce_list"), 0U);
    EXPECT_EQ(core.count("nat.nat_1_1_mapping"), 0U);

    const auto ws = parse_jcfg(options.dir / "janus.transport.websockets.jcfg");
    EXPECT_EQ(ws.at("general.ws"), "true");
    EXPECT_EQ(ws.at("general.ws_ip"), "127.0.0.1");
    EXPECT_EQ(ws.at("general.ws_acl"), "127.");
    EXPECT_EQ(ws.at("general.ws_port"), "18188");
    EXPECT_EQ(ws.at("general.wss"), "false");
    EXPECT_EQ(ws.at("admin.admin_ws"), "false");
    EXPECT_EQ(ws.at("admin.admin_wss"), "false");

    const auto vr = parse_jcfg(options.dir / "janus.plugin.videoroom.jcfg");
    EXPECT_EQ(vr.at("general.admin_key"), secrets.admin_key);
    EXPECT_EQ(vr.at("general.lock_rtp_forward"), "true");
    EXPECT_EQ(vr.at("general.string_ids"), "false");
    EXPECT_EQ(vr.size(), 4U);  // no stock rooms

    const auto perms = fs::status(options.dir / "janus.jcfg").permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

TEST(JanusConfig, IceSettingsAndFreshSecrets) {
    testing::TempDir tmp;
    JanusConfigOptions options;
    options.dir = tmp / "janus";
    options.ws_port = 1;
    options.ice_interface = "veth-test";
    options.nat_1_1_mapping = "203.0.113.7";
    options.stun_server = "stun.example.org:3478";
    options.rtp_port_range = "30000-30100";
    const auto secrets = make_janus_secrets();
    write_janus_config(options, secrets);
    const auto core = parse_jcfg(options.dir / "janus.jcfg");
    EXPECT_EQ(core.at("nat.ice_enforce_list"), "veth-test");
    EXPECT_EQ(core.at("nat.nat_1_1_mapping"), "203.0.113.7");
    EXPECT_EQ(core.at("nat.stun_server"), "stun.example.org");
    EXPECT_EQ(core.at("nat.stun_port"), "3478");
    EXPECT_EQ(core.at("media.rtp_port_range"), "30000-30100");

    const auto other = make_janus_secrets();
    EXPECT_NE(other.admin_key, secrets.admin_key);
    EXPECT_NE(other.admin_secret, secrets.admin_secret);
    EXPECT_EQ(secrets.admin_key.size(), 48U);
}

TEST(SdpStreams, ListsMidAndTypePerMLine) {
    const std::string sdp =
        "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE a v\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:a\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=sendonly\r\na=mid:v\r\n";
    const auto streams = sdp_streams(sdp);
    ASSERT_EQ(streams.size(), 2U);
    EXPECT_EQ(streams[0].mid, "a");
    EXPECT_EQ(streams[0].type, "audio");
    EXPECT_EQ(streams[1].mid, "v");
    EXPECT_EQ(streams[1].type, "video");
}

}  // namespace
}  // namespace onstage::media
