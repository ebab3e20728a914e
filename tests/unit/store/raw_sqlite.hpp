// A raw sqlite3 connection for tests that look at the file behind the store's back (pragmas,
// schema rows, integrity checks) or damage it on purpose. Test-only; fails the test on error.
//
// Threading: one connection per test thread.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace onstage::store::sqlite::test {

class RawSqlite {
public:
    explicit RawSqlite(const std::filesystem::path& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << "cannot open " << path << ": " << sqlite3_errmsg(db_);
        }
    }
    ~RawSqlite() { sqlite3_close(db_); }
    RawSqlite(const RawSqlite&) = delete;
    RawSqlite& operator=(const RawSqlite&) = delete;
    RawSqlite(RawSqlite&&) = delete;
    RawSqlite& operator=(RawSqlite&&) = delete;

    // Every row of the query's first column, as text ("NULL" for NULL).
    std::vector<std::string> column(const std::string& sql) {
        std::vector<std::string> rows;
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
            return rows;
        }
        int rc = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            const unsigned char* text = sqlite3_column_text(stmt, 0);
            rows.emplace_back(text == nullptr ? "NULL" : reinterpret_cast<const char*>(text));
        }
        if (rc != SQLITE_DONE) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
        }
        sqlite3_finalize(stmt);
        return rows;
    }

    std::string value(const std::string& sql) {
        auto rows = column(sql);
        return rows.empty() ? std::string() : rows.front();
    }

    void exec(const std::string& sql) {
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
        }
    }

private:
    sqlite3* db_ = nullptr;
};

}  // namespace onstage::store::sqlite::test
