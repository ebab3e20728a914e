// Keeps docs/openapi.yaml true: every documented operation exists on the running server (it
// does not fall through to the generic 404 not_found) and answers a plain request with one of
// the statuses the document lists for it.
#include <fstream>
#include <map>
#include <set>

#include "admin_fixture.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

struct Operation {
    std::string path;
    std::string method;  // upper case
    std::set<int> statuses;
};

// Just enough YAML for the document's own layout: paths at two spaces under `paths:`, methods at
// four, response codes as quoted keys at eight.
std::vector<Operation> documented_operations(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    const std::regex path_line(R"(^  (/\S*):\s*$)");
    const std::regex method_line(R"(^    (get|post|put|patch|delete):\s*$)");
    const std::regex status_line(R"re(^        "(\d{3})":)re");
    std::vector<Operation> ops;
    std::string path;
    bool in_paths = false;
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (!line.empty() && line[0] != ' ') {
            in_paths = line.rfind("paths:", 0) == 0;
            continue;
        }
        if (!in_paths) {
            continue;
        }
        if (std::regex_match(line, m, path_line)) {
            path = m[1];
        } else if (std::regex_match(line, m, method_line)) {
            std::string method = m[1];
            std::transform(method.begin(), method.end(), method.begin(), ::toupper);
            ops.push_back({path, method, {}});
        } else if (std::regex_search(line, m, status_line) && !ops.empty()) {
            ops.back().statuses.insert(std::stoi(m[1]));
        }
    }
    return ops;
}

TEST_F(AdminTest, EveryDocumentedOperationExistsAndAnswersAsDocumented) {
    const auto ops =
        documented_operations(std::filesystem::path(ONSTAGE_SOURCE_DIR) / "docs" / "openapi.yaml");
    ASSERT_GE(ops.size(), 12U) << "the parser found too few operations";
    std::set<std::string> paths;
    for (const auto& op : ops) {
        paths.insert(op.path);
        // {file} gets a playlist name; other parameters (e.g. {target}) a well-formed id that
        // names nothing.
        const std::string target = std::regex_replace(
            std::regex_replace(
                std::regex_replace(op.path, std::regex(R"(\{id\})"), "no-such-event-123456"),
                std::regex(R"(\{file\})"), "index.m3u8"),
            std::regex(R"(\{[a-z_]+\})"), "nosuchthing");
        const std::string body = op.method == "POST" ? "{}" : "";
        const auto r = http_request(
            port, op.method, target,
            {"Authorization: Bearer " + std::string(kAdminToken), "Content-Type: application/json"},
            body);
        ASSERT_NE(r.status, 0) << op.method << " " << target;
        EXPECT_FALSE(r.status == 404 && error_code(r) == "not_found")
            << op.method << " " << target << " is documented but not served: " << r.body;
        EXPECT_TRUE(op.statuses.count(r.status) == 1)
            << op.method << " " << target << " answered " << r.status
            << ", which the document does not list: " << r.body;
    }
    for (const char* served :
         {"/api/v1/login", "/api/v1/me", "/api/v1/watch", "/api/v1/admin/events",
          "/api/v1/admin/events/{id}", "/api/v1/admin/events/{id}/end",
          "/api/v1/admin/events/{id}/rtmp-targets",
          "/api/v1/admin/events/{id}/rtmp-targets/{target}", "/healthz", "/readyz", "/metrics",
          "/hls/{id}/{file}"}) {
        EXPECT_EQ(paths.count(served), 1U) << served << " is served but not documented";
    }
}

}  // namespace
}  // namespace onstage::testing
