// The server side of the broadcast: its state machine, what it tells the worker, what it asks
// the SFU to forward, and how it survives a worker crash. The worker here is
// tests/helpers/fake_compositor (the control channel without GStreamer) and the SFU a recording
// fake; the real compositor and Janus are covered by the integration and browser tests.
#include "api/broadcast_runtime.hpp"

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "support/process.hpp"
#include "support/recording_sfu.hpp"

namespace onstage::api {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

media::ProgramFeed feed(media::FeedId id, std::string pid, domain::Role role) {
    media::ProgramFeed f;
    f.feed = id;
    f.room = 7;
    f.participant_id = std::move(pid);
    f.name = "Person " + std::to_string(id);
    f.role = role;
    f.audio_mid = "0";
    f.video_mid = "1";
    return f;
}

class BroadcastRuntimeTest : public ::testing::Test {
protected:
    void make(const std::string& mode, media::Sfu* with_sfu, bool record_by_default = false) {
        auto options = std::make_shared<BroadcastOptions>();
        options->record = record_by_default;
        options->data_dir = dir.path();
        options->worker_argv = {"/bin/bash",
                                std::string(ONSTAGE_SOURCE_DIR) + "/tests/helpers/fake_compositor",
                                (dir.path() / "commands.log").string(), mode};
        options->restart_delay = 50ms;
        runtime =
            std::make_shared<BroadcastRuntime>(strand, with_sfu, options, "ev-1", "Town Hall");
        runtime->on_change([this] { ++changes; });
    }

    // Runs the io_context until `done` holds (or 10 s pass: a liveness bound, not a timing test).
    template <typename F>
    bool until(F done) {
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (std::chrono::steady_clock::now() < deadline) {
            bool ok = false;
            asio::post(strand, [&] { ok = done(); });
            ioc.restart();
            ioc.run_for(20ms);
            if (ok) {
                return true;
            }
        }
        return false;
    }

    template <typename F>
    auto on_strand(F f) {
        std::optional<decltype(f())> out;
        asio::post(strand, [&] { out.emplace(f()); });
        ioc.restart();
        while (!out) {
            ioc.run_one();
        }
        return std::move(*out);
    }

    std::string commands() const {
        std::ifstream in(dir.path() / "commands.log");
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    int count(const std::string& needle) const {
        const std::string text = commands();
        int n = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
            ++n;
        }
        return n;
    }
    int forwards_of(const std::string& prefix) const {
        return static_cast<int>(
            std::count_if(sfu.calls.begin(), sfu.calls.end(),
                          [&](const auto& c) { return c.starts_with(prefix); }));
    }
    std::string state() {
        return on_strand([this] { return runtime->view().state; });
    }

