// The broadcast through the real server: `onstage serve` with its own Janus spawns the real
// `onstage compositor` when the admin API (or a moderator) starts the broadcast. With nobody on
// stage the program is the slate, which is enough to check the server's side end to end: the
// state every tab sees, the HLS files it serves (and to whom), the refusals, the CLI, a killed
// worker replaced without ending the playlist, and stop closing the playlist. Inputs, layouts
// and outputs are the compositor's own test (compositor_test.cpp) and the browser test's.
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "realtime_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAdminToken = "broadcast-admin-token-0123456789";
constexpr auto kLive = 30s;  // liveness only: the compositor's first segment (slow CI machines)

class BroadcastServeTest : public RealtimeTest {
protected:
    void SetUp() override {
        extra_serve_args = {"--media-janus", "spawn"};
        // NOLINTNEXTLINE(concurrency-mt-unsafe): tests start servers from one thread
        ::setenv("ONSTAGE_ADMIN_TOKEN", kAdminToken, 1);
        RealtimeTest::SetUp();
    }
    void TearDown() override {
        ::unsetenv("ONSTAGE_ADMIN_TOKEN");  // NOLINT(concurrency-mt-unsafe): as above
    }

    HttpReply admin(const std::string& method, const std::string& target,
                    const std::string& body = "") {
        return http_request(port, method, "/api/v1/admin/events/" + event_id + target,
                            {"Authorization: Bearer " + std::string(kAdminToken)}, body);
    }
    json state() {
        const auto r = admin("GET", "/broadcast");
        EXPECT_EQ(r.status, 200) << r.body;
        return json::parse(r.body, nullptr, false);
    }
    // Polls GET …/broadcast until its state is `want` (liveness bound only).
    bool reaches(const std::string& want, std::chrono::seconds within = kLive) {
        const auto deadline = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < deadline) {
            if (state().value("state", "") == want) {
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
    HttpReply playlist(const std::string& cookie) {
        std::vector<std::string> headers;
        if (!cookie.empty()) {
            headers.push_back("Cookie: " + cookie);
        }
        return http_request(port, "GET", "/hls/" + event_id + "/index.m3u8", headers, "");
    }
    // Polls the playlist until it contains `text`.
    bool playlist_has(const std::string& cookie, const std::string& text,
                      std::chrono::seconds within = kLive) {
        const auto deadline = std::chrono::steady_clock::now() + within;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto r = playlist(cookie);
            if (r.status == 200 && r.body.find(text) != std::string::npos) {
                return true;
            }
            std::this_thread::sleep_for(100ms);
        }
        return false;
    }
    // The attendee's `onstage_hls=<value>` from her login's Set-Cookie.
    std::string playback_cookie(const Person& p) {
        const auto r = login(p);
        const auto at = r.headers.find("onstage_hls=");
        EXPECT_NE(at, std::string::npos) << r.headers;
        return at == std::string::npos ? "" : r.headers.substr(at, r.headers.find(';', at) - at);
    }
    // The server's `onstage compositor` children.
    std::vector<int> workers() const {
        std::vector<int> pids;
        for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
            const std::string name = entry.path().filename().string();
            if (name.find_first_not_of("0123456789") != std::string::npos) {
                continue;
            }
            std::ifstream stat(entry.path() / "stat");
            std::string line;
            std::getline(stat, line);
            const auto close = line.rfind(')');
            if (close == std::string::npos) {
                continue;
            }
            std::istringstream rest(line.substr(close + 2));
            std::string st;
            int ppid = 0;
            rest >> st >> ppid;
            std::ifstream cmd(entry.path() / "cmdline");
            std::string argv((std::istreambuf_iterator<char>(cmd)), {});
            if (ppid == server->pid() && argv.find("compositor") != std::string::npos) {
                pids.push_back(std::stoi(name));
            }
        }
        return pids;
    }
    ProcessResult cli(const std::string& verb) {
        return run_onstage({"--data-dir", (tmp / "data").string(), "broadcast", verb, event_id,
                            "--server", "http://127.0.0.1:" + std::to_string(port)});
    }
};

