// `onstage event create|list|show|export` driven as a user would: the real binary, real files,
// a real SQLite database in a temp dir.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

#include "auth/access_key.hpp"
#include "store/store.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class EventCli : public ::testing::Test {
protected:
    TempDir tmp;
    fs::path data = tmp / "data";
    fs::path out = tmp / "out";

    void SetUp() override {
        write_roster("attendees.csv",
                     "full_name,email,team\nAda Lovelace,ada@example.org,Analytical\n"
                     "\"Hopper, Grace\",grace@example.org,\"Navy \"\"COBOL\"\"\"\n");
        write_roster("moderators.csv", "full_name,email\nMo Derator,mo@example.org\n");
        write_roster("talent.csv", "Full_Name ,Title\nTara Lent,Keynote\nTim Alk,Panel\n");
    }

    void write_roster(const std::string& name, const std::string& contents) {
        write_file(tmp / name, contents);
    }

    ProcessResult create(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"--data-dir",   data.string(),
                                      "event",        "create",
                                      "--name",       "Town hall",
                                      "--attendees",  (tmp / "attendees.csv").string(),
                                      "--moderators", (tmp / "moderators.csv").string(),
                                      "--talent",     (tmp / "talent.csv").string(),
                                      "--base-url",   "https://events.example.org/",
                                      "--out",        out.string()};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_onstage(args);
    }

    std::string created_event_id(const ProcessResult& r) {
        std::smatch m;
        EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(\((town-hall-[0-9a-z]{6})\))")))
            << r.out;
        return m.size() > 1 ? m[1].str() : std::string();
    }

    json read_json(const std::string& name) { return json::parse(read_file(out / name)); }
};

