// A real `onstage serve` on a free port with an empty data directory and, unless a test asks
// otherwise, an admin token; plus helpers to call the admin API as the console does.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/child.hpp"
#include "support/process.hpp"

namespace onstage::testing {

inline constexpr const char* kAdminToken = "test-admin-token-0123456789abcdef";

class AdminTest : public ::testing::Test {
protected:
    TempDir tmp;
    std::unique_ptr<Child> server;
    int port = 0;

    void SetUp() override { start_server(kAdminToken); }

    // `env`: more ONSTAGE_* settings for this server only.
    void start_server(const std::string& admin_token,
                      const std::vector<std::pair<std::string, std::string>>& env = {}) {
        // The interim way to hand serve its admin token (the config file comes later); set only
        // while the child is spawned, so it does not leak into other servers.
        // NOLINTNEXTLINE(concurrency-mt-unsafe): tests start servers from one thread
        ::setenv("ONSTAGE_ADMIN_TOKEN", admin_token.c_str(), 1);
        for (const auto& [name, value] : env) {
            ::setenv(name.c_str(), value.c_str(), 1);  // NOLINT(concurrency-mt-unsafe): as above
        }
        server = std::make_unique<Child>(std::vector<std::string>{
            ONSTAGE_BIN, "--data-dir", (tmp / "data").string(), "serve", "--port", "0"});
        ::unsetenv("ONSTAGE_ADMIN_TOKEN");  // NOLINT(concurrency-mt-unsafe): as above
        for (const auto& [name, value] : env) {
            ::unsetenv(name.c_str());  // NOLINT(concurrency-mt-unsafe): as above
        }
        const auto listening = server->wait_for_line(
            std::regex(R"(listening on http://127\.0\.0\.1:(\d+))"), std::chrono::seconds(15));
        ASSERT_TRUE(listening) << server->output();
        port = std::stoi((*listening)[1]);
    }

    HttpReply admin(const std::string& method, const std::string& target,
                    const std::string& body = "", const std::string& token = kAdminToken) {
        std::vector<std::string> headers{"Authorization: Bearer " + token};
        if (!body.empty()) {
            headers.emplace_back("Content-Type: application/json");
        }
        return http_request(port, method, "/api/v1/admin" + target, headers, body);
    }

    static nlohmann::json roster_body(const std::string& name, bool is_public = false) {
        return {{"name", name},
                {"base_url", "https://events.example.org"},
                {"public", is_public},
                {"attendees_csv",
                 "full_name,email,team\nAda Attendee,ada@example.org,red\n"
                 "Bo Attendee,,blue\nCy Attendee,,red\n"},
                {"moderators_csv", "full_name\nMo One\n"},
                {"talent_csv", "full_name\nTara Talent\n"}};
    }

    // Creates an event through the API; returns the 201 body.
    nlohmann::json create(const std::string& name, bool is_public = false) {
        const auto r = admin("POST", "/events", roster_body(name, is_public).dump());
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? nlohmann::json::parse(r.body) : nlohmann::json();
    }

    static std::string error_code(const HttpReply& r) {
        const auto body = nlohmann::json::parse(r.body, nullptr, false);
        return body.is_object() && body.contains("error") ? body["error"].value("code", "") : "";
    }
};

}  // namespace onstage::testing
