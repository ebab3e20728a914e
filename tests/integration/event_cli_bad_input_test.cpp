// Every kind of bad roster, through the real CLI: one clear line naming file, line and column,
// a non-zero exit, and nothing written — not to the output directory, not to the database.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;

struct BadRoster {
    std::string name;
    std::string attendees;  // roster contents ("" = leave the good one)
    std::string where;      // expected "file:line:col" suffix, e.g. "attendees.csv:3:1"
    std::string code;
};

void PrintTo(const BadRoster& c, std::ostream* os) {
    *os << c.name;
}

class EventCliBadInput : public ::testing::TestWithParam<BadRoster> {};

TEST_P(EventCliBadInput, FailsWithFileLineColumnAndWritesNothing) {
    const BadRoster& c = GetParam();
    TempDir tmp;
    const fs::path data = tmp / "data";
    write_file(tmp / "good.csv", "full_name\nAda\n");
    write_file(tmp / "attendees.csv", c.attendees);

    // An existing event first, so we can see the database is left exactly as it was.
    auto args = [&](const std::string& attendees, const fs::path& out) {
        return std::vector<std::string>{"--data-dir",   data.string(),
                                        "event",        "create",
                                        "--name",       "Town hall",
                                        "--attendees",  attendees,
                                        "--moderators", (tmp / "good.csv").string(),
                                        "--talent",     (tmp / "good.csv").string(),
                                        "--base-url",   "https://events.example.org",
                                        "--out",        out.string()};
    };
    const auto first = run_onstage(args((tmp / "good.csv").string(), tmp / "first"));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    const std::string attendees_path = c.code == "csv_unreadable"
                                           ? (tmp / "missing.csv").string()
                                           : (tmp / "attendees.csv").string();

    const auto r = run_onstage(args(attendees_path, tmp / "out"));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("[" + c.code + "]"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
    EXPECT_FALSE(fs::exists(tmp / "out")) << "nothing written to the output directory";

    auto store = store::open_sqlite_store(data / "onstage.db");
    const auto events = store->list_events();
    ASSERT_EQ(events.size(), 1U) << "nothing written to the database";
    EXPECT_EQ(store->audit_log(events[0].id, 0, 100).size(), 1U);
}

INSTANTIATE_TEST_SUITE_P(
    EveryCase, EventCliBadInput,
    ::testing::Values(BadRoster{"missing_full_name_column", "name,email\nAda,a@x.org\n",
                                "attendees.csv:1:1", "csv_missing_full_name"},
                      BadRoster{"empty_name", "email,full_name\na@x.org,Ada\nb@x.org,\n",
                                "attendees.csv:3:9", "csv_empty_name"},
                      BadRoster{"whitespace_name", "full_name,team\nAda,x\n  \t ,y\n",
                                "attendees.csv:3:1", "csv_empty_name"},
                      BadRoster{"invalid_utf8", "full_name,team\nAda,t\xc3\x28m\n",
                                "attendees.csv:2:6", "csv_invalid_utf8"},
                      BadRoster{"unterminated_quote", "full_name,team\nAda,ok\n\"Bob,team\n",
                                "attendees.csv:3:1", "csv_unterminated_quote"},
                      BadRoster{"more_fields_than_header", "full_name,team\nAda,a\nBob,b,extra\n",
                                "attendees.csv:3:7", "csv_too_many_fields"},
                      BadRoster{"duplicate_header", "full_name,Email, email \nAda,a,b\n",
                                "attendees.csv:1:17", "csv_duplicate_header"},
                      BadRoster{"reserved_column", "full_name,access_key\nAda,x\n",
                                "attendees.csv:1:11", "csv_reserved_column"},
                      BadRoster{"unreadable_file", "", "missing.csv", "csv_unreadable"}),
    [](const ::testing::TestParamInfo<BadRoster>& p) { return p.param.name; });

}  // namespace
}  // namespace onstage::testing