TEST_F(EventCli, CreateWritesFourFilesWithLinksKeysAndPassThroughColumns) {
    const auto r = create();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string id = created_event_id(r);
    EXPECT_EQ(list_dir(out),
              (std::vector<std::string>{id + "_attendees.json", id + "_links.csv",
                                        id + "_moderators.json", id + "_talents.json"}));

    const json attendees = read_json(id + "_attendees.json");
    ASSERT_EQ(attendees.size(), 2U);
    EXPECT_EQ(attendees[1]["full_name"], "Hopper, Grace");
    EXPECT_EQ(attendees[1]["team"], "Navy \"COBOL\"");
    EXPECT_EQ(attendees[1]["eventId"], id);
    EXPECT_FALSE(attendees[1].contains("access_key")) << "attendees log in by link alone";
    const std::string pid = attendees[0]["attendeeId"];
    EXPECT_TRUE(std::regex_match(
        pid, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
    EXPECT_EQ(attendees[0]["access_url"],
              "https://events.example.org/attendee?e=" + id + "&p=" + pid);
    // Stable field order: ours first, then the roster's own columns.
    const std::string text = read_file(out / (id + "_attendees.json"));
    const std::string first = text.substr(0, text.find('}'));
    EXPECT_LT(first.find("\"full_name\""), first.find("\"email\""));
    EXPECT_LT(first.find("\"email\""), first.find("\"eventId\""));
    EXPECT_LT(first.find("\"access_url\""), first.find("\"team\""));

    const json talents = read_json(id + "_talents.json");
    ASSERT_EQ(talents.size(), 2U) << "any number of talent";
    EXPECT_EQ(talents[0]["Title"], "Keynote");
    const json moderators = read_json(id + "_moderators.json");
    const std::string key = moderators[0]["access_key"];

    // The key shown in the file is the one the store can verify; the store never has it plain.
    auto store = store::open_sqlite_store(data / "onstage.db");
    const auto mod = store->find_participant(id, std::string(moderators[0]["attendeeId"]));
    ASSERT_TRUE(mod);
    EXPECT_TRUE(auth::verify_access_key(mod->access_key_hash, key));
    EXPECT_EQ(mod->access_key_hash.find(key), std::string::npos);

    const std::string links = read_file(out / (id + "_links.csv"));
    EXPECT_EQ(links.substr(0, links.find('\r')),
              "role,full_name,email,eventId,attendeeId,access_url,access_key,team,Title");
    EXPECT_NE(links.find("\"Hopper, Grace\""), std::string::npos);
    EXPECT_NE(links.find(key), std::string::npos);
}

TEST_F(EventCli, ListShowAndExportSeeTheEvent) {
    const auto r = create({"--public"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string id = created_event_id(r);
    EXPECT_NE(r.out.find("https://events.example.org/hls/" + id + "/index.m3u8"),
              std::string::npos);
    EXPECT_NE(r.out.find("https://events.example.org/watch?e=" + id), std::string::npos);

    const auto list = run_onstage({"--data-dir", data.string(), "event", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const json events = json::parse(list.out);
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0]["id"], id);
    EXPECT_EQ(events[0]["attendees"], 2);
    EXPECT_EQ(events[0]["talent"], 2);

    const auto show = run_onstage({"--data-dir", data.string(), "event", "show", id});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("Mo Derator"), std::string::npos);
    EXPECT_NE(show.out.find("2 attendees, 1 moderators, 2 talent"), std::string::npos);

    const auto missing = run_onstage({"--data-dir", data.string(), "event", "show", "nope"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("[unknown_event]"), std::string::npos);
}

TEST_F(EventCli, EndEndsOnceAndListAndShowSayWhen) {
    const std::string id = created_event_id(create());
    const auto before = run_onstage({"--data-dir", data.string(), "event", "list", "--json"});
    ASSERT_EQ(before.exit_code, 0) << before.err;
    EXPECT_TRUE(json::parse(before.out)[0]["ended_at"].is_null());

    const auto end = run_onstage({"event", "end", id, "--data-dir", data.string()});
    ASSERT_EQ(end.exit_code, 0) << end.err;
    EXPECT_NE(end.out.find("Ended event \"Town hall\" (" + id + ")"), std::string::npos) << end.out;
    EXPECT_NE(end.out.find("/api/v1/admin/events/" + id + "/end"), std::string::npos) << end.out;

    const auto list = run_onstage({"--data-dir", data.string(), "event", "list", "--json"});
    ASSERT_EQ(list.exit_code, 0) << list.err;
    const json ended_at = json::parse(list.out)[0]["ended_at"];
    ASSERT_TRUE(ended_at.is_string()) << list.out;
    const auto table = run_onstage({"--data-dir", data.string(), "event", "list"});
    EXPECT_NE(table.out.find("ENDED"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find(ended_at.get<std::string>()), std::string::npos) << table.out;
    const auto show = run_onstage({"--data-dir", data.string(), "event", "show", id});
    EXPECT_NE(show.out.find("Ended:    " + ended_at.get<std::string>()), std::string::npos)
        << show.out;
    const auto show_json =
        run_onstage({"--data-dir", data.string(), "event", "show", id, "--json"});
    EXPECT_EQ(json::parse(show_json.out)["ended_at"], ended_at);

    // Ending again keeps the first time and says so; the audit log has one entry.
    const auto again = run_onstage({"--data-dir", data.string(), "event", "end", id});
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("had already ended at " + ended_at.get<std::string>()),
              std::string::npos)
        << again.out;
    const auto store = store::open_sqlite_store(data / "onstage.db");
    const auto log = store->audit_log(id, 0, 100);
    EXPECT_EQ(std::count_if(
                  log.begin(), log.end(),
                  [](const auto& e) { return e.action == "event_ended" && e.actor_id == "cli"; }),
              1);

    const auto unknown = run_onstage({"--data-dir", data.string(), "event", "end", "nope"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("[unknown_event]"), std::string::npos) << unknown.err;
}

TEST_F(EventCli, ExportWithoutRotationCannotShowKeys) {
    const std::string id = created_event_id(create());
    const fs::path again = tmp / "again";
    const auto r =
        run_onstage({"--data-dir", data.string(), "event", "export", id, "--out", again.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json moderators = json::parse(read_file(again / (id + "_moderators.json")));
    EXPECT_TRUE(moderators[0]["access_key"].is_null());
    // Same people, same links as at creation.
    EXPECT_EQ(read_file(again / (id + "_attendees.json")),
              read_file(out / (id + "_attendees.json")));
}

TEST_F(EventCli, ExportWithRotationIssuesNewKeysAndKillsTheOldOnes) {
    const std::string id = created_event_id(create());
    const std::string old_key = read_json(id + "_moderators.json")[0]["access_key"];
    const fs::path rotated = tmp / "rotated";
    const auto r = run_onstage({"--data-dir", data.string(), "event", "export", id, "--out",
                                rotated.string(), "--rotate-keys"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const json moderators = json::parse(read_file(rotated / (id + "_moderators.json")));
    const std::string new_key = moderators[0]["access_key"];
    EXPECT_NE(new_key, old_key);

    auto store = store::open_sqlite_store(data / "onstage.db");
    const auto mod = store->find_participant(id, std::string(moderators[0]["attendeeId"]));
    ASSERT_TRUE(mod);
    EXPECT_TRUE(auth::verify_access_key(mod->access_key_hash, new_key));
    EXPECT_FALSE(auth::verify_access_key(mod->access_key_hash, old_key));
    EXPECT_EQ(store->session_version(id, mod->id), 1) << "sessions from the old key are revoked";
}

TEST_F(EventCli, EmptyAttendeeListAndDuplicateNamesAreFine) {
    write_roster("attendees.csv", "full_name\n");
    write_roster("talent.csv", "full_name\nSam Same\nSam Same\n");
    const auto r = create();
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const std::string id = created_event_id(r);
    EXPECT_EQ(read_file(out / (id + "_attendees.json")), "[]\n");
    const json talents = read_json(id + "_talents.json");
    ASSERT_EQ(talents.size(), 2U);
    EXPECT_NE(talents[0]["attendeeId"], talents[1]["attendeeId"]);
}

TEST_F(EventCli, BadBaseUrlIsRefusedBeforeAnythingIsWritten) {
    const auto r =
        run_onstage({"--data-dir", data.string(), "event", "create", "--name", "X", "--attendees",
                     (tmp / "attendees.csv").string(), "--moderators",
                     (tmp / "moderators.csv").string(), "--talent", (tmp / "talent.csv").string(),
                     "--base-url", "events.example.org", "--out", out.string()});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("[bad_base_url]"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(data / "onstage.db"));
}

}  // namespace
}  // namespace onstage::testing