    onstage::testing::TempDir dir;
    asio::io_context ioc;
    BroadcastRuntime::Strand strand = asio::make_strand(ioc);
    media::RecordingSfu sfu;
    std::shared_ptr<BroadcastRuntime> runtime;
    int changes = 0;
};

TEST_F(BroadcastRuntimeTest, StartsGoesLiveForwardsEachInputAndStops) {
    make("normal", &sfu);
    on_strand([this] {
        runtime->set_program({feed(11, "talent-1", domain::Role::talent),
                              feed(12, "guest-1", domain::Role::attendee)});
        return true;
    });
    EXPECT_EQ(state(), "idle");
    EXPECT_TRUE(on_strand([this] {
        return runtime->start({{"t1", "rtmp://127.0.0.1/live/key"}}, {"YouTube"}, false).ok();
    }));
    EXPECT_EQ(state(), "starting");
    ASSERT_TRUE(until([this] { return runtime->view().state == "live"; }));
    // Each input was added, got ports, and the SFU forwards its video (pt 96) and audio (pt 111)
    // there, to the worker's host.
    ASSERT_TRUE(until([this] { return sfu.called("rtp_forward 12"); }));
    EXPECT_TRUE(sfu.called("rtp_forward 11 127.0.0.1 1:5002/96 0:5003/111"));
    EXPECT_TRUE(sfu.called("rtp_forward 12 127.0.0.1 1:5004/96 0:5005/111"));
    const std::string log = commands();
    EXPECT_NE(log.find("\"rtmp\":[{\"id\":\"t1\",\"url\":\"rtmp://127.0.0.1/live/key\"}]"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("\"name\":\"Person 12\",\"role\":\"guest\""), std::string::npos) << log;
    EXPECT_NE(log.find("\"resume\":false"), std::string::npos) << log;
    const auto view = on_strand([this] { return runtime->view(); });
    EXPECT_EQ(view.hls_url, "/hls/ev-1/index.m3u8");
    ASSERT_EQ(view.targets.size(), 1U);
    EXPECT_EQ(view.targets[0].name, "YouTube");

    // Someone leaves the stage: the worker drops the input and the SFU stops forwarding it.
    on_strand([this] {
        runtime->set_program({feed(11, "talent-1", domain::Role::talent)});
        return true;
    });
    ASSERT_TRUE(until([this] { return sfu.called("stop_rtp_forward 12"); }));
    EXPECT_EQ(count("{\"type\":\"remove\",\"input\":\"f12\"}"), 1);

    EXPECT_TRUE(on_strand([this] { return runtime->stop().ok(); }));
    EXPECT_EQ(state(), "stopping");
    ASSERT_TRUE(until([this] { return runtime->view().state == "idle"; }));
    EXPECT_EQ(count("{\"type\":\"stop\"}"), 1);
    EXPECT_GT(changes, 3);
}

TEST_F(BroadcastRuntimeTest, RefusesWhatTheStateDoesNotAllow) {
    make("silent", &sfu);
    auto stopped = on_strand([this] { return runtime->stop(); });
    ASSERT_FALSE(stopped.ok());
    EXPECT_EQ(stopped.error().code, "broadcast_not_live");
    ASSERT_TRUE(on_strand([this] { return runtime->start({}, {}, false); }).ok());
    auto again = on_strand([this] { return runtime->start({}, {}, false); });
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.error().code, "broadcast_busy");
    ASSERT_TRUE(until([this] { return count("\"type\":\"start\"") == 1; }));
    EXPECT_EQ(state(), "starting");  // no segment yet
    EXPECT_TRUE(on_strand([this] { return runtime->stop().ok(); }));
    ASSERT_TRUE(until([this] { return runtime->view().state == "idle"; }));
}

TEST_F(BroadcastRuntimeTest, WithoutMediaThereIsNothingToBroadcast) {
    make("normal", nullptr);
    auto started = on_strand([this] { return runtime->start({}, {}, false); });
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error().code, "media_unavailable");
}

TEST_F(BroadcastRuntimeTest, AKilledWorkerIsReplacedAndContinuesThePlaylist) {
    make("normal", &sfu);
    on_strand([this] {
        runtime->set_program({feed(21, "talent-1", domain::Role::talent)});
        return runtime->start({}, {}, false).ok();
    });
    ASSERT_TRUE(until([this] { return sfu.called("rtp_forward 21"); }));
    ASSERT_EQ(state(), "live");
    const int pid = on_strand([this] { return runtime->worker_pid(); });
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    // A new worker continues the same playlist, gets the input again and the SFU forwards it
    // to the new ports; the old forwarders are stopped. Viewers never saw the state change.
    ASSERT_TRUE(until([this] { return forwards_of("rtp_forward 21 ") == 2; }));
    EXPECT_EQ(count("\"resume\":true"), 1);
    EXPECT_EQ(count("\"type\":\"add\""), 2);
    EXPECT_NE(on_strand([this] { return runtime->worker_pid(); }), pid);
    EXPECT_TRUE(sfu.called("stop_rtp_forward 21"));
    ASSERT_TRUE(until([this] { return runtime->view().state == "live"; }));
}

