// The SQLite backend: the shared Store contract, plus what only a SQLite file has (pragmas,
// migrations, refusing files it cannot handle).
#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "raw_sqlite.hpp"
#include "store/sqlite/migrations.hpp"
#include "store_contract.hpp"
#include "support/process.hpp"

namespace onstage::store::sqlite {
namespace {

using contract::StoreBackend;
using contract::StoreContract;
using onstage::testing::read_file;
using onstage::testing::TempDir;
using onstage::testing::write_file;
using test::RawSqlite;

std::unique_ptr<Store> open_in(const std::filesystem::path& dir) {
    return open_sqlite_store(dir / "onstage.db");
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContract, ::testing::Values(StoreBackend{"sqlite", open_in}),
                         contract::store_backend_name);

StoreErrorCode open_error(const std::filesystem::path& path) {
    try {
        open_sqlite_store(path);
    } catch (const StoreError& e) {
        return e.code();
    }
    ADD_FAILURE() << "opening " << path << " should have failed";
    return StoreErrorCode::conflict;
}

domain::Event event_named(const std::string& id) {
    domain::Event event;
    event.id = id;
    event.name = id;
    event.created_at_ms = 1000;
    return event;
}

domain::Participant attendee(const std::string& id, std::int64_t position) {
    domain::Participant p;
    p.id = id;
    p.full_name = "Attendee " + id;
    p.position = position;
    return p;
}

TEST(SqliteStore, FileIsInWalModeAndEnforcesForeignKeys) {
    TempDir dir;
    auto store = open_sqlite_store(dir / "onstage.db");
    store->create_event(event_named("e1"), std::vector{attendee("a0", 0)});
    store->bump_session_version("e1", "a0");

    RawSqlite raw(dir / "onstage.db");
    EXPECT_EQ(raw.value("PRAGMA journal_mode"), "wal");
    EXPECT_TRUE(raw.column("PRAGMA foreign_key_check").empty());
    // Nothing but the audit_log → events foreign key stops this row.
    domain::AuditEntry orphan;
    orphan.event_id = "no-such-event";
    orphan.action = "raise";
    EXPECT_THROW(store->append_audit(orphan), StoreError);
    EXPECT_EQ(raw.value("SELECT count(*) FROM audit_log WHERE event_id = 'no-such-event'"), "0");
}

TEST(SqliteStore, FreshFileGetsEveryMigration) {
    TempDir dir;
    open_sqlite_store(dir / "onstage.db");

    RawSqlite raw(dir / "onstage.db");
    std::vector<std::string> expected;
    for (const Migration& migration : migrations()) {
        expected.push_back(std::to_string(migration.version));
    }
    EXPECT_EQ(raw.column("SELECT version FROM schema_migrations ORDER BY version"), expected);
    EXPECT_EQ(expected.back(), std::to_string(newest_schema_version()));
    EXPECT_EQ(raw.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                         "'sqlite_%' ORDER BY name"),
              (std::vector<std::string>{"attendee_status", "audit_log", "events", "participants",
                                        "rtmp_targets", "schema_migrations", "session_versions",
                                        "signing_keys"}));
    EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
}

TEST(SqliteStore, ReopeningAppliesNothingAgainAndKeepsData) {
    TempDir dir;
    open_sqlite_store(dir / "onstage.db")->create_event(event_named("e1"), {});
    std::vector<std::string> before;
    {
        RawSqlite raw(dir / "onstage.db");
        before = raw.column("SELECT version || ':' || applied_at_ms FROM schema_migrations");
    }
    auto store = open_sqlite_store(dir / "onstage.db");
    EXPECT_TRUE(store->find_event("e1").has_value());
    RawSqlite raw(dir / "onstage.db");
    EXPECT_EQ(raw.column("SELECT version || ':' || applied_at_ms FROM schema_migrations"), before);
}

TEST(SqliteStore, VersionOneFileMigratesAndItsEventsCanEnd) {
    TempDir dir;
    auto path = dir / "onstage.db";
    {
        // A file as onstage wrote it before events could end: schema v1 only.
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        std::string sql = std::string(migrations()[0].sql) +
                          "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                          "applied_at_ms INTEGER NOT NULL) STRICT;"
                          "INSERT INTO schema_migrations VALUES (1, 1);"
                          "INSERT INTO events VALUES ('old', 'Old', 0, 1000, NULL, '');";
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
        sqlite3_free(error);
        sqlite3_close(db);
    }
    auto store = open_sqlite_store(path);
    auto old = store->find_event("old");
    ASSERT_TRUE(old.has_value());
    EXPECT_FALSE(old->ended_at_ms.has_value());
    domain::AuditEntry ended;
    ended.event_id = "old";
    ended.at_ms = 2000;
    ended.actor_id = "admin";
    ended.action = "event_ended";
    EXPECT_EQ(store->end_event("old", ended), 2000);
    EXPECT_EQ(store->find_event("old")->ended_at_ms, std::optional<domain::TimeMs>{2000});
    RawSqlite raw(path);
    EXPECT_EQ(raw.value("SELECT max(version) FROM schema_migrations"),
              std::to_string(newest_schema_version()));
}

