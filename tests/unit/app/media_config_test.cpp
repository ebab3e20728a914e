// The [media] table: where Janus comes from, ICE settings, and the ICE servers browsers get.
#include <gtest/gtest.h>

#include "api/broadcast_runtime.hpp"
#include "app/config.hpp"
#include "app/media_runtime.hpp"
#include "support/process.hpp"

namespace onstage::app {
namespace {

using testing::TempDir;
using testing::write_file;

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

Result<Config, ConfigError> load_text(const std::string& contents,
                                      std::map<std::string, std::string> env = {},
                                      std::map<std::string, std::string> flags = {}) {
    TempDir tmp;
    write_file(tmp / "onstage.toml", contents);
    return load_config(
        ConfigSources{tmp / "onstage.toml", env_of(std::move(env)), std::move(flags)});
}

TEST(MediaConfig, DefaultsSpawnJanusWithNoIceServers) {
    const auto config = load_config(ConfigSources{"", env_of({}), {}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->media.janus, "spawn");
    EXPECT_EQ(config->media.janus_binary, "janus");
    EXPECT_EQ(config->media.rtp_port_range, "20000-40000");
    EXPECT_TRUE(config->media.ice_interface.empty());
    EXPECT_TRUE(config->media.ice_servers.empty());
    EXPECT_EQ(ice_servers_json(config->media.ice_servers), "[]");
}

TEST(MediaConfig, FileEnvironmentAndFlagsSetEveryKey) {
    const auto config = load_text(R"(
[media]
janus = "ws://10.0.0.5:8188/"
janus_binary = "/opt/janus/bin/janus"
janus_admin_key = "key"
ice_interface = "eth1"
nat_1_1_mapping = "203.0.113.7"
rtp_port_range = "30000-30999"

[[media.ice_servers]]
urls = ["stun:stun.example.org:3478"]

[[media.ice_servers]]
urls = ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"]
username = "onstage"
credential = "s3cret"
)",
                                  {{"ONSTAGE_MEDIA_ICE_INTERFACE", "ens5"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->media.janus, "ws://10.0.0.5:8188/");
    EXPECT_EQ(config->media.janus_binary, "/opt/janus/bin/janus");
    EXPECT_EQ(config->media.janus_admin_key, "key");
    EXPECT_EQ(config->media.ice_interface, "ens5");  // the environment beats the file
    EXPECT_EQ(config->media.nat_1_1_mapping, "203.0.113.7");
    EXPECT_EQ(config->media.rtp_port_range, "30000-30999");
    ASSERT_EQ(config->media.ice_servers.size(), 2U);
    EXPECT_EQ(ice_servers_json(config->media.ice_servers),
              R"([{"urls":["stun:stun.example.org:3478"]},)"
              R"({"credential":"s3cret","urls":["turn:turn.example.org:3478?transport=udp",)"
              R"("turns:turn.example.org:5349"],"username":"onstage"}])");

    const auto off = load_text("[media]\njanus = \"spawn\"\n", {{"ONSTAGE_MEDIA_JANUS", "spawn"}},
                               {{"media.janus", "off"}});
    ASSERT_TRUE(off) << off.error().message;
    EXPECT_EQ(off->media.janus, "off");
}

TEST(MediaConfig, BadValuesAreRefusedWithTheirCode) {
    const auto code = [](const std::string& text) {
        const auto c = load_text(text);
        EXPECT_FALSE(c) << "accepted:\n" << text;
        return c ? std::string() : c.error().code;
    };
    EXPECT_EQ(code("[media]\njanus = \"http://x\"\n"), "config_bad_value");
    EXPECT_EQ(code("[media]\nrtp_port_range = \"40000-20000\"\n"), "config_bad_value");
    EXPECT_EQ(code("[media]\nrtp_port_range = \"80-90\"\n"), "config_bad_value");
    EXPECT_EQ(code("[media]\nrtp_port_range = \"20000\"\n"), "config_bad_value");
    EXPECT_EQ(code("[media]\nice_interface = 3\n"), "config_wrong_type");
    EXPECT_EQ(code("[media]\nice_servers = \"stun:x\"\n"), "config_wrong_type");
    EXPECT_EQ(code("[[media.ice_servers]]\nurls = [\"http://x\"]\n"), "config_bad_value");
    EXPECT_EQ(code("[[media.ice_servers]]\nurls = [\"turn:x\"]\n"), "config_bad_value");
    EXPECT_EQ(code("[[media.ice_servers]]\nusername = \"u\"\n"), "config_bad_value");
    EXPECT_EQ(code("[[media.ice_servers]]\nurls = [\"stun:x\"]\npassword = \"p\"\n"),
              "config_unknown_key");
    EXPECT_EQ(code("[media]\nvideo = true\n"), "config_unknown_key");

    const auto env =
        load_config(ConfigSources{"", env_of({{"ONSTAGE_MEDIA_JANUS", "sometimes"}}), {}});
    ASSERT_FALSE(env);
    EXPECT_EQ(env.error().code, "config_bad_value");
    EXPECT_NE(env.error().message.find("ONSTAGE_MEDIA_JANUS"), std::string::npos);
}

// [broadcast] record: off unless said, and what the broadcasts get as their default.
TEST(MediaConfig, BroadcastRecordDefaultComesFromTheConfig) {
    const auto defaults = load_config(ConfigSources{"", env_of({}), {}});
    ASSERT_TRUE(defaults) << defaults.error().message;
    EXPECT_FALSE(defaults->broadcast.record);
    EXPECT_FALSE(broadcast_options("data", defaults->broadcast)->record);

    const auto on = load_text("[broadcast]\nrecord = true\n");
    ASSERT_TRUE(on) << on.error().message;
    EXPECT_TRUE(on->broadcast.record);
    const auto options = broadcast_options("data", on->broadcast);
    EXPECT_TRUE(options->record);
    EXPECT_EQ(options->output.width, 1280);  // the other keys still apply
    EXPECT_EQ(options->output.video_kbps, 2500);

    const auto env_off =
        load_text("[broadcast]\nrecord = true\n", {{"ONSTAGE_BROADCAST_RECORD", "false"}});
    ASSERT_TRUE(env_off) << env_off.error().message;
    EXPECT_FALSE(env_off->broadcast.record);
    const auto env_on =
        load_config(ConfigSources{"", env_of({{"ONSTAGE_BROADCAST_RECORD", "true"}}), {}});
    ASSERT_TRUE(env_on) << env_on.error().message;
    EXPECT_TRUE(env_on->broadcast.record);

    for (const std::string bad : {"\"true\"", "1", "yes"}) {
        const auto c = load_text("[broadcast]\nrecord = " + bad + "\n");
        ASSERT_FALSE(c) << bad;
        // "yes" is not TOML at all; the others are the wrong type.
        EXPECT_EQ(c.error().code, bad == "yes" ? "config_syntax" : "config_wrong_type") << bad;
    }
    const auto wrong = load_text("[broadcast]\nrecord = 1\n");
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("broadcast.record: must be true or false"),
              std::string::npos)
        << wrong.error().message;
    const auto env_bad =
        load_config(ConfigSources{"", env_of({{"ONSTAGE_BROADCAST_RECORD", "yes"}}), {}});
    ASSERT_FALSE(env_bad);
    EXPECT_EQ(env_bad.error().code, "config_wrong_type");
    EXPECT_NE(env_bad.error().message.find("ONSTAGE_BROADCAST_RECORD"), std::string::npos)
        << env_bad.error().message;
}

}  // namespace
}  // namespace onstage::app
