// Small RAII wrappers over the SQLite 3 C API for the SQLite store: a connection, cached
// prepared statements, a borrowed "statement in use" that always resets, and a transaction
// guard. Every SQLite failure becomes a StoreError (store.hpp) with a stable code.
//
// Threading: none of these types is thread-safe; a Database and its statements belong to one
// thread at a time (the connection is opened with SQLITE_OPEN_NOMUTEX).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace onstage::store::sqlite {

// Maps an (extended) SQLite result code to the store's error codes:
// primary-key/unique → conflict, foreign key → not_found, other constraints → invalid,
// corrupt/not-a-database/generic SQL errors → schema, everything else (I/O, full, locked,
// cannot open, out of memory) → io.
StoreErrorCode error_code_for(int extended_result_code);

// Throws StoreError naming `what` and SQLite's own message for `rc`.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view what);

class Statement;

// One cached prepared statement while it is being used: binds, steps, reads columns, and resets
// (clearing bindings) when it goes out of scope so that no read stays open between calls.
// Text and blobs are bound SQLITE_STATIC: the caller keeps them alive until the last step().
class BoundStatement {
public:
    explicit BoundStatement(Statement& statement);
    ~BoundStatement();
    BoundStatement(const BoundStatement&) = delete;
    BoundStatement& operator=(const BoundStatement&) = delete;
    BoundStatement(BoundStatement&&) = delete;
    BoundStatement& operator=(BoundStatement&&) = delete;

    // Parameters are 1-based, as in SQLite.
    BoundStatement& bind(int index, std::string_view text);
    BoundStatement& bind(int index, std::int64_t value);
    BoundStatement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    BoundStatement& bind_null(int index);
    // Binds NULL for an empty string: for optional references such as a moderator id.
    BoundStatement& bind_or_null(int index, std::string_view text);

    // True while a row is available; false once the statement is done.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    // Makes the statement ready to run again with the same bindings, for bulk inserts that
    // rebind only the columns that change.
    void reset();

    bool column_is_null(int index) const;
    std::int64_t column_int64(int index) const;
    std::string column_text(int index) const;
    std::vector<std::uint8_t> column_blob(int index) const;

private:
    sqlite3_stmt* stmt_;
    const std::string* what_;
};

// A prepared statement owned by its Database for the connection's lifetime.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql, std::string what);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&&) = delete;
    Statement& operator=(Statement&&) = delete;

    BoundStatement use() { return BoundStatement(*this); }

private:
    friend class BoundStatement;
    sqlite3_stmt* stmt_ = nullptr;
    std::string what_;  // names the operation in error messages, e.g. "insert participant"
};

// An open connection. Closing waits for nothing: every Statement must be gone first, which the
// owner guarantees by declaring statements after the Database.
class Database {
public:
    // Opens (creating if needed) the file; throws StoreError(io) if that is impossible.
    explicit Database(const std::filesystem::path& path);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    Database(Database&&) = delete;
    Database& operator=(Database&&) = delete;

    // Runs SQL without parameters (schema, pragmas); throws StoreError naming `what`.
    void exec(std::string_view sql, std::string_view what);
    // Runs a single-value pragma or query and returns its first column ("" / 0 if no row).
    std::string query_text(std::string_view sql, std::string_view what);
    std::int64_t query_int64(std::string_view sql, std::string_view what);
    std::unique_ptr<Statement> prepare(std::string_view sql, std::string what);

    sqlite3* handle() const { return db_; }
    const std::filesystem::path& path() const { return path_; }
    // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
    std::int64_t changes() const;
    bool in_transaction() const;

private:
    sqlite3* db_ = nullptr;
    std::filesystem::path path_;
};

// BEGIN IMMEDIATE on construction (takes the write lock up front, so a transaction never fails
// half-way on a lock upgrade); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction(Transaction&&) = delete;
    Transaction& operator=(Transaction&&) = delete;

    void commit();

private:
    Database& db_;
    bool done_ = false;
};

}  // namespace onstage::store::sqlite
