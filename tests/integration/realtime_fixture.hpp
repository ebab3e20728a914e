// A real `onstage serve` on a free port with a freshly created event (2 moderators, 1 talent,
// 5 attendees), plus helpers to log in and open the realtime socket as any of them.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <regex>

#include "support/child.hpp"
#include "support/process.hpp"
#include "support/ws_client.hpp"

namespace onstage::testing {

struct Person {
    std::string id;
    std::string name;
    std::string key;  // moderators and talent
};

class RealtimeTest : public ::testing::Test {
protected:
    TempDir tmp;
    std::string event_id;
    std::vector<Person> attendees, moderators, talent;
    std::unique_ptr<Child> server;
    int port = 0;
    std::vector<std::string> extra_serve_args;  // e.g. {"--media-janus", "spawn"}

    void SetUp() override {
        write_file(
            tmp / "a.csv",
            "full_name\nAda Attendee\nBo Attendee\nCy Attendee\nDee Attendee\nEd Attendee\n");
        write_file(tmp / "m.csv", "full_name\nMo One\nMia Two\n");
        write_file(tmp / "t.csv", "full_name\nTara Talent\n");
        const auto r =
            run_onstage({"--data-dir", (tmp / "data").string(), "event", "create", "--name",
                         "Live test", "--attendees", (tmp / "a.csv").string(), "--moderators",
                         (tmp / "m.csv").string(), "--talent", (tmp / "t.csv").string(),
                         "--base-url", "http://127.0.0.1", "--out", (tmp / "links").string()});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        std::smatch m;
        ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(\((live-test-[0-9a-z]{6})\))")));
        event_id = m[1];
        attendees = people("attendees");
        moderators = people("moderators");
        talent = people("talents");
        start_server();
    }

    std::vector<Person> people(const std::string& kind) {
        std::vector<Person> out;
        for (const auto& p :
             nlohmann::json::parse(read_file(tmp / "links" / (event_id + "_" + kind + ".json")))) {
            out.push_back({p["attendeeId"], p["full_name"], p.value("access_key", "")});
        }
        return out;
    }

    void start_server() {
        std::vector<std::string> args{ONSTAGE_BIN, "--data-dir", (tmp / "data").string(),
                                      "serve",     "--port",     "0"};
        args.insert(args.end(), extra_serve_args.begin(), extra_serve_args.end());
        server = std::make_unique<Child>(std::move(args));
        const auto listening = server->wait_for_line(
            std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), std::chrono::seconds(15));
        ASSERT_TRUE(listening) << server->output();
        port = std::stoi((*listening)[1]);
    }

    void restart_server() {
        ASSERT_TRUE(server->stop(SIGTERM, std::chrono::seconds(10)));
        start_server();
    }

    HttpReply login(const Person& p, const std::string& event = "") {
        nlohmann::json body{{"event_id", event.empty() ? event_id : event},
                            {"participant_id", p.id}};
        if (!p.key.empty()) {
            body["access_key"] = p.key;
        }
        return http_post(port, "/api/v1/login", body.dump());
    }

    std::string token_of(const Person& p) {
        const auto r = login(p);
        EXPECT_EQ(r.status, 200) << r.body;
        return r.status == 200 ? nlohmann::json::parse(r.body)["token"].get<std::string>() : "";
    }

    // Logs in, connects, says hello; returns the client after welcome + snapshot.
    std::unique_ptr<WsClient> connect(const Person& p, std::uint64_t since = 0,
                                      const std::string& token = "") {
        auto ws = std::make_unique<WsClient>(port, "/api/v1/live?e=" + event_id);
        ws->send(
            {{"type", "hello"}, {"token", token.empty() ? token_of(p) : token}, {"since", since}});
        const auto welcome = ws->next();
        EXPECT_TRUE(welcome && (*welcome)["type"] == "welcome") << (welcome ? welcome->dump() : "");
        return ws;
    }

    // Says hello with `token` and expects the server to refuse it as revoked and close 4401.
    void expect_token_revoked(const std::string& token) {
        WsClient replay(port, "/api/v1/live?e=" + event_id);
        replay.send({{"type", "hello"}, {"token", token}, {"since", 0}});
        const auto refused = replay.next();
        ASSERT_TRUE(refused);
        EXPECT_EQ((*refused)["code"], "token_revoked");
        EXPECT_EQ(replay.wait_closed(), 4401);
    }

    static bool is_status(const nlohmann::json& m, const std::string& attendee,
                          const std::string& state) {
        return m.value("type", "") == "status" && m.contains("attendee") &&
               m["attendee"]["id"] == attendee && m["attendee"]["state"] == state;
    }
};

}  // namespace onstage::testing
