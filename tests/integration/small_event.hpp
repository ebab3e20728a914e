// A small event (one attendee, one moderator, one talent) created with `onstage event create`
// in a temp dir, for tests that need one participant to log in.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <regex>
#include <string>

#include "support/process.hpp"

namespace onstage::testing {

struct SmallEvent {
    std::string id;
    std::string attendee_id;
};

inline SmallEvent create_small_event(const TempDir& tmp) {
    write_file(tmp / "a.csv", "full_name\nAda Attendee\n");
    write_file(tmp / "m.csv", "full_name\nMo One\n");
    write_file(tmp / "t.csv", "full_name\nTara Talent\n");
    const auto r =
        run_onstage({"--data-dir", (tmp / "data").string(), "event", "create", "--name",
                     "Small event", "--attendees", (tmp / "a.csv").string(), "--moderators",
                     (tmp / "m.csv").string(), "--talent", (tmp / "t.csv").string(), "--base-url",
                     "https://127.0.0.1", "--out", (tmp / "links").string()});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(\((small-event-[0-9a-z]{6})\))")));
    const std::string id = m[1];
    const auto attendees =
        nlohmann::json::parse(read_file(tmp / "links" / (id + "_attendees.json")));
    return {id, attendees.at(0).at("attendeeId")};
}

}  // namespace onstage::testing
