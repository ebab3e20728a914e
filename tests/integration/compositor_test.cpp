// `onstage compositor` for real: GStreamer senders on 127.0.0.1 publish solid colours as VP8 +
// Opus RTP (as Janus rtp_forward would), the worker composes them, and ffprobe/ffmpeg read what
// came out: the HLS playlist and segments (H.264 + AAC, 1280x720, each publisher's colour in its
// tile as the layout changes, a name card while video is muted), the MP4 after stop and after
// SIGTERM, a resumed playlist, and an RTMP target received by a local ffmpeg while a second, dead
// target keeps retrying (or, with a small budget of attempts, ends `failed`).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "broadcast/control.hpp"
#include "broadcast/layout.hpp"
#include "support/child.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Json = nlohmann::json;

std::string tool(const std::string& name) {
    const char* env = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): before any thread
    std::stringstream path(env != nullptr ? env : "");
    for (std::string dir; std::getline(path, dir, ':');) {
        if (access((fs::path(dir) / name).c_str(), X_OK) == 0) {
            return (fs::path(dir) / name).string();
        }
    }
    ADD_FAILURE() << name << " is not installed (the compositor tests need it)";
    throw std::runtime_error(name + " missing");
}

// The worker with a pipe on stdin (commands) and on stdout (events); stderr to a file.
class Worker {
public:
    explicit Worker(const fs::path& log) : log_(log) {
        int in[2];
        int out[2];
        if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
            throw std::runtime_error("pipe");
        }
        pid_ = fork();
        if (pid_ == 0) {
            dup2(in[0], 0);
            dup2(out[1], 1);
            const int err = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            dup2(err, 2);
            execl(ONSTAGE_BIN, ONSTAGE_BIN, "compositor", nullptr);
            _exit(127);
        }
        close(in[0]);
        close(out[1]);
        in_ = in[1];
        out_ = out[0];
    }
    ~Worker() {
        if (::testing::Test::HasFailure()) {
            std::cerr << "--- worker events:\n";
            for (const auto& e : events_) {
                std::cerr << e.dump() << "\n";
            }
            std::cerr << "--- worker log (" << log_ << "):\n" << read_file(log_) << "---\n";
        }
        close_stdin();
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        close(out_);
    }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void send(const broadcast::Command& c) {
        const std::string line = broadcast::encode_command(c) + "\n";
        ASSERT_EQ(write(in_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    }
    void send_raw(const std::string& line) {
        ASSERT_EQ(write(in_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
    }
    void close_stdin() {
        if (in_ >= 0) {
            close(in_);
            in_ = -1;
        }
    }

    // The next event of `type` matching `pred` (events before it are kept in seen()).
    std::optional<Json> wait_for(const std::string& type,
                                 const std::function<bool(const Json&)>& pred = nullptr,
                                 std::chrono::milliseconds timeout = 20s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (true) {
            while (next_ < events_.size()) {
                const Json& e = events_[next_++];
                if (e.value("type", "") == type && (!pred || pred(e))) {
                    return e;
                }
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left <= 0ms || !read_some(left)) {
                return std::nullopt;
            }
        }
    }
    const std::vector<Json>& seen() const { return events_; }

    // Like wait_for, but also matches events already read (and does not move the cursor).
    bool seen_or_wait(const std::string& type, const std::function<bool(const Json&)>& pred,
                      std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (std::size_t i = 0;; ++i) {
            while (i >= events_.size()) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now());
                if (left <= 0ms || !read_some(left)) {
                    return false;
                }
            }
            if (events_[i].value("type", "") == type && pred(events_[i])) {
                return true;
            }
        }
    }

    // Waits for the exit; the wait status, or nullopt after `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return status;
            }
            (void)read_some(50ms);
        }
        return std::nullopt;
    }
    void signal(int sig) { kill(pid_, sig); }

private:
    bool read_some(std::chrono::milliseconds timeout) {
        pollfd p{out_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) {
            return false;
        }
        char buf[4096];
        const ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) {
            return false;
        }
        pending_.append(buf, static_cast<std::size_t>(n));
        for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
            events_.push_back(Json::parse(pending_.substr(0, nl)));
            pending_.erase(0, nl + 1);
        }
        return true;
    }

    fs::path log_;
    int pid_ = -1;
    int in_ = -1;
    int out_ = -1;
    std::string pending_;
    std::vector<Json> events_;
    std::size_t next_ = 0;
};

