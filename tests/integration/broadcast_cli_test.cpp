// `onstage broadcast …` as an organiser runs it next to a live server: the RTMP target
// subcommands end to end against a real `onstage serve`, start/stop/status against a one-shot
// fake server that records the request (the real broadcast routes are tested with the
// broadcast itself), and the CLI's own errors.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "admin_fixture.hpp"
#include "support/tls_client.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

constexpr const char* kKey = "live_9876_SECRETKEY";

// Writes a config that `serve` and the CLI read alike: the admin token, and the port.
std::filesystem::path write_config(const TempDir& tmp, int port, bool with_token = true) {
    auto file = tmp / "cli.toml";
    std::string text = "[server]\nport = " + std::to_string(port) + "\n";
    if (with_token) {
        text += "[admin]\ntoken = \"" + std::string(kAdminToken) + "\"\n";
    }
    write_file(file, text);
    return file;
}

class BroadcastCliTest : public AdminTest {
protected:
    std::filesystem::path config;
    std::string event_id;

    void SetUp() override {
        AdminTest::SetUp();
        config = write_config(tmp, port);
        event_id = create("Cli broadcast")["event"]["id"];
    }

    ProcessResult cli(std::vector<std::string> args) {
        args.insert(args.begin(), {"--config", config.string(), "broadcast"});
        return run_onstage(args);
    }

    // With `input` on stdin, through /bin/sh (run_process gives children /dev/null).
    ProcessResult cli_with_stdin(const std::string& input, const std::vector<std::string>& args) {
        const auto in = tmp / "stdin.txt";
        write_file(in, input);
        std::vector<std::string> argv{"/bin/sh",   "-c",       "exec \"$@\" < \"$0\"", in.string(),
                                      ONSTAGE_BIN, "--config", config.string(),        "broadcast"};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv);
    }
};

