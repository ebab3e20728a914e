// Versioned schema migrations of the SQLite store. The steps are an ordered list in code; each is
// applied in its own transaction together with its row in schema_migrations, so a crash leaves
// the file at the previous version, never between two.
//
// Threading: called once per connection, on the thread that opens the store.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "store/sqlite/sqlite_db.hpp"

namespace onstage::store::sqlite {

struct Migration {
    std::int64_t version;  // 1, 2, 3, … without gaps
    std::string_view description;
    std::string_view sql;  // one or more statements
};

// Every migration this binary knows, oldest first.
std::span<const Migration> migrations();
std::int64_t newest_schema_version();

// The newest version recorded in the file, 0 for a fresh file. Reads only: it never writes, so
// a refused file stays untouched. Throws StoreError(schema) if the file is newer than this binary
// (or not a database at all).
std::int64_t check_schema_version(Database& db);

// Applies the missing migrations. Safe to call on an up-to-date file (a no-op) and against a
// concurrent opener (each step re-checks the version inside its write transaction).
void migrate(Database& db);

}  // namespace onstage::store::sqlite