TEST_F(BroadcastServeTest, StartGoesLiveServesThePlaylistSurvivesAKilledWorkerAndStops) {
    auto mod = connect(moderators[0]);
    auto ada = connect(attendees[0]);
    // Every tab learns the state right after welcome; attendees see only state, since, hls_url.
    const auto first = mod->wait_for([](const json& m) { return m["type"] == "broadcast"; });
    ASSERT_TRUE(first);
    EXPECT_EQ((*first)["state"], "idle");
    EXPECT_EQ((*first)["hls_url"], "/hls/" + event_id + "/index.m3u8");
    const auto ada_first = ada->wait_for([](const json& m) { return m["type"] == "broadcast"; });
    ASSERT_TRUE(ada_first);
    EXPECT_FALSE(ada_first->contains("viewers")) << ada_first->dump();

    const auto started = admin("POST", "/broadcast/start");
    ASSERT_EQ(started.status, 202) << started.body;
    EXPECT_EQ(json::parse(started.body)["state"], "starting");
    const auto busy = admin("POST", "/broadcast/start");
    EXPECT_EQ(busy.status, 409) << busy.body;
    EXPECT_NE(busy.body.find("broadcast_busy"), std::string::npos) << busy.body;

    ASSERT_TRUE(reaches("live")) << state().dump() << server->output();
    const auto live = mod->wait_for(
        [](const json& m) { return m["type"] == "broadcast" && m["state"] == "live"; }, kLive);
    ASSERT_TRUE(live);
    EXPECT_EQ((*live)["applied_layout"], "slate");
    ASSERT_TRUE(ada->wait_for(
        [](const json& m) { return m["type"] == "broadcast" && m["state"] == "live"; }, kLive));

    // A private event: the playlist needs the attendee's cookie.
    EXPECT_EQ(playlist("").status, 403);
    const std::string cookie = playback_cookie(attendees[0]);
    const auto listed = playlist(cookie);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_NE(listed.body.find(".ts"), std::string::npos) << listed.body;
    EXPECT_EQ(listed.body.find("#EXT-X-ENDLIST"), std::string::npos) << listed.body;

    // Moderators run it; attendees can't.
    EXPECT_EQ(ada->command("broadcast_stop")["code"], "forbidden");
    EXPECT_EQ(mod->command("set_layout", {{"layout", "grid"}})["type"], "ack");
    ASSERT_TRUE(mod->wait_for(
        [](const json& m) { return m["type"] == "broadcast" && m["layout"] == "grid"; }));
    EXPECT_EQ(mod->command("set_layout", {{"layout", "pip"}})["code"], "bad_field");

    // The CLI reads the same state through the admin API.
    const auto status = cli("status");
    ASSERT_EQ(status.exit_code, 0) << status.err;
    EXPECT_NE(status.out.find("live"), std::string::npos) << status.out;

    // A worker killed mid-broadcast: a new one continues the playlist after a discontinuity,
    // and nobody is told the broadcast stopped.
    const auto before = workers();
    ASSERT_EQ(before.size(), 1U);
    ASSERT_EQ(::kill(before[0], SIGKILL), 0);
    // The tag itself, not #EXT-X-DISCONTINUITY-SEQUENCE of the header.
    ASSERT_TRUE(playlist_has(cookie, "#EXT-X-DISCONTINUITY\n")) << playlist(cookie).body;
    const auto after = workers();
    ASSERT_EQ(after.size(), 1U);
    EXPECT_NE(after[0], before[0]);
    EXPECT_EQ(state()["state"], "live");

    // Stop (through the CLI): the playlist ends, the state comes back to idle.
    const auto stopped = cli("stop");
    ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
    ASSERT_TRUE(reaches("idle")) << state().dump();
    EXPECT_TRUE(playlist_has(cookie, "#EXT-X-ENDLIST"));
    EXPECT_TRUE(workers().empty());
    const auto not_live = admin("POST", "/broadcast/stop");
    EXPECT_EQ(not_live.status, 409) << not_live.body;
    EXPECT_NE(not_live.body.find("broadcast_not_live"), std::string::npos);
}

TEST_F(BroadcastServeTest, WithMediaOffThereIsNothingToBroadcast) {
    extra_serve_args = {"--media-janus", "off"};
    restart_server();
    const auto refused = admin("POST", "/broadcast/start");
    EXPECT_EQ(refused.status, 503) << refused.body;
    EXPECT_NE(refused.body.find("media_unavailable"), std::string::npos) << refused.body;
    auto mod = connect(moderators[0]);
    EXPECT_EQ(mod->command("broadcast_start")["code"], "media_unavailable");
}

}  // namespace
}  // namespace onstage::testing
