// `onstage serve` with media on: it spawns Janus from <data_dir>/janus before listening and
// stops it on SIGTERM; a Janus that cannot start stops onstage with janus_start_failed.
// (Every other test runs serve with media off: tests/support/process.cpp.)
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <iterator>

#include "support/child.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Processes whose command line mentions `needle` (a test's unique temp dir).
std::vector<std::string> processes_mentioning(const std::string& needle) {
    std::vector<std::string> found;
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::string pid = entry.path().filename().string();
        if (pid.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        for (auto& c : cmdline) {
            c = c == '\0' ? ' ' : c;
        }
        if (cmdline.find(needle) != std::string::npos && cmdline.starts_with("janus")) {
            found.push_back(pid.append(": ").append(cmdline));
        }
    }
    return found;
}

TEST(ServeMedia, SpawnsJanusBeforeListeningAndStopsItOnSigterm) {
    TempDir tmp;
    const std::string data = (tmp / "data").string();
    Child server(
        {ONSTAGE_BIN, "--data-dir", data, "serve", "--port", "0", "--media-janus", "spawn"});
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), 20s);
    ASSERT_TRUE(listening) << server.output();
    EXPECT_TRUE(fs::exists(tmp / "data" / "janus" / "janus.jcfg"));
    EXPECT_TRUE(fs::exists(tmp / "data" / "janus" / "janus.log"));
    EXPECT_EQ(processes_mentioning(data).size(), 1U);

    const auto status = server.stop(SIGTERM, 15s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
    const auto left = processes_mentioning(data);
    EXPECT_TRUE(left.empty()) << left.front();
}

TEST(ServeMedia, AJanusThatCannotStartStopsServeWithACode) {
    TempDir tmp;
    write_file(tmp / "onstage.toml", "[media]\njanus_binary = \"/nonexistent/janus\"\n");
    const auto result =
        run_onstage({"--data-dir", (tmp / "data").string(), "serve", "--config",
                     (tmp / "onstage.toml").string(), "--port", "0", "--media-janus", "spawn"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.err.find("janus_start_failed"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace onstage::testing
