#include "store/sqlite/sqlite_db.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <limits>

namespace onstage::store::sqlite {

StoreErrorCode error_code_for(int extended_result_code) {
    switch (extended_result_code) {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_ROWID:
        return StoreErrorCode::conflict;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return StoreErrorCode::not_found;
    default:
        break;
    }
    switch (extended_result_code & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
        return StoreErrorCode::invalid;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_SCHEMA:
    case SQLITE_ERROR:  // e.g. "no such table": the file's schema is not what we migrated
        return StoreErrorCode::schema;
    default:
        return StoreErrorCode::io;
    }
}

void throw_sqlite_error(sqlite3* db, int rc, std::string_view what) {
    std::string message(what);
    message += ": ";
    // sqlite3_errmsg names the constraint or file problem; errstr is the fallback without a db.
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw StoreError(error_code_for(rc), message);
}

// --- BoundStatement ---------------------------------------------------------------------------

BoundStatement::BoundStatement(Statement& statement)
    : stmt_(statement.stmt_), what_(&statement.what_) {}

BoundStatement::~BoundStatement() {
    // Errors of the last step are reported again by reset(); they were already thrown.
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

namespace {

void check_bind(sqlite3_stmt* stmt, int rc, const std::string& what) {
    if (rc != SQLITE_OK) {
        throw_sqlite_error(sqlite3_db_handle(stmt), rc, "bind " + what);
    }
}

}  // namespace

BoundStatement& BoundStatement::bind(int index, std::string_view text) {
    if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw StoreError(StoreErrorCode::invalid, *what_ + ": text too long");
    }
    // A non-null pointer even for "": SQLite binds NULL for a null pointer.
    const char* data = text.data() != nullptr ? text.data() : "";
    check_bind(stmt_,
               sqlite3_bind_text(stmt_, index, data, static_cast<int>(text.size()), SQLITE_STATIC),
               *what_);
    return *this;
}

BoundStatement& BoundStatement::bind(int index, std::int64_t value) {
    check_bind(stmt_, sqlite3_bind_int64(stmt_, index, value), *what_);
    return *this;
}

BoundStatement& BoundStatement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
        throw StoreError(StoreErrorCode::invalid, *what_ + ": blob too long");
    }
    // zeroblob keeps an empty blob a (non-NULL) blob.
    int rc = bytes.empty() ? sqlite3_bind_zeroblob(stmt_, index, 0)
                           : sqlite3_bind_blob(stmt_, index, bytes.data(),
                                               static_cast<int>(bytes.size()), SQLITE_STATIC);
    check_bind(stmt_, rc, *what_);
    return *this;
}

BoundStatement& BoundStatement::bind_null(int index) {
    check_bind(stmt_, sqlite3_bind_null(stmt_, index), *what_);
    return *this;
}

BoundStatement& BoundStatement::bind_or_null(int index, std::string_view text) {
    return text.empty() ? bind_null(index) : bind(index, text);
}

bool BoundStatement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // The extended code of the failed step; sqlite3_step's own return can be the primary one.
    sqlite3* db = sqlite3_db_handle(stmt_);
    throw_sqlite_error(db, sqlite3_extended_errcode(db), *what_);
}

void BoundStatement::run() {
    while (step()) {
    }
}

void BoundStatement::reset() {
    sqlite3_reset(stmt_);
}

bool BoundStatement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::int64_t BoundStatement::column_int64(int index) const {
    return sqlite3_column_int64(stmt_, index);
}

std::string BoundStatement::column_text(int index) const {
    const auto* text = sqlite3_column_text(stmt_, index);
    if (text == nullptr) {
        return {};
    }
    // Bytes after text(): the order SQLite documents for a stable length.
    auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
    return {reinterpret_cast<const char*>(text), size};
}

std::vector<std::uint8_t> BoundStatement::column_blob(int index) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, index));
    auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, index));
    if (data == nullptr || size == 0) {
        return {};
    }
    return {data, data + size};
}

// --- Statement --------------------------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql, std::string what) : what_(std::move(what)) {
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        throw_sqlite_error(db, sqlite3_extended_errcode(db), "prepare " + what_);
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

// --- Database ---------------------------------------------------------------------------------

Database::Database(const std::filesystem::path& path) : path_(path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = "open database " + path.string() + ": ";
        message += db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        // Whatever the reason (missing directory, permissions), the file cannot be used.
        throw StoreError(StoreErrorCode::io, message);
    }
    sqlite3_extended_result_codes(db_, 1);
}

Database::~Database() {
    if (sqlite3_close(db_) != SQLITE_OK) {
        spdlog::error("store: closing {} failed: {}", path_.string(), sqlite3_errmsg(db_));
    }
}

void Database::exec(std::string_view sql, std::string_view what) {
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
        throw_sqlite_error(db_, sqlite3_extended_errcode(db_), what);
    }
}

std::string Database::query_text(std::string_view sql, std::string_view what) {
    Statement statement(db_, sql, std::string(what));
    auto query = statement.use();
    return query.step() ? query.column_text(0) : std::string();
}

std::int64_t Database::query_int64(std::string_view sql, std::string_view what) {
    Statement statement(db_, sql, std::string(what));
    auto query = statement.use();
    return query.step() ? query.column_int64(0) : 0;
}

std::unique_ptr<Statement> Database::prepare(std::string_view sql, std::string what) {
    return std::make_unique<Statement>(db_, sql, std::move(what));
}

std::int64_t Database::changes() const {
    return sqlite3_changes64(db_);
}

bool Database::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

// --- Transaction ------------------------------------------------------------------------------

Transaction::Transaction(Database& db) : db_(db) {
    db_.exec("BEGIN IMMEDIATE", "begin transaction");
}

Transaction::~Transaction() {
    // SQLite may already have rolled back by itself (e.g. after SQLITE_FULL or an I/O error).
    if (done_ || !db_.in_transaction()) {
        return;
    }
    if (sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
        spdlog::error("store: rollback on {} failed: {}", db_.path().string(),
                      sqlite3_errmsg(db_.handle()));
    }
}

void Transaction::commit() {
    db_.exec("COMMIT", "commit transaction");
    done_ = true;
}

}  // namespace onstage::store::sqlite
