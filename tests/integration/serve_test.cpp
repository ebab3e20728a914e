// `onstage serve` and `onstage demo` as an organiser runs them: the process starts, answers on
// loopback, and stops cleanly on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include "support/child.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

using namespace std::chrono_literals;

TEST(Serve, AnswersHealthzAndAppRoutesAndStopsOnSigterm) {
    TempDir tmp;
    Child server({ONSTAGE_BIN, "--data-dir", (tmp / "data").string(), "serve", "--port", "0"});
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    const int port = std::stoi((*listening)[1]);

    const auto health = http_get(port, "/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"status":"ok"})");

    for (const char* route : {"/", "/attendee?e=x&p=y", "/moderator", "/talent", "/watch"}) {
        const auto page = http_get(port, route);
        EXPECT_EQ(page.status, 200) << route;
        EXPECT_NE(page.headers.find("text/html"), std::string::npos) << route;
    }
    const auto missing = http_get(port, "/nope");
    EXPECT_EQ(missing.status, 404);
    EXPECT_NE(missing.body.find("not_found"), std::string::npos);
    EXPECT_EQ(http_get(port, "/healthz", "POST").status, 405);
    EXPECT_TRUE(std::filesystem::exists(tmp / "data" / "onstage.db")) << "migrated at start";

    const auto status = server.stop(SIGTERM, 10s);
    ASSERT_TRUE(status) << "still running 10 s after SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST(Serve, RefusesAPortInUse) {
    TempDir tmp;
    Child first({ONSTAGE_BIN, "--data-dir", (tmp / "a").string(), "serve", "--port", "0"});
    const auto listening =
        first.wait_for_line(std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening);
    const auto second =
        run_onstage({"--data-dir", (tmp / "b").string(), "serve", "--port", (*listening)[1]});
    EXPECT_NE(second.exit_code, 0);
    EXPECT_NE(second.err.find("cannot listen"), std::string::npos) << second.err;
}

TEST(Demo, PrintsLinksThatTheRunningServerAnswers) {
    TempDir tmp;
    const int port = free_port();
    auto run_demo = [&] {
        return std::make_unique<Child>(std::vector<std::string>{ONSTAGE_BIN, "--data-dir",
                                                                (tmp / "data").string(), "demo",
                                                                "--port", std::to_string(port)});
    };
    const std::regex moderator_line(
        R"((http://127\.0\.0\.1:\d+)(/moderator\?e=[a-z0-9-]+&p=[0-9a-f-]{36})\s+key: ([0-9a-z-]{34}))");
    auto demo = run_demo();
    const auto line = demo->wait_for_line(moderator_line, 30s);
    ASSERT_TRUE(line) << demo->output();
    ASSERT_TRUE(demo->wait_for_line(std::regex("is running at"), 15s)) << demo->output();
    EXPECT_EQ(http_get(port, (*line)[2]).status, 200);
    EXPECT_NE(demo->output().find("/attendee?e="), std::string::npos);
    EXPECT_NE(demo->output().find("/watch?e="), std::string::npos) << "the demo event is public";
    // The console line carries an admin token that the admin API accepts.
    std::smatch console;
    const std::string printed = demo->output();
    ASSERT_TRUE(std::regex_search(printed, console,
                                  std::regex(R"(/console\s+admin token: ([0-9a-z]{26}))")))
        << printed;
    EXPECT_EQ(http_request(port, "GET", "/api/v1/admin/events",
                           {"Authorization: Bearer " + console[1].str()})
                  .status,
              200);
    const std::string first_key = (*line)[3];
    ASSERT_TRUE(demo->stop(SIGTERM, 10s));

    // A second run keeps the event and its links but must show working keys again: new ones.
    demo = run_demo();
    const auto again = demo->wait_for_line(moderator_line, 30s);
    ASSERT_TRUE(again) << demo->output();
    EXPECT_EQ((*again)[2], (*line)[2]);
    EXPECT_NE((*again)[3], first_key);
}

}  // namespace
}  // namespace onstage::testing
