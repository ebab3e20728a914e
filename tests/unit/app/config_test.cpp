// The server's settings as an organiser writes them: a TOML file, ONSTAGE_* variables and flags,
// each overriding the one before, and one clear error naming where a bad value came from.
#include "app/config.hpp"

#include <gtest/gtest.h>

#include "support/process.hpp"

namespace onstage::app {
namespace {

using testing::TempDir;
using testing::write_file;

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) {
            return std::nullopt;
        }
        return it->second;
    };
}

Result<Config, ConfigError> load(const std::filesystem::path& file,
                                 std::map<std::string, std::string> env = {},
                                 std::map<std::string, std::string> flags = {}) {
    return load_config(ConfigSources{file, env_of(std::move(env)), std::move(flags)});
}

// The error a config file with these contents gets.
ConfigError file_error(const std::string& contents) {
    TempDir tmp;
    write_file(tmp / "onstage.toml", contents);
    auto config = load(tmp / "onstage.toml");
    EXPECT_FALSE(config) << "accepted:\n" << contents;
    return config ? ConfigError{} : config.error();
}

TEST(Config, DefaultsWithoutFileEnvOrFlags) {
    const auto config = load("");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->data_dir, "onstage-data");
    EXPECT_EQ(config->serve.bind_address, "127.0.0.1");
    EXPECT_EQ(config->serve.port, 8080);
    EXPECT_EQ(config->serve.io_threads, 0);
    EXPECT_FALSE(config->serve.tls.enabled());
    EXPECT_TRUE(config->serve.admin_token.empty());
    EXPECT_EQ(config->serve.limits.invite_timeout_ms, 60'000);
    EXPECT_EQ(config->serve.limits.token_ttl_ms, 12LL * 3600 * 1000);
    EXPECT_EQ(config->serve.limits.max_upload_bytes, 32U * 1024 * 1024);
    EXPECT_EQ(config->log_level, "info");
    EXPECT_EQ(config->log_format, "text");
    EXPECT_TRUE(config->serve.trusted_proxies.empty());
}