// [broadcast] record: a start that does not say (the moderators' one-click start) follows the
// server's setting; one that says wins.
TEST_F(BroadcastRuntimeTest, AStartThatDoesNotSayRecordsWhenTheServerSaysSo) {
    make("normal", &sfu, /*record_by_default=*/true);
    ASSERT_TRUE(on_strand([this] { return runtime->start({}, {}, std::nullopt); }).ok());
    ASSERT_TRUE(until([this] { return runtime->view().state == "live"; }));
    EXPECT_TRUE(on_strand([this] { return runtime->view().recording; }));
    const std::string recorded = commands();
    const std::string mp4_dir = (dir.path() / "recordings" / "ev-1").string();
    EXPECT_NE(recorded.find("\"record_path\":\"" + mp4_dir + "/ev-1-"), std::string::npos)
        << recorded;
    EXPECT_TRUE(on_strand([this] { return runtime->stop().ok(); }));
    ASSERT_TRUE(until([this] { return runtime->view().state == "idle"; }));

    // Told not to record: no MP4 despite the setting.
    ASSERT_TRUE(on_strand([this] { return runtime->start({}, {}, false); }).ok());
    ASSERT_TRUE(until([this] { return count("\"type\":\"start\"") == 2; }));
    EXPECT_EQ(count("\"record_path\":\"\""), 1) << commands();
    EXPECT_FALSE(on_strand([this] { return runtime->view().recording; }));
}

TEST_F(BroadcastRuntimeTest, AStartThatDoesNotSayDoesNotRecordByDefault) {
    make("normal", &sfu);
    ASSERT_TRUE(on_strand([this] { return runtime->start({}, {}, std::nullopt); }).ok());
    ASSERT_TRUE(until([this] { return count("\"type\":\"start\"") == 1; }));
    EXPECT_EQ(count("\"record_path\":\"\""), 1) << commands();
}

// A target the worker gave up on shows `failed` with its error to staff; the broadcast itself
// stays live (the other outputs go on).
TEST_F(BroadcastRuntimeTest, ATargetTheWorkerGaveUpOnShowsFailed) {
    make("rtmp_failed", &sfu);
    ASSERT_TRUE(on_strand([this] {
        return runtime
            ->start({{"t1", "rtmp://127.0.0.1/live/key"}, {"t2", "rtmp://127.0.0.1/live/other"}},
                    {"YouTube", "Twitch"}, false)
            .ok();
    }));
    ASSERT_TRUE(until([this] {
        const auto view = runtime->view();
        return !view.targets.empty() && view.targets[0].state == "failed";
    }));
    const auto view = on_strand([this] { return runtime->view(); });
    EXPECT_EQ(view.state, "live");
    ASSERT_EQ(view.targets.size(), 2U);
    EXPECT_EQ(view.targets[0].name, "YouTube");
    EXPECT_EQ(view.targets[0].error, "refused");
    EXPECT_EQ(view.targets[1].state, "connecting");
    EXPECT_EQ(count("\"rtmp_attempts\":8"), 1) << "the worker is told the budget";
}

TEST_F(BroadcastRuntimeTest, AWorkerThatCannotStartFailsWithTheReason) {
    make("crash", &sfu);
    ASSERT_TRUE(on_strand([this] { return runtime->start({}, {}, false); }).ok());
    ASSERT_TRUE(until([this] { return runtime->view().state == "failed"; }));
    const auto view = on_strand([this] { return runtime->view(); });
    EXPECT_NE(view.reason.find("no encoder"), std::string::npos) << view.reason;
    EXPECT_EQ(count("\"type\":\"start\""), 3);  // tried three times
    // A failed broadcast may be started again.
    EXPECT_TRUE(on_strand([this] { return runtime->start({}, {}, false); }).ok());
    EXPECT_EQ(state(), "starting");
}

}  // namespace
}  // namespace onstage::api
