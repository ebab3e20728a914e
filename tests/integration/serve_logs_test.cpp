// The logs an operator reads while `onstage serve --log-format json` runs: one JSON object per
// line, and every line about a WebSocket names its connection, client and, once signed in, the
// event, participant and role, with the close code when it ends.
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <sstream>
#include <thread>

#include "small_event.hpp"
#include "support/child.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace onstage::testing {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// The JSON log lines among the server's output; fails the test on any line that isn't one.
std::vector<json> json_lines(const std::string& output) {
    std::vector<json> lines;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("onstage listening")) {
            continue;  // stdout: the banner for the user
        }
        const auto parsed = json::parse(line, nullptr, false);
        EXPECT_TRUE(parsed.is_object()) << "not a JSON log line: " << line;
        if (parsed.is_object()) {
            lines.push_back(parsed);
        }
    }
    return lines;
}

const json* find_line(const std::vector<json>& lines, const std::string& msg) {
    for (const auto& line : lines) {
        if (line.value("msg", "") == msg) {
            return &line;
        }
    }
    return nullptr;
}

TEST(ServeLogs, JsonLinesNameTheConnectionParticipantAndCloseCode) {
    TempDir tmp;
    const auto event = create_small_event(tmp);
    // stderr (the logs) joins stdout so the test can read both.
    Child server({"/bin/sh", "-c", "exec \"$0\" \"$@\" 2>&1", ONSTAGE_BIN, "--data-dir",
                  (tmp / "data").string(), "serve", "--port", "0", "--log-format", "json"});
    const auto listening =
        server.wait_for_line(std::regex(R"(onstage listening on http://127\.0\.0\.1:(\d+))"), 15s);
    ASSERT_TRUE(listening) << server.output();
    const int port = std::stoi((*listening)[1]);

    const json login{{"event_id", event.id}, {"participant_id", event.attendee_id}};
    const auto token = http_post(port, "/api/v1/login", login.dump());
    ASSERT_EQ(token.status, 200) << token.body;
    WsClient ws(port, "/api/v1/live?e=" + event.id);
    ws.send({{"type", "hello"}, {"token", json::parse(token.body).at("token")}, {"since", 0}});
    ASSERT_TRUE(ws.next());
    WsClient intruder(port, "/api/v1/live?e=" + event.id);
    intruder.send({{"type", "hello"}, {"token", "not-a-token"}, {"since", 0}});
    EXPECT_NE(intruder.wait_closed(), 0);

    // The client answers the server's close while the server drains, as a browser would.
    std::optional<int> status;
    std::thread stopper([&server, &status] { status = server.stop(SIGTERM, 10s); });
    EXPECT_EQ(ws.wait_closed(), 1001);
    stopper.join();
    ASSERT_TRUE(status);
    server.wait_for_line(std::regex("never printed"), 2s);  // read the rest of the output
    const auto lines = json_lines(server.output());

    const json* signed_in = find_line(lines, "signed in");
    ASSERT_NE(signed_in, nullptr) << server.output();
    EXPECT_TRUE(std::regex_match(signed_in->value("conn", ""), std::regex("c[0-9]+")));
    EXPECT_EQ(signed_in->value("client", ""), "127.0.0.1");
    EXPECT_EQ(signed_in->value("event", ""), event.id);
    EXPECT_EQ(signed_in->value("participant", ""), event.attendee_id);
    EXPECT_EQ(signed_in->value("role", ""), "attendee");
    EXPECT_EQ(signed_in->value("level", ""), "info");
    EXPECT_FALSE(signed_in->value("ts", "").empty());

    const json* refused = find_line(lines, "hello refused");
    ASSERT_NE(refused, nullptr) << server.output();
    EXPECT_NE(refused->value("conn", ""), signed_in->value("conn", ""));
    EXPECT_FALSE(refused->value("code", "").empty());

    const json* closed = nullptr;
    for (const auto& line : lines) {
        if (line.value("msg", "") == "websocket closed" &&
            line.value("participant", "") == event.attendee_id) {
            closed = &line;
        }
    }
    ASSERT_NE(closed, nullptr) << server.output();
    EXPECT_EQ(closed->value("code", ""), "1001");
    EXPECT_EQ(closed->value("by", ""), "server");
    EXPECT_NE(find_line(lines, "draining: closing websockets"), nullptr) << server.output();
    const json* drained = find_line(lines, "drained");
    ASSERT_NE(drained, nullptr) << server.output();
    EXPECT_EQ(drained->value("websockets_left", ""), "0") << "every tab closed before the exit";
}

}  // namespace
}  // namespace onstage::testing