TEST_F(BroadcastCliTest, TargetsAddListRemoveAgainstARealServer) {
    auto r = cli({"targets", "list", event_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "No RTMP targets.\n");

    // The URL comes from stdin (never argv) ...
    r = cli_with_stdin(std::string("rtmp://a.rtmp.youtube.com/live2/") + kKey + "\n",
                       {"targets", "add", event_id, "--name", "YouTube"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::smatch added;
    ASSERT_TRUE(std::regex_match(
        r.out, added,
        std::regex(
            R"(Added RTMP target ([0-9a-z]{12}) \(YouTube, rtmp://a\.rtmp\.youtube\.com/live2/…\)\.\n)")))
        << r.out;
    const std::string yt = added[1];
    // ... or from a file.
    write_file(tmp / "twitch.url", std::string("rtmp://live.twitch.tv/app/") + kKey);
    r = cli({"targets", "add", event_id, "--name", "Twitch", "--url-file",
             (tmp / "twitch.url").string(), "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json twitch = json::parse(r.out);
    EXPECT_EQ(twitch["url_redacted"], "rtmp://live.twitch.tv/app/…");

    r = cli({"targets", "list", event_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find(kKey), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(yt + "   YouTube"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("rtmp://live.twitch.tv/app/…"), std::string::npos) << r.out;
    r = cli({"targets", "list", event_id, "--json"});
    EXPECT_EQ(json::parse(r.out)["targets"].size(), 2U);
    // `event show` (straight from the database) lists them redacted too.
    r = run_onstage({"--data-dir", (tmp / "data").string(), "event", "show", event_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.find(kKey), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("RTMP targets (the broadcast pushes to each):\n  " + yt),
              std::string::npos)
        << r.out;
    r = run_onstage({"--data-dir", (tmp / "data").string(), "event", "show", event_id, "--json"});
    EXPECT_EQ(json::parse(r.out)["rtmp_targets"][1]["url_redacted"], "rtmp://live.twitch.tv/app/…");

    r = cli({"targets", "remove", event_id, yt});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "Removed RTMP target " + yt + ".\n");
    r = cli({"targets", "remove", event_id, yt});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "onstage: error: This event has no such RTMP target. [unknown_target]\n");
    EXPECT_EQ(json::parse(cli({"targets", "list", event_id, "--json"}).out)["targets"].size(), 1U);
}

TEST_F(BroadcastCliTest, ServerErrorsArePrintedWithTheirCodes) {
    auto r = cli_with_stdin("http://example.org/live/key\n",
                            {"targets", "add", event_id, "--name", "Bad"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err,
              "onstage: error: The URL must start with rtmp:// or rtmps://. [bad_rtmp_url]\n");
    r = cli({"targets", "list", "no-such-event-1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "onstage: error: There is no such event. [unknown_event]\n");
    r = cli_with_stdin("", {"targets", "add", event_id, "--name", "Empty"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[bad_input]"), std::string::npos) << r.err;
    // A wrong token is the server's 401.
    write_file(config, "[server]\nport = " + std::to_string(port) +
                           "\n[admin]\ntoken = \"another-token-0123456789abcdef\"\n");
    r = cli({"targets", "list", event_id});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[unauthenticated]"), std::string::npos) << r.err;
}

TEST(BroadcastCli, NoAdminTokenOrNoServerAreClearErrors) {
    TempDir tmp;
    auto r = run_onstage({"--config", write_config(tmp, free_port(), false).string(), "broadcast",
                          "status", "ev-123456"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[admin_api_off]"), std::string::npos) << r.err;

    const int closed = free_port();
    r = run_onstage(
        {"--config", write_config(tmp, closed).string(), "broadcast", "status", "ev-123456"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot reach onstage at http://127.0.0.1:" + std::to_string(closed)),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("[server_unreachable]"), std::string::npos) << r.err;

    r = run_onstage({"--config", write_config(tmp, closed).string(), "broadcast", "status",
                     "ev-123456", "--server", "ftp://127.0.0.1"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[bad_server_url]"), std::string::npos) << r.err;
}

TEST(BroadcastCli, HttpsServerIsVerifiedAndUsedByDefaultWhenTlsIsConfigured) {
    using namespace std::chrono_literals;
    TempDir tmp;
    const auto cert = make_self_signed_certificate(tmp.path());
    const std::string tls = "[tls]\ncert = \"" + cert.cert.string() + "\"\nkey = \"" +
                            cert.key.string() + "\"\n[admin]\ntoken = \"" + kAdminToken + "\"\n";
    write_file(tmp / "serve.toml", tls);
    Child server({ONSTAGE_BIN, "--config", (tmp / "serve.toml").string(), "--data-dir",
                  (tmp / "data").string(), "serve", "--port", "0"});
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on https://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    write_file(tmp / "cli.toml", "[server]\nport = " + std::string((*listening)[1]) + "\n" + tls);
    const std::vector<std::string> list{
        "--config", (tmp / "cli.toml").string(), "broadcast", "targets", "list", "no-such-event-1"};

    // Trusting the test's certificate: the server's own answer comes back.
    std::vector<std::string> argv{"/usr/bin/env", "SSL_CERT_FILE=" + cert.cert.string(),
                                  ONSTAGE_BIN};
    argv.insert(argv.end(), list.begin(), list.end());
    auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_EQ(r.err, "onstage: error: There is no such event. [unknown_event]\n");

    // Not trusting it: the handshake fails and nothing is sent.
    argv = {"/usr/bin/env", "SSL_CERT_FILE=/dev/null", ONSTAGE_BIN};
    argv.insert(argv.end(), list.begin(), list.end());
    r = run_process(argv);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("cannot reach onstage at https://127.0.0.1:"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[server_unreachable]"), std::string::npos) << r.err;
    EXPECT_TRUE(server.stop(SIGTERM, 10s).has_value());
}

// One connection on 127.0.0.1: records the request, answers `status` with `body`.
class OneShotServer {
public:
    OneShotServer(int status, std::string body) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        auto* sa = reinterpret_cast<sockaddr*>(&addr);
        if (::bind(fd_, sa, len) != 0 || ::listen(fd_, 1) != 0 ||
            ::getsockname(fd_, sa, &len) != 0) {
            throw std::runtime_error("cannot listen on 127.0.0.1");
        }
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this, status, body = std::move(body)] { serve(status, body); });
    }
    ~OneShotServer() {
        ::shutdown(fd_, SHUT_RDWR);
        thread_.join();
        ::close(fd_);
    }
    OneShotServer(const OneShotServer&) = delete;
    OneShotServer& operator=(const OneShotServer&) = delete;

    int port() const { return port_; }
    // The request as received (valid after the client has exited).
    const std::string& request() const { return request_; }

private:
    void serve(int status, const std::string& body) {
        const int conn = ::accept(fd_, nullptr, nullptr);
        if (conn < 0) {
            return;
        }
        char buf[4096];
        for (;;) {
            const auto head_end = request_.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                std::smatch m;
                std::size_t length = 0;
                if (std::regex_search(request_, m,
                                      std::regex(R"(Content-Length: (\d+))", std::regex::icase))) {
                    length = std::stoul(m[1]);
                }
                if (request_.size() >= head_end + 4 + length) {
                    break;
                }
            }
            const auto n = ::read(conn, buf, sizeof buf);
            if (n <= 0) {
                break;
            }
            request_.append(buf, static_cast<std::size_t>(n));
        }
        const std::string reply = "HTTP/1.1 " + std::to_string(status) +
                                  " X\r\nContent-Type: application/json\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                  body;
        (void)!::write(conn, reply.data(), reply.size());
        ::close(conn);
    }

    int fd_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::string request_;
};

constexpr const char* kLiveView = R"({"state":"live","reason":"","since":1767258000000,
 "layout":"auto","applied_layout":"grid","hls_url":"/hls/ev-123456/index.m3u8","viewers":12,
 "recording":true,"targets":[{"id":"t1","name":"YouTube","state":"live","error":""},
 {"id":"t2","name":"Twitch","state":"retrying","error":"connection refused"}],
 "on_program":["p1","p2"]})";

TEST(BroadcastCli, StartSendsTheAdminRequestAndPrintsTheView) {
    TempDir tmp;
    OneShotServer fake(202, kLiveView);
    const auto config = write_config(tmp, fake.port());
    const auto r =
        run_onstage({"--config", config.string(), "broadcast", "start", "ev-123456", "--record"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out,
              "Broadcast of ev-123456: live (since 2026-01-01 09:00:00Z)\n"
              "Layout:     auto (on air: grid)\n"
              "Viewers:    12\n"
              "Recording:  yes\n"
              "HLS:        /hls/ev-123456/index.m3u8\n"
              "RTMP:\n"
              "  t1             YouTube              live\n"
              "  t2             Twitch               retrying (connection refused)\n"
              "On program: p1, p2\n");
    EXPECT_TRUE(fake.request().starts_with(
        "POST /api/v1/admin/events/ev-123456/broadcast/start HTTP/1.1\r\n"))
        << fake.request();
    EXPECT_NE(fake.request().find("Authorization: Bearer " + std::string(kAdminToken) + "\r\n"),
              std::string::npos)
        << fake.request();
    EXPECT_TRUE(fake.request().ends_with("\r\n\r\n{\"record\":true}")) << fake.request();
}

// Without --record or --no-record the CLI leaves the choice to the server (broadcast.record).
TEST(BroadcastCli, StartWithoutARecordFlagLeavesItToTheServer) {
    TempDir tmp;
    {
        OneShotServer fake(202, kLiveView);
        const auto config = write_config(tmp, fake.port());
        const auto r =
            run_onstage({"--config", config.string(), "broadcast", "start", "ev-123456"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(fake.request().ends_with("\r\n\r\n{}")) << fake.request();
    }
    {
        OneShotServer fake(202, kLiveView);
        const auto config = write_config(tmp, fake.port());
        const auto r = run_onstage(
            {"--config", config.string(), "broadcast", "start", "ev-123456", "--no-record"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_TRUE(fake.request().ends_with("\r\n\r\n{\"record\":false}")) << fake.request();
    }
    const auto both = run_onstage({"broadcast", "start", "ev-123456", "--record", "--no-record"});
    EXPECT_NE(both.exit_code, 0);
}

TEST(BroadcastCli, StatusAndStopUseTheirRoutesAndJsonIsTheServersView) {
    TempDir tmp;
    {
        OneShotServer fake(200, kLiveView);
        const auto r = run_onstage({"--config", write_config(tmp, fake.port()).string(),
                                    "broadcast", "status", "ev-123456", "--json"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(json::parse(r.out), json::parse(kLiveView));
        EXPECT_TRUE(
            fake.request().starts_with("GET /api/v1/admin/events/ev-123456/broadcast HTTP/1.1\r\n"))
            << fake.request();
    }
    {
        OneShotServer fake(
            409, R"({"error":{"code":"broadcast_not_live","message":"Nothing is on air."}})");
        const auto r = run_onstage({"--config", write_config(tmp, fake.port()).string(),
                                    "broadcast", "stop", "ev-123456"});
        EXPECT_EQ(r.exit_code, 1);
        EXPECT_EQ(r.err, "onstage: error: Nothing is on air. [broadcast_not_live]\n");
        EXPECT_TRUE(fake.request().starts_with(
            "POST /api/v1/admin/events/ev-123456/broadcast/stop HTTP/1.1\r\n"))
            << fake.request();
    }
}

}  // namespace
}  // namespace onstage::testing