TEST(SqliteStore, VersionTwoFileMigratesAndItsEventsGetRtmpTargets) {
    TempDir dir;
    auto path = dir / "onstage.db";
    {
        // A file as onstage wrote it before RTMP targets: schema v1 + v2.
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        std::string sql = std::string(migrations()[0].sql) + std::string(migrations()[1].sql) +
                          "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                          "applied_at_ms INTEGER NOT NULL) STRICT;"
                          "INSERT INTO schema_migrations VALUES (1, 1), (2, 2);"
                          "INSERT INTO events VALUES ('old', 'Old', 0, 1000, NULL, '', NULL);";
        char* error = nullptr;
        EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << error;
        sqlite3_free(error);
        sqlite3_close(db);
    }
    auto store = open_sqlite_store(path);
    EXPECT_TRUE(store->list_rtmp_targets("old").empty());
    domain::RtmpTarget target{"t1", "old", "YouTube", "rtmp://a.example/live2/k", 3000, 0};
    domain::AuditEntry added;
    added.event_id = "old";
    added.at_ms = 3000;
    added.actor_id = "admin";
    added.action = "rtmp_target_added";
    EXPECT_EQ(store->add_rtmp_target(target, added), target);
    EXPECT_EQ(store->list_rtmp_targets("old"), std::vector{target});
    RawSqlite raw(path);
    EXPECT_EQ(raw.value("SELECT max(version) FROM schema_migrations"), "3");
}

TEST(SqliteStore, NewerSchemaIsRefusedAndTheFileLeftUntouched) {
    TempDir dir;
    auto path = dir / "onstage.db";
    open_sqlite_store(path)->create_event(event_named("e1"), {});
    {
        RawSqlite raw(path);
        raw.exec("INSERT INTO schema_migrations (version, applied_at_ms) VALUES (" +
                 std::to_string(newest_schema_version() + 1) + ", 1)");
    }
    std::string bytes = read_file(path);

    try {
        open_sqlite_store(path);
        ADD_FAILURE() << "a newer schema was accepted";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.code(), StoreErrorCode::schema);
        EXPECT_NE(std::string(e.what()).find("newer onstage"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(path), bytes);
}

TEST(SqliteStore, MissingOrUnusableDirectoryIsAnIoError) {
    TempDir dir;
    EXPECT_EQ(open_error(dir / "missing" / "onstage.db"), StoreErrorCode::io);
    // A regular file where a directory should be: refused even for root, unlike permissions.
    write_file(dir / "file", "not a directory");
    EXPECT_EQ(open_error(dir / "file" / "onstage.db"), StoreErrorCode::io);
}

TEST(SqliteStore, FileThatIsNotADatabaseIsRefusedUntouched) {
    TempDir dir;
    auto path = dir / "onstage.db";
    std::string text(8192, 'x');
    write_file(path, text);
    EXPECT_EQ(open_error(path), StoreErrorCode::schema);
    EXPECT_EQ(read_file(path), text);
}

TEST(SqliteStore, DamagedExtraFieldsAreReportedNotCrashed) {
    TempDir dir;
    auto store = open_sqlite_store(dir / "onstage.db");
    store->create_event(event_named("e1"), std::vector{attendee("a0", 0)});
    RawSqlite(dir / "onstage.db").exec("UPDATE participants SET extra = '[[\"unterminated'");
    try {
        store->participants("e1");
        ADD_FAILURE() << "damaged row was read";
    } catch (const StoreError& e) {
        EXPECT_EQ(e.code(), StoreErrorCode::schema);
        EXPECT_NE(std::string(e.what()).find("a0"), std::string::npos) << e.what();
    }
}

TEST(SqliteStore, TwoConnectionsShareOneFile) {
    TempDir dir;
    auto writer = open_sqlite_store(dir / "onstage.db");
    auto reader = open_sqlite_store(dir / "onstage.db");
    writer->create_event(event_named("e1"), std::vector{attendee("a0", 0)});
    EXPECT_TRUE(reader->find_participant("e1", "a0").has_value());
    EXPECT_EQ(reader->bump_session_version("e1", "a0"), 1);
    EXPECT_EQ(writer->session_version("e1", "a0"), 1);
}

TEST(SqliteStore, LargeImportKeepsEveryRowInRosterOrder) {
    TempDir dir;
    auto store = open_sqlite_store(dir / "onstage.db");
    constexpr std::int64_t kAttendees = 20'000;
    std::vector<domain::Participant> people;
    for (std::int64_t i = kAttendees - 1; i >= 0; --i) {
        people.push_back(attendee("a" + std::to_string(i), i));
        people.back().extra = {{"Row", std::to_string(i)}};
    }
    for (std::int64_t i = 0; i < 23; ++i) {
        auto p = attendee("m" + std::to_string(i), i);
        p.role = i < 20 ? domain::Role::moderator : domain::Role::talent;
        p.access_key_hash = "$argon2id$" + std::to_string(i);
        people.push_back(p);
    }
    store->create_event(event_named("big"), people);

    auto counts = store->count_participants("big");
    EXPECT_EQ(counts.attendees, kAttendees);
    EXPECT_EQ(counts.moderators, 20);
    EXPECT_EQ(counts.talent, 3);
    auto roster = store->participants("big");
    ASSERT_EQ(roster.size(), people.size());
    for (std::int64_t i = 0; i < kAttendees; i += 997) {
        const auto& p = roster[static_cast<std::size_t>(i)];
        EXPECT_EQ(p.id, "a" + std::to_string(i));
        EXPECT_EQ(p.extra, (std::vector<domain::ExtraField>{{"Row", std::to_string(i)}}));
    }
    EXPECT_EQ(store->audit_log("big", 0, 10).at(0).detail,
              "3 talent, 20 moderators, " + std::to_string(kAttendees) + " attendees");
}

}  // namespace
}  // namespace onstage::store::sqlite
