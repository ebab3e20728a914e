// `onstage serve --tls-cert … --tls-key …` as an organiser runs it: the one port speaks HTTPS
// and WSS with a certificate made for the test, refuses plain HTTP without falling over, and a
// certificate that can't be used stops the server before it listens.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <thread>

#include "small_event.hpp"
#include "support/child.hpp"
#include "support/process.hpp"
#include "support/tls_client.hpp"
#include "support/ws_client.hpp"

namespace onstage::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

std::vector<std::string> serve_args(const TempDir& tmp, const TestCertificate& c) {
    return {ONSTAGE_BIN, "--data-dir", (tmp / "data").string(), "serve",     "--port",
            "0",         "--tls-cert", c.cert.string(),         "--tls-key", c.key.string()};
}

TEST(Tls, ServesHttpsAndWssOnOnePortAndRefusesPlainHttp) {
    TempDir tmp;
    const auto cert = make_self_signed_certificate(tmp.path());
    const auto event = create_small_event(tmp);
    Child server(serve_args(tmp, cert));
    const auto listening =
        server.wait_for_line(std::regex(R"(listening on https://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    const int port = std::stoi((*listening)[1]);

    const auto health = https_get(port, "/healthz", cert.cert);
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"status":"ok"})");

    // Plain HTTP on the TLS port gets no HTTP answer, and the server carries on.
    EXPECT_EQ(http_get(port, "/healthz").status, 0);

    const json login{{"event_id", event.id}, {"participant_id", event.attendee_id}};
    const auto token = https_post(port, "/api/v1/login", login.dump(), cert.cert);
    ASSERT_EQ(token.status, 200) << token.body;
    EXPECT_NE(token.headers.find("; Path=/hls/" + event.id +
                                 "/; Max-Age=43200; HttpOnly; "
                                 "SameSite=Lax; Secure\r\n"),
              std::string::npos)
        << "the HLS playback cookie is Secure under TLS: " << token.headers;
    WssClient ws(port, "/api/v1/live?e=" + event.id, cert.cert.string());
    ws.send({{"type", "hello"}, {"token", json::parse(token.body).at("token")}, {"since", 0}});
    const auto welcome = ws.next();
    ASSERT_TRUE(welcome);
    EXPECT_EQ((*welcome)["type"], "welcome") << welcome->dump();
    EXPECT_EQ(ws.command("ping")["type"], "ack");
    EXPECT_EQ(https_get(port, "/readyz", cert.cert).status, 200) << "still serving";

    // SIGTERM drains WSS like WS: close with 1001 (going away), exit 0.
    // The client answers the server's close while the server drains, as a browser would.
    std::optional<int> status;
    std::thread stopper([&server, &status] { status = server.stop(SIGTERM, 10s); });
    EXPECT_EQ(ws.wait_closed(), 1001);
    stopper.join();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0);
}

TEST(Tls, UnusableCertificateOrKeyStopsTheServerBeforeItListens) {
    TempDir tmp;
    const auto cert = make_self_signed_certificate(tmp.path(), "one");
    const auto other = make_self_signed_certificate(tmp.path(), "two");
    write_file(tmp / "junk.pem", "not a certificate\n");
    const std::string data = (tmp / "data").string();
    auto serve = [&](const std::string& c, const std::string& k) {
        return run_onstage(
            {"--data-dir", data, "serve", "--port", "0", "--tls-cert", c, "--tls-key", k});
    };
    struct Case {
        std::string cert, key, code;
    };
    for (const auto& [c, k, code] : std::vector<Case>{
             {cert.cert.string(), other.key.string(), "tls_key_mismatch"},
             {(tmp / "missing.pem").string(), cert.key.string(), "tls_cert_unreadable"},
             {(tmp / "junk.pem").string(), cert.key.string(), "tls_cert_unreadable"},
             {cert.cert.string(), (tmp / "missing.pem").string(), "tls_key_unreadable"},
         }) {
        const auto r = serve(c, k);
        EXPECT_EQ(r.exit_code, 1) << c << " " << k;
        EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
    }
}

}  // namespace
}  // namespace onstage::testing