// A background process killed with the test.
class Background {
public:
    explicit Background(const std::vector<std::string>& argv) : pid_(spawn(argv, -1, -1)) {}
    ~Background() { stop(SIGKILL); }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;
    void stop(int sig) {
        if (pid_ > 0) {
            kill(pid_, sig);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    // True once it exited by itself within `timeout`.
    bool exited_within(std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (pid_ > 0 && std::chrono::steady_clock::now() < deadline) {
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
            }
            std::this_thread::sleep_for(50ms);
        }
        return pid_ < 0;
    }

private:
    int pid_;
};

// Waits until something listens on 127.0.0.1:`port` (read from /proc/net/tcp: connecting to
// check would use up `ffmpeg -listen 1`'s one client).
bool listening(int port, std::chrono::milliseconds timeout) {
    char local[32];
    (void)std::snprintf(local, sizeof local, "0100007F:%04X", port);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        std::istringstream table(read_file("/proc/net/tcp"));
        for (std::string line; std::getline(table, line);) {
            std::istringstream f(line);
            std::string slot, addr, remote, state;
            f >> slot >> addr >> remote >> state;
            if (addr == local && state == "0A") {  // TCP_LISTEN
                return true;
            }
        }
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

// A publisher as Janus forwards it: VP8 pt 96 of a solid colour and Opus pt 111.
std::unique_ptr<Background> publish(const Json& ready, const std::string& argb) {
    const std::string v = std::to_string(ready["video_port"].get<int>());
    const std::string a = std::to_string(ready["audio_port"].get<int>());
    return std::make_unique<Background>(
        std::vector<std::string>{tool("gst-launch-1.0"),
                                 "-q",
                                 "videotestsrc",
                                 "is-live=true",
                                 "pattern=solid-color",
                                 "foreground-color=" + argb,
                                 "!",
                                 "video/x-raw,width=640,height=360,framerate=30/1",
                                 "!",
                                 "vp8enc",
                                 "deadline=1",
                                 "keyframe-max-dist=15",
                                 "!",
                                 "rtpvp8pay",
                                 "pt=96",
                                 "!",
                                 "udpsink",
                                 "host=127.0.0.1",
                                 "port=" + v,
                                 "audiotestsrc",
                                 "is-live=true",
                                 "!",
                                 "opusenc",
                                 "!",
                                 "rtpopuspay",
                                 "pt=111",
                                 "!",
                                 "udpsink",
                                 "host=127.0.0.1",
                                 "port=" + a});
}

std::string probe(const fs::path& file, const std::string& entries) {
    return run_process({tool("ffprobe"), "-v", "error", "-show_entries", entries, "-of",
                        "default=noprint_wrappers=1", file.string()})
        .out;
}

struct Rgb {
    int r, g, b;
};

// The mean colour of a 16x16 square centred on (x, y) in the first frame of `segment`.
Rgb sample(const fs::path& segment, int x, int y) {
    const std::string crop =
        "crop=16:16:" + std::to_string(x - 8) + ":" + std::to_string(y - 8) + ",scale=1:1";
    const auto r =
        run_process({tool("ffmpeg"), "-nostdin", "-v", "error", "-i", segment.string(), "-frames:v",
                     "1", "-vf", crop, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"});
    if (r.out.size() < 3) {
        return Rgb{-1, -1, -1};
    }
    return Rgb{static_cast<unsigned char>(r.out[0]), static_cast<unsigned char>(r.out[1]),
               static_cast<unsigned char>(r.out[2])};
}

std::string colour_name(Rgb c) {
    auto hi = [](int v) { return v > 170; };
    auto lo = [](int v) { return v >= 0 && v < 90; };
    if (hi(c.r) && lo(c.g) && lo(c.b)) {
        return "red";
    }
    if (lo(c.r) && hi(c.g) && lo(c.b)) {
        return "green";
    }
    if (lo(c.r) && lo(c.g) && hi(c.b)) {
        return "blue";
    }
    if (lo(c.r) && lo(c.g) && lo(c.b)) {
        return "dark";
    }
    return "other(" + std::to_string(c.r) + "," + std::to_string(c.g) + "," + std::to_string(c.b) +
           ")";
}

std::vector<std::string> listed_segments(const fs::path& playlist) {
    std::vector<std::string> out;
    std::istringstream in(read_file(playlist));
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line[0] != '#') {
            out.push_back(line);
        }
    }
    return out;
}

// Colours at each tile's centre in the newest segment, once the program shows what is
// expected (segments made before a layout change still show the old one).
std::vector<std::string> program_colours(Worker& w, const fs::path& hls,
                                         const std::vector<broadcast::Tile>& tiles,
                                         const std::vector<std::string>& expected) {
    std::vector<std::string> got;
    for (int i = 0; i < 12; ++i) {
        const auto seg = w.wait_for("segment");
        if (!seg) {
            break;
        }
        got.clear();
        for (const auto& t : tiles) {
            got.push_back(colour_name(sample(hls / seg->at("uri").get<std::string>(),
                                             t.x + t.width / 2, t.y + t.height / 2)));
        }
        if (got == expected) {
            break;
        }
    }
    return got;
}

broadcast::InputSpec camera(const std::string& id, const std::string& name,
                            const std::string& role) {
    broadcast::InputSpec in;
    in.id = id;
    in.name = name;
    in.role = role;
    return in;
}

std::vector<broadcast::Tile> tiles_for(const std::vector<std::string>& ids) {
    std::vector<broadcast::LayoutInput> in;
    in.reserve(ids.size());
    for (const auto& id : ids) {
        in.push_back(broadcast::LayoutInput{id, "guest", "camera"});
    }
    return broadcast::plan_layout(in, broadcast::Layout::automatic, "", 1280, 720).tiles;
}

bool has_layout(const Json& e, const std::string& layout) {
    return e["layout"] == layout;
}

TEST(Compositor, ProgramFollowsInputsIntoHlsMp4AndRtmp) {
    TempDir dir;
    const fs::path hls = dir / "hls";
    const fs::path mp4 = dir / "rec" / "ev.mp4";
    const fs::path flv = dir / "out.flv";
    const int rtmp_port = free_port();
    Background receiver({tool("ffmpeg"), "-nostdin", "-v", "error", "-listen", "1", "-i",
                         "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/x", "-c", "copy",
                         "-y", flv.string()});
    ASSERT_TRUE(listening(rtmp_port, 15s)) << "ffmpeg -listen never listened";
    Worker w(dir / "worker.log");
    broadcast::OutputSettings s;
    s.hls_dir = hls.string();
    s.record_path = mp4.string();
    s.title = "Town Hall";
    s.rtmp = {{"t1", "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/x"},
              {"t2", "rtmp://127.0.0.1:" + std::to_string(free_port()) + "/live/dead"}};
    w.send(broadcast::StartCommand{s});
    // Nobody on yet: the slate (its layout event comes as the pipeline is built).
    ASSERT_TRUE(w.wait_for("layout", [](const Json& e) { return has_layout(e, "slate"); }));
    ASSERT_TRUE(w.wait_for("ready"));

    w.send(broadcast::AddCommand{camera("i1", "Ada", "talent")});
    const auto r1 = w.wait_for("input_ready");
    w.send(broadcast::AddCommand{camera("i2", "Bo", "guest")});
    const auto r2 = w.wait_for("input_ready");
    ASSERT_TRUE(r1 && r2);
    EXPECT_GT(r1->at("video_port").get<int>(), 0);
    EXPECT_GT(r1->at("audio_port").get<int>(), 0);
    const auto red = publish(*r1, "0xffff0000");
    const auto blue = publish(*r2, "0xff0000ff");
    const auto sbs =
        w.wait_for("layout", [](const Json& e) { return has_layout(e, "side_by_side"); });
    ASSERT_TRUE(sbs);
    EXPECT_EQ(sbs->at("inputs"), Json({"i1", "i2"}));
    EXPECT_EQ(program_colours(w, hls, tiles_for({"i1", "i2"}), {"red", "blue"}),
              (std::vector<std::string>{"red", "blue"}));

    const std::string seg = listed_segments(hls / "index.m3u8").back();
    const std::string streams = probe(hls / seg, "stream=codec_name,width,height");
    EXPECT_NE(streams.find("codec_name=h264\nwidth=1280\nheight=720\n"), std::string::npos)
        << streams;
    EXPECT_NE(streams.find("codec_name=aac\n"), std::string::npos) << streams;
    EXPECT_TRUE(std::regex_match(seg, std::regex(R"(r[0-9a-f]+-\d{5}\.ts)"))) << seg;

    w.send(broadcast::AddCommand{camera("i3", "Cy", "guest")});
    const auto r3 = w.wait_for("input_ready");
    ASSERT_TRUE(r3);
    const auto green = publish(*r3, "0xff00ff00");
    ASSERT_TRUE(w.wait_for("layout", [](const Json& e) { return has_layout(e, "grid"); }));
    EXPECT_EQ(program_colours(w, hls, tiles_for({"i1", "i2", "i3"}), {"red", "blue", "green"}),
              (std::vector<std::string>{"red", "blue", "green"}));

    w.send(broadcast::RemoveCommand{"i3"});
    ASSERT_TRUE(w.wait_for("layout", [](const Json& e) { return has_layout(e, "side_by_side"); }));
    EXPECT_EQ(program_colours(w, hls, tiles_for({"i1", "i2"}), {"red", "blue"}),
              (std::vector<std::string>{"red", "blue"}));

    // Video muted: a dark name card instead of the picture; unmuted: the picture again.
    auto bo = camera("i2", "Bo", "guest");
    bo.video_muted = true;
    w.send(broadcast::UpdateCommand{bo});
    EXPECT_EQ(program_colours(w, hls, tiles_for({"i1", "i2"}), {"red", "dark"}),
              (std::vector<std::string>{"red", "dark"}));
    bo.video_muted = false;
    w.send(broadcast::UpdateCommand{bo});
    EXPECT_EQ(program_colours(w, hls, tiles_for({"i1", "i2"}), {"red", "blue"}),
              (std::vector<std::string>{"red", "blue"}));

    // The good target went live; the dead one keeps retrying on its own.
    EXPECT_TRUE(w.seen_or_wait(
        "rtmp", [](const Json& e) { return e["id"] == "t1" && e["state"] == "live"; }, 15s));
    int t2_retries = 0;
    EXPECT_TRUE(w.seen_or_wait(
        "rtmp",
        [&](const Json& e) {
            t2_retries += e["id"] == "t2" && e["state"] == "retrying";
            return t2_retries >= 2;
        },
        20s));

    w.send(broadcast::StopCommand{});
    const auto stopped = w.wait_for("stopped", nullptr, 20s);
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->at("recording"), mp4.string());
    const auto status = w.wait_exit(10s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;

    const std::string playlist = read_file(hls / "index.m3u8");
    EXPECT_NE(playlist.find("#EXT-X-TARGETDURATION:1\n"), std::string::npos) << playlist;
    EXPECT_EQ(playlist.substr(playlist.size() - 15), "#EXT-X-ENDLIST\n") << playlist;
    EXPECT_EQ(listed_segments(hls / "index.m3u8").size(), 6U);
    for (const auto& f : listed_segments(hls / "index.m3u8")) {
        EXPECT_TRUE(fs::exists(hls / f)) << f;
    }
    EXPECT_EQ(probe(mp4, "stream=codec_name"), "codec_name=h264\ncodec_name=aac\n");
    EXPECT_GT(std::stod(probe(mp4, "format=duration").substr(9)), 3.0);
    ASSERT_TRUE(receiver.exited_within(10s));
    EXPECT_EQ(probe(flv, "stream=codec_name"), "codec_name=h264\ncodec_name=aac\n");
    // Any t1 retry happened before it was live (ffmpeg may not have listened yet), never after.
    bool live = false;
    for (const auto& e : w.seen()) {
        if (e.value("type", "") == "rtmp" && e["id"] == "t1") {
            live = live || e["state"] == "live";
            EXPECT_FALSE(live && e["state"] == "retrying") << e;
        }
    }
}

// A target that keeps failing is given up on after its budget of attempts (2 here; 8 in
// production) and reported `failed` with the last reason, and is not retried any more; the other
// target and HLS go on as if nothing happened.
TEST(Compositor, RtmpTargetFailsAfterItsAttemptsWhileTheOtherStaysLive) {
    TempDir dir;
    const fs::path hls = dir / "hls";
    const fs::path flv = dir / "out.flv";
    const int rtmp_port = free_port();
    Background receiver({tool("ffmpeg"), "-nostdin", "-v", "error", "-listen", "1", "-i",
                         "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/x", "-c", "copy",
                         "-y", flv.string()});
    Worker w(dir / "worker.log");
    broadcast::OutputSettings s;
    s.hls_dir = hls.string();
    s.rtmp = {{"t1", "rtmp://127.0.0.1:" + std::to_string(rtmp_port) + "/live/x"},
              {"t2", "rtmp://127.0.0.1:" + std::to_string(free_port()) + "/live/dead"}};
    s.rtmp_attempts = 2;
    w.send(broadcast::StartCommand{s});
    ASSERT_TRUE(w.wait_for("ready"));
    const auto failed = w.wait_for(
        "rtmp", [](const Json& e) { return e["id"] == "t2" && e["state"] == "failed"; }, 30s);
    ASSERT_TRUE(failed);
    EXPECT_FALSE(failed->at("error").get<std::string>().empty()) << *failed;
    EXPECT_TRUE(w.seen_or_wait(
        "rtmp", [](const Json& e) { return e["id"] == "t1" && e["state"] == "live"; }, 15s));
    // More segments than the next retry would take (2 s): t2 stays quiet, t1 stays live.
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(w.wait_for("segment"));
    }
    std::vector<std::string> t2_states;
    bool t1_live = false;
    for (const auto& e : w.seen()) {
        if (e.value("type", "") != "rtmp") {
            continue;
        }
        if (e["id"] == "t2") {
            t2_states.push_back(e["state"].get<std::string>());
        } else {
            t1_live = t1_live || e["state"] == "live";
            EXPECT_FALSE(t1_live && e["state"] != "live") << e;
        }
    }
    // The first attempt failed (retrying), the second (a TCP check first) too, and that was all.
    EXPECT_EQ(t2_states, (std::vector<std::string>{"retrying", "connecting", "failed"}));

    w.send(broadcast::StopCommand{});
    ASSERT_TRUE(w.wait_for("stopped", nullptr, 20s));
    const auto status = w.wait_exit(10s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
    ASSERT_TRUE(receiver.exited_within(10s));
    EXPECT_EQ(probe(flv, "stream=codec_name"), "codec_name=h264\ncodec_name=aac\n");
    EXPECT_GT(std::stod(probe(flv, "format=duration").substr(9)), 3.0);
}

TEST(Compositor, SigtermFinalisesAndAResumedWorkerContinuesThePlaylist) {
    TempDir dir;
    const fs::path hls = dir / "hls";
    const fs::path mp4 = dir / "ev.mp4";
    broadcast::OutputSettings s;
    s.hls_dir = hls.string();
    s.record_path = mp4.string();
    s.title = "Slate & <Title>";
    std::int64_t last = -1;
    {
        Worker w(dir / "worker1.log");
        w.send_raw("not json\n");
        const auto bad = w.wait_for("error");
        ASSERT_TRUE(bad);
        EXPECT_EQ(bad->at("code"), "bad_json");
        EXPECT_EQ(bad->at("fatal"), false);
        w.send(broadcast::RemoveCommand{"nobody"});
        EXPECT_EQ(w.wait_for("error")->at("code"), "not_started");
        w.send(broadcast::StartCommand{s});
        ASSERT_TRUE(w.wait_for("ready"));
        w.send(broadcast::RemoveCommand{"nobody"});
        EXPECT_EQ(w.wait_for("error")->at("code"), "unknown_input");
        for (int i = 0; i < 3; ++i) {
            const auto seg = w.wait_for("segment");
            ASSERT_TRUE(seg);
            last = seg->at("sequence").get<std::int64_t>();
        }
        // Nobody on: the slate, a dark frame.
        EXPECT_EQ(colour_name(sample(hls / listed_segments(hls / "index.m3u8").back(), 640, 620)),
                  "dark");
        w.signal(SIGTERM);
        const auto stopped = w.wait_for("stopped", nullptr, 20s);
        ASSERT_TRUE(stopped);
        const auto status = w.wait_exit(10s);
        ASSERT_TRUE(status);
        EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
        for (const auto& e : w.seen()) {
            if (e["type"] == "segment") {
                last = e["sequence"].get<std::int64_t>();
            }
        }
    }
    EXPECT_NE(read_file(hls / "index.m3u8").find("#EXT-X-ENDLIST"), std::string::npos);
    EXPECT_EQ(probe(mp4, "stream=codec_name"), "codec_name=h264\ncodec_name=aac\n");
    EXPECT_GT(std::stod(probe(mp4, "format=duration").substr(9)), 1.0);
    const auto before = listed_segments(hls / "index.m3u8");

    s.resume = true;
    s.record_path.clear();
    Worker w(dir / "worker2.log");
    w.send(broadcast::StartCommand{s});
    const auto first = w.wait_for("segment");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->at("sequence").get<std::int64_t>(), last + 1);
    EXPECT_NE(first->at("uri").get<std::string>().substr(0, 10), before.back().substr(0, 10));
    const std::string playlist = read_file(hls / "index.m3u8");
    EXPECT_EQ(playlist.find("#EXT-X-ENDLIST"), std::string::npos) << playlist;
    EXPECT_NE(playlist.find(before.back() + "\n#EXT-X-DISCONTINUITY\n#EXTINF:"), std::string::npos)
        << playlist;
    w.close_stdin();  // EOF is stop
    ASSERT_TRUE(w.wait_for("stopped", nullptr, 20s));
    const auto status = w.wait_exit(10s);
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
    EXPECT_NE(read_file(hls / "index.m3u8").find("#EXT-X-ENDLIST"), std::string::npos);
}

}  // namespace
}  // namespace onstage::testing
