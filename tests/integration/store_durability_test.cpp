// Durability of the SQLite store against a crash: a writer process imports big events and is
// SIGKILLed in the middle of one. Afterwards the file must be intact, and every event in it must
// be whole (all its participants and its event_created audit entry), including every event the
// writer reported as committed.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.hpp"
#include "support/child.hpp"
#include "support/process.hpp"
#include "unit/store/raw_sqlite.hpp"

namespace onstage::store {
namespace {

using onstage::testing::TempDir;

constexpr long kParticipants = 60'000;  // long enough an import that kills land inside one
constexpr auto kLiveness = std::chrono::seconds(60);

struct WriterReport {
    std::set<std::string> committed;
    std::optional<std::string> in_flight;  // begun but not reported committed when killed
};

// Reads the writer's output until it has committed crash-0 and begun a later import, waits
// `delay`, kills it, and collects everything it reported.
WriterReport run_and_kill(const std::filesystem::path& db_path, std::chrono::milliseconds delay) {
    onstage::testing::Child writer({ONSTAGE_TEST_HELPER_DIR "/store_crash_writer", db_path.string(),
                                    "1000", std::to_string(kParticipants)});
    WriterReport report;
    const std::regex progress("^(begin|committed) (.+)$");
    auto take = [&](const std::vector<std::string>& m) {
        if (m[1] == "begin") {
            report.in_flight = m[2];
        } else {
            report.committed.insert(m[2]);
            report.in_flight.reset();
        }
    };
    while (report.committed.empty() || !report.in_flight) {
        const auto line = writer.wait_for_line(progress, kLiveness);
        if (!line) {
            ADD_FAILURE() << "writer ended or stalled before its second import began";
            return report;
        }
        take(*line);
    }
    std::this_thread::sleep_for(delay);
    const auto status = writer.stop(SIGKILL, kLiveness);
    if (!status) {
        ADD_FAILURE() << "the writer did not die on SIGKILL";
        return report;
    }
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL)
        << "the writer should still have been importing";
    while (const auto line = writer.wait_for_line(progress, kLiveness)) {
        take(*line);
    }
    return report;
}

void expect_whole_events(const std::filesystem::path& db_path, const WriterReport& report) {
    auto store = open_sqlite_store(db_path);  // recovers the WAL left by the killed writer
    {
        sqlite::test::RawSqlite raw(db_path);
        EXPECT_EQ(raw.value("PRAGMA integrity_check"), "ok");
        EXPECT_TRUE(raw.column("PRAGMA foreign_key_check").empty());
    }
    std::set<std::string> present;
    for (const auto& event : store->list_events()) {
        present.insert(event.id);
        auto counts = store->count_participants(event.id);
        EXPECT_EQ(counts.attendees + counts.moderators + counts.talent, kParticipants) << event.id;
        auto log = store->audit_log(event.id, 0, 10);
        ASSERT_EQ(log.size(), 1U) << event.id;
        EXPECT_EQ(log[0].action, "event_created") << event.id;
    }
    for (const auto& id : report.committed) {
        EXPECT_TRUE(present.contains(id)) << id << " was reported committed but is missing";
    }
    // Beyond the reported ones, only the import in flight may have committed (killed between
    // its COMMIT and its report).
    for (const auto& id : present) {
        EXPECT_TRUE(report.committed.contains(id) || id == report.in_flight) << id;
    }
}

TEST(StoreDurability, SigkillDuringImportLeavesOnlyWholeEvents) {
    const std::array<std::chrono::milliseconds, 5> delays{
        std::chrono::milliseconds(0), std::chrono::milliseconds(15), std::chrono::milliseconds(60),
        std::chrono::milliseconds(150), std::chrono::milliseconds(400)};
    int killed_mid_import = 0;
    for (auto delay : delays) {
        SCOPED_TRACE("kill delay " + std::to_string(delay.count()) + " ms");
        TempDir dir;
        auto report = run_and_kill(dir / "onstage.db", delay);
        if (report.in_flight) {
            ++killed_mid_import;
        }
        expect_whole_events(dir / "onstage.db", report);
    }
    // The first kill follows "begin" at once, and an import of kParticipants rows takes far
    // longer than that, so at least that one must have hit a transaction in progress.
    EXPECT_GE(killed_mid_import, 1);
    RecordProperty("killed_mid_import", killed_mid_import);
}

}  // namespace
}  // namespace onstage::store