TEST(Config, FileSetsEveryKindOfSetting) {
    TempDir tmp;
    write_file(tmp / "admin-token", "0123456789abcdef0123\n");
    write_file(tmp / "onstage.toml", R"(
data_dir = "/var/lib/onstage"
[server]
bind = "::1"
port = 9000
io_threads = 3
web_root = "apps"
trusted_proxies = "127.0.0.1, ::1"
[tls]
cert = "/etc/onstage/cert.pem"
key = "/etc/onstage/key.pem"
[admin]
token_file = "admin-token"
[limits]
invite_timeout_seconds = 90
token_ttl_hours = 24
max_ws_message_bytes = 32768
max_http_body_bytes = 131072
max_upload_bytes = 1048576
[log]
level = "debug"
format = "json"
)");
    const auto config = load(tmp / "onstage.toml");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->data_dir, "/var/lib/onstage");
    EXPECT_EQ(config->serve.bind_address, "::1");
    EXPECT_EQ(config->serve.port, 9000);
    EXPECT_EQ(config->serve.io_threads, 3);
    EXPECT_EQ(config->serve.web_root, tmp.path() / "apps") << "relative to the file";
    EXPECT_EQ(config->serve.trusted_proxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
    EXPECT_EQ(config->serve.tls.cert, "/etc/onstage/cert.pem");
    EXPECT_TRUE(config->serve.tls.enabled());
    EXPECT_EQ(config->serve.admin_token, "0123456789abcdef0123") << "final newline dropped";
    EXPECT_EQ(config->serve.limits.invite_timeout_ms, 90'000);
    EXPECT_EQ(config->serve.limits.token_ttl_ms, 24LL * 3600 * 1000);
    EXPECT_EQ(config->serve.limits.max_ws_message_bytes, 32768U);
    EXPECT_EQ(config->serve.limits.max_http_body_bytes, 131072U);
    EXPECT_EQ(config->serve.limits.max_upload_bytes, 1048576U);
    EXPECT_EQ(config->log_level, "debug");
    EXPECT_EQ(config->log_format, "json");
}

TEST(Config, EnvironmentOverridesFileAndFlagsOverrideEnvironment) {
    TempDir tmp;
    write_file(tmp / "onstage.toml",
               "[server]\nport = 9000\nbind = \"0.0.0.0\"\n[log]\n"
               "level = \"warn\"\n");
    const auto config =
        load(tmp / "onstage.toml", {{"ONSTAGE_PORT", "9100"}, {"ONSTAGE_LOG_LEVEL", "error"}},
             {{"server.port", "9200"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->serve.port, 9200) << "flag beats environment";
    EXPECT_EQ(config->log_level, "error") << "environment beats file";
    EXPECT_EQ(config->serve.bind_address, "0.0.0.0") << "file beats default";
}

TEST(Config, FileNamedByOnstageConfigVariable) {
    TempDir tmp;
    write_file(tmp / "from-env.toml", "[server]\nport = 9300\n");
    const auto config = load("", {{"ONSTAGE_CONFIG", (tmp / "from-env.toml").string()}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->serve.port, 9300);
}

TEST(Config, AdminTokenFromEnvironmentReplacesTokenFileFromFile) {
    TempDir tmp;
    write_file(tmp / "onstage.toml", "[admin]\ntoken_file = \"/nonexistent/token\"\n");
    const auto config =
        load(tmp / "onstage.toml", {{"ONSTAGE_ADMIN_TOKEN", "a-long-secret-token-1"}});
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->serve.admin_token, "a-long-secret-token-1");
}

TEST(Config, UnknownKeyNamesFileLineColumnAndKey) {
    const auto e = file_error("[server]\nport = 9000\n  prot = 9001\n");
    EXPECT_EQ(e.code, "config_unknown_key");
    EXPECT_NE(e.message.find("onstage.toml:3:3: server.prot"), std::string::npos) << e.message;
    EXPECT_EQ(file_error("colour = \"blue\"\n").code, "config_unknown_key");
    EXPECT_EQ(file_error("[sever]\nport = 1\n").code, "config_unknown_key");
}

TEST(Config, WrongTypesAreRefused) {
    auto e = file_error("[server]\nport = \"9000\"\n");
    EXPECT_EQ(e.code, "config_wrong_type");
    EXPECT_NE(e.message.find("onstage.toml:2:1: server.port: must be an integer"),
              std::string::npos)
        << e.message;
    EXPECT_EQ(file_error("[server]\nbind = 127\n").code, "config_wrong_type");
    EXPECT_EQ(file_error("server = 1\n").code, "config_unknown_key");
}

TEST(Config, OutOfRangeAndUnknownChoicesAreRefused) {
    auto e = file_error("[server]\nport = 70000\n");
    EXPECT_EQ(e.code, "config_bad_value");
    EXPECT_NE(e.message.find("must be 0..65535, not 70000"), std::string::npos) << e.message;
    EXPECT_EQ(file_error("[limits]\ninvite_timeout_seconds = 0\n").code, "config_bad_value");
    EXPECT_EQ(file_error("[log]\nlevel = \"loud\"\n").code, "config_bad_value");
    EXPECT_EQ(file_error("[log]\nformat = \"xml\"\n").code, "config_bad_value");
    EXPECT_EQ(file_error("[server]\nbind = \"localhost:80\"\n").code, "config_bad_value");
    auto proxies = file_error("[server]\ntrusted_proxies = \"127.0.0.1, nginx\"\n");
    EXPECT_EQ(proxies.code, "config_bad_value");
    EXPECT_NE(proxies.message.find("'nginx' is not an IPv4 or IPv6 address"), std::string::npos)
        << proxies.message;
    EXPECT_EQ(file_error("[server]\ntrusted_proxies = \"10.0.0.0/8\"\n").code, "config_bad_value");
    EXPECT_EQ(file_error("[server]\ntrusted_proxies = [\"127.0.0.1\"]\n").code,
              "config_wrong_type");
    EXPECT_EQ(file_error("[tls]\ncert = \"/c.pem\"\n").code, "config_bad_value")
        << "a certificate without its key";
    EXPECT_EQ(file_error("[admin]\ntoken = \"short\"\n").code, "config_bad_value");
    EXPECT_EQ(file_error("[admin]\ntoken = \"0123456789abcdef\"\ntoken_file = \"/t\"\n").code,
              "config_conflict");
}

TEST(Config, SyntaxErrorsAndUnreadableFiles) {
    auto e = file_error("[server\nport = 1\n");
    EXPECT_EQ(e.code, "config_syntax");
    EXPECT_NE(e.message.find("onstage.toml:1:"), std::string::npos) << e.message;
    const auto missing = load("/nonexistent/onstage.toml");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "config_unreadable");
    EXPECT_NE(missing.error().message.find("/nonexistent/onstage.toml"), std::string::npos);
    TempDir tmp;
    write_file(tmp / "onstage.toml", "[admin]\ntoken_file = \"missing-token\"\n");
    const auto token = load(tmp / "onstage.toml");
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().code, "config_unreadable");
}

TEST(Config, BadEnvironmentAndFlagValuesNameTheirSource) {
    auto e = load("", {{"ONSTAGE_PORT", "80a"}});
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, "config_wrong_type");
    EXPECT_NE(e.error().message.find("ONSTAGE_PORT"), std::string::npos) << e.error().message;
    e = load("", {}, {{"server.io_threads", "9999"}});
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, "config_bad_value");
    EXPECT_NE(e.error().message.find("--io-threads"), std::string::npos) << e.error().message;
}

