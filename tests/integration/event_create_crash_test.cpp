// SIGKILL `onstage event create` in the middle of a large import, at several moments, and
// check what a user finds afterwards: a consistent database without a half-imported event,
// and either all four link files or none.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <thread>

#include "store/store.hpp"
#include "support/process.hpp"

namespace onstage::testing {
namespace {

namespace fs = std::filesystem;

std::string pragma_text(const fs::path& db, const char* sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open_v2(db.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
    std::string out;
    sqlite3_exec(
        raw, sql,
        [](void* acc, int n, char** values, char**) {
            for (int i = 0; i < n; ++i) {
                *static_cast<std::string*>(acc) += values[i] != nullptr ? values[i] : "NULL";
                *static_cast<std::string*>(acc) += ' ';
            }
            return 0;
        },
        &out, nullptr);
    sqlite3_close(raw);
    return out;
}

// Counts the link files under their final names and checks each is complete: a file is
// renamed into place only after it was fully written and fsynced.
std::size_t final_files_in(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& name : list_dir(dir)) {
        if (name.front() == '.') {
            continue;  // staged temporary files are hidden
        }
        ++n;
        const std::string text = read_file(dir / name);
        if (name.ends_with(".json")) {
            EXPECT_TRUE(nlohmann::json::accept(text)) << name;
        } else {
            EXPECT_TRUE(text.ends_with("\r\n")) << name;
        }
    }
    return n;
}

TEST(EventCreateCrash, SigkillMidImportLeavesNoHalfEvent) {
    TempDir tmp;
    std::string big = "full_name,email,team\n";
    for (int i = 0; i < 150'000; ++i) {
        big += "Person " + std::to_string(i) + ",p" + std::to_string(i) + "@example.org,t\n";
    }
    write_file(tmp / "attendees.csv", big);
    write_file(tmp / "staff.csv", "full_name\nMo\n");
    const fs::path data = tmp / "data";

    // Kill at growing delays: early runs die while reading or hashing, later ones inside the
    // SQLite transaction or while renaming files. Whatever the moment, the rules hold.
    int completed = 0;
    for (int attempt = 0; attempt < 8; ++attempt) {
        const fs::path out = tmp / ("out" + std::to_string(attempt));
        const int pid = spawn_detached(
            {ONSTAGE_BIN, "--data-dir", data.string(), "event", "create", "--name",
             "Crash " + std::to_string(attempt), "--attendees", (tmp / "attendees.csv").string(),
             "--moderators", (tmp / "staff.csv").string(), "--talent", (tmp / "staff.csv").string(),
             "--base-url", "https://e.example.org", "--out", out.string()});
        std::this_thread::sleep_for(std::chrono::milliseconds(100 + 120 * attempt));
        ::kill(pid, SIGKILL);
        const int status = wait_for(pid);
        const bool finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        completed += finished ? 1 : 0;

        if (!fs::exists(data / "onstage.db")) {
            EXPECT_EQ(final_files_in(out), 0U);
            continue;
        }
        EXPECT_EQ(pragma_text(data / "onstage.db", "PRAGMA integrity_check"), "ok ");
        EXPECT_EQ(pragma_text(data / "onstage.db", "PRAGMA foreign_key_check"), "");
        auto store = store::open_sqlite_store(data / "onstage.db");
        for (const auto& event : store->list_events()) {
            const auto counts = store->count_participants(event.id);
            EXPECT_EQ(counts.attendees, 150'000) << "half-imported event " << event.id;
            EXPECT_EQ(counts.moderators, 1);
        }
        const std::size_t files = final_files_in(out);
        if (finished) {
            EXPECT_EQ(files, 4U);
        }
        if (files > 0) {
            const auto events = store->list_events();
            const std::string name = "Crash " + std::to_string(attempt);
            EXPECT_TRUE(std::any_of(events.begin(), events.end(), [&](const auto& e) {
                return e.name == name;
            })) << "link files are moved into place only after the event is stored";
        }
    }
    // The test only means something if some kills landed before the end.
    EXPECT_LT(completed, 8) << "every import finished before SIGKILL; make the roster larger";
}

}  // namespace
}  // namespace onstage::testing
