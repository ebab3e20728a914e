// The config file as an organiser meets it through the CLI: a mistake in it stops `onstage
// serve` with one line naming file, line:column and key, before anything listens; a good file,
// the environment and flags each override the one before.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "support/child.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

using namespace std::chrono_literals;

TEST(ConfigCli, BadFileStopsServeWithOneLineNamingFileLineAndKey) {
    TempDir tmp;
    const auto file = tmp / "onstage.toml";
    write_file(file, "[server]\nport = 0\n[limits]\nmax_upload_byte = 10\n");
    const auto r =
        run_onstage({"--data-dir", (tmp / "data").string(), "serve", "--config", file.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "onstage: error: " + file.string() +
                         ":4:1: limits.max_upload_byte: unknown key [config_unknown_key]\n");
    EXPECT_EQ(r.out.find("listening"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(tmp / "data")) << "nothing written before the check";
}

TEST(ConfigCli, BadValueFromEnvironmentOrFlagIsRefused) {
    TempDir tmp;
    const auto flag = run_onstage(
        {"--data-dir", (tmp / "data").string(), "serve", "--port", "http", "--log-level", "debug"});
    EXPECT_EQ(flag.exit_code, 1);
    EXPECT_NE(flag.err.find("--port: must be an integer, not 'http' [config_wrong_type]"),
              std::string::npos)
        << flag.err;
    const auto level = run_onstage({"serve", "--log-level", "chatty"});
    EXPECT_EQ(level.exit_code, 1);
    EXPECT_NE(level.err.find("[config_bad_value]"), std::string::npos) << level.err;
}

TEST(ConfigCli, FileSetsServeAndFlagsOverrideIt) {
    TempDir tmp;
    const auto file = tmp / "onstage.toml";
    // data_dir relative to the file; a port that can't be bound, overridden by the flag.
    write_file(file, "data_dir = \"state\"\n[server]\nport = 1\n[log]\nformat = \"json\"\n");
    Child server({ONSTAGE_BIN, "serve", "--config", file.string(), "--port", "0"});
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    EXPECT_EQ(http_get(std::stoi((*listening)[1]), "/healthz").status, 200);
    EXPECT_TRUE(std::filesystem::exists(tmp / "state" / "onstage.db"));
    ASSERT_TRUE(server.stop(SIGTERM, 10s));
}

TEST(ConfigCli, ConfiguredBodyLimitRefusesLargerRequestsWith413) {
    TempDir tmp;
    const auto file = tmp / "onstage.toml";
    write_file(file, "[limits]\nmax_http_body_bytes = 2048\n");
    Child server({ONSTAGE_BIN, "--data-dir", (tmp / "data").string(), "serve", "--config",
                  file.string(), "--port", "0"});
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    const int port = std::stoi((*listening)[1]);
    const std::string padding(3000, ' ');
    const auto big = http_post(port, "/api/v1/login", "{}" + padding);
    EXPECT_EQ(big.status, 413);
    EXPECT_NE(big.body.find("body_too_large"), std::string::npos) << big.body;
    const auto small = http_post(port, "/api/v1/login", "{}" + padding.substr(0, 1000));
    EXPECT_NE(small.status, 413) << "within the limit: read and answered by the login handler";
    EXPECT_NE(small.status, 0);
    ASSERT_TRUE(server.stop(SIGTERM, 10s));
}

}  // namespace
}  // namespace onstage::testing
