#include "store/sqlite/migrations.hpp"

#include <array>
#include <chrono>
#include <string>

namespace onstage::store::sqlite {
namespace {

// v1: the whole initial schema.
//
// - STRICT tables: SQLite rejects a value of the wrong type instead of storing it.
// - participants is clustered on (event_id, id): one b-tree, no secondary index. An import
//   writes its rows sorted by id, so they append to the event's own key range; a second,
//   randomly keyed index made a 100,000-row import more than twice as slow. Roster order is
//   applied when reading (sort_roster in row_readers.cpp) and counts scan the event's range.
//   Ids are unique per event; as UUIDs they do not repeat across events either.
// - The role CHECK is an OR chain, not IN (...): SQLite builds an ephemeral table for an IN list
//   on every run of the statement, which doubled the time of a bulk insert.
// - extra: the uninterpreted CSV columns as compact JSON (see extra_fields_codec.hpp).
// - attendee_status holds a row only for attendees whose state was ever changed; the rest are
//   watching. moderator_id is NULL outside queued/invited/interviewing; a foreign key with a NULL
//   column is not checked, so it only applies when set.
// - audit_log.seq is AUTOINCREMENT: a seq is never reused, even after the newest row is deleted,
//   so "entries after seq N" stays a correct resume point.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE events (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    is_public     INTEGER NOT NULL CHECK (is_public IN (0, 1)),
    created_at_ms INTEGER NOT NULL,
    starts_at_ms  INTEGER,
    base_url      TEXT NOT NULL
) STRICT;
CREATE INDEX events_by_created ON events (created_at_ms);

CREATE TABLE participants (
    event_id        TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    role            TEXT NOT NULL
                        CHECK (role = 'attendee' OR role = 'moderator' OR role = 'talent'),
    position        INTEGER NOT NULL,
    full_name       TEXT NOT NULL,
    email           TEXT NOT NULL,
    access_key_hash TEXT NOT NULL,
    extra           TEXT NOT NULL,
    PRIMARY KEY (event_id, id)
) STRICT, WITHOUT ROWID;

CREATE TABLE attendee_status (
    event_id             TEXT NOT NULL,
    attendee_id          TEXT NOT NULL,
    state                TEXT NOT NULL CHECK (state IN ('watching', 'hand_raised', 'queued',
                             'invited', 'interviewing', 'holding', 'live', 'kicked')),
    moderator_id         TEXT,
    question             TEXT,
    raised_at_ms         INTEGER,
    edited_at_ms         INTEGER,
    invite_expires_at_ms INTEGER NOT NULL,
    updated_at_ms        INTEGER NOT NULL,
    PRIMARY KEY (event_id, attendee_id),
    FOREIGN KEY (event_id, attendee_id) REFERENCES participants (event_id, id)
        ON DELETE CASCADE,
    FOREIGN KEY (event_id, moderator_id) REFERENCES participants (event_id, id),
    CHECK ((question IS NULL) = (raised_at_ms IS NULL)
           AND (question IS NULL) = (edited_at_ms IS NULL))
) STRICT, WITHOUT ROWID;
-- Serves the foreign-key check when a moderator's row is deleted.
CREATE INDEX attendee_status_by_moderator ON attendee_status (event_id, moderator_id);

CREATE TABLE session_versions (
    event_id       TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    version        INTEGER NOT NULL CHECK (version >= 0),
    PRIMARY KEY (event_id, participant_id),
    FOREIGN KEY (event_id, participant_id) REFERENCES participants (event_id, id)
        ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id   TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    at_ms      INTEGER NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    detail     TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_by_event ON audit_log (event_id, seq);

CREATE TABLE signing_keys (
    key_id        TEXT PRIMARY KEY NOT NULL,
    secret        BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL,
    active        INTEGER NOT NULL CHECK (active IN (0, 1))
) STRICT;
-- At most one key signs new tokens.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (active) WHERE active = 1;
)sql";

// v2: an event can be ended (issue 4: the producer ends the event, its rooms are destroyed).
// NULL while the event runs; set once, never cleared.
constexpr std::string_view kSchemaV2 = R"sql(
ALTER TABLE events ADD COLUMN ended_at_ms INTEGER;
)sql";

// v3: RTMP targets of an event (issue 5: the broadcast pushes to YouTube, Twitch, …). The url
// holds the stream key in clear, like signing_keys holds its secrets: the file is the server's
// own (mode 0600 data directory). position orders the targets by adding and is never reused
// within an event while a higher one exists (max + 1).
constexpr std::string_view kSchemaV3 = R"sql(
CREATE TABLE rtmp_targets (
    event_id      TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id            TEXT NOT NULL,
    name          TEXT NOT NULL,
    url           TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    position      INTEGER NOT NULL CHECK (position >= 0),
    PRIMARY KEY (event_id, id),
    UNIQUE (event_id, position)
) STRICT, WITHOUT ROWID;
)sql";

constexpr std::array<Migration, 3> kMigrations{{
    {1, "initial schema", kSchemaV1},
    {2, "events.ended_at_ms", kSchemaV2},
    {3, "rtmp_targets", kSchemaV3},
}};

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, applied_at_ms INTEGER NOT NULL) STRICT";

std::int64_t recorded_version(Database& db) {
    auto tables = db.query_int64(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'",
        "read schema");
    if (tables == 0) {
        return 0;
    }
    return db.query_int64("SELECT coalesce(max(version), 0) FROM schema_migrations",
                          "read schema version");
}

std::int64_t now_ms() {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    using std::chrono::system_clock;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void apply(Database& db, const Migration& migration) {
    Transaction transaction(db);
    db.exec(kCreateMigrationsTable, "create schema_migrations");
    if (recorded_version(db) >= migration.version) {
        return;  // another process applied it between our check and our write lock
    }
    db.exec(migration.sql, "apply schema migration " + std::to_string(migration.version) + " (" +
                               std::string(migration.description) + ")");
    auto record =
        db.prepare("INSERT INTO schema_migrations (version, applied_at_ms) VALUES (?1, ?2)",
                   "record schema migration");
    record->use().bind(1, migration.version).bind(2, now_ms()).run();
    transaction.commit();
}

}  // namespace

std::span<const Migration> migrations() {
    return kMigrations;
}

std::int64_t newest_schema_version() {
    return kMigrations.back().version;
}

std::int64_t check_schema_version(Database& db) {
    std::int64_t version = recorded_version(db);
    if (version > newest_schema_version()) {
        throw StoreError(StoreErrorCode::schema,
                         "database " + db.path().string() + " has schema version " +
                             std::to_string(version) + " but this onstage knows versions up to " +
                             std::to_string(newest_schema_version()) +
                             "; it was written by a newer onstage, upgrade onstage to open it");
    }
    return version;
}

void migrate(Database& db) {
    std::int64_t version = check_schema_version(db);
    for (const Migration& migration : kMigrations) {
        if (migration.version > version) {
            apply(db, migration);
        }
    }
}

}  // namespace onstage::store::sqlite