TEST(Config, ExampleFileLoadsAndHoldsTheDefaults) {
    const auto example = load(std::filesystem::path(ONSTAGE_SOURCE_DIR) / "onstage.example.toml");
    ASSERT_TRUE(example) << example.error().message;
    const auto defaults = load("");
    ASSERT_TRUE(defaults);
    EXPECT_EQ(example->serve.bind_address, defaults->serve.bind_address);
    EXPECT_EQ(example->serve.port, defaults->serve.port);
    EXPECT_EQ(example->serve.io_threads, defaults->serve.io_threads);
    const auto& a = example->serve.limits;
    const auto& b = defaults->serve.limits;
    EXPECT_EQ(a.invite_timeout_ms, b.invite_timeout_ms);
    EXPECT_EQ(a.token_ttl_ms, b.token_ttl_ms);
    EXPECT_EQ(a.max_ws_message_bytes, b.max_ws_message_bytes);
    EXPECT_EQ(a.max_http_body_bytes, b.max_http_body_bytes);
    EXPECT_EQ(a.max_upload_bytes, b.max_upload_bytes);
    EXPECT_EQ(example->log_level, defaults->log_level);
    EXPECT_EQ(example->log_format, defaults->log_format);
}

TEST(Config, EverySettingIsDocumentedWithItsVariable) {
    const std::string docs =
        testing::read_file(std::filesystem::path(ONSTAGE_SOURCE_DIR) / "docs" / "configuration.md");
    const std::string example =
        testing::read_file(std::filesystem::path(ONSTAGE_SOURCE_DIR) / "onstage.example.toml");
    for (const auto& s : setting_names()) {
        EXPECT_NE(docs.find("`" + s.name + "`"), std::string::npos) << s.name;
        EXPECT_NE(docs.find(std::string(s.env)), std::string::npos) << s.env;
        EXPECT_NE(example.find(std::string(s.env)), std::string::npos) << s.env;
    }
}

}  // namespace
}  // namespace onstage::app
