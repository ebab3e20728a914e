#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "domain/limits.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/participant_writer.hpp"
#include "store/sqlite/row_readers.hpp"

namespace onstage::store::sqlite {

using domain::AttendeeStatus;
using domain::AuditEntry;
using domain::Event;
using domain::Participant;
using domain::Role;
using domain::RtmpTarget;
using domain::TimeMs;

// Every statement the store runs, prepared once when the store opens.
struct SqliteStore::Statements {
    explicit Statements(Database& db)
        : insert_event(db.prepare("INSERT INTO events (id, name, is_public, created_at_ms, "
                                  "starts_at_ms, base_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                  "insert event")),
          select_events(
              db.prepare("SELECT id, name, is_public, created_at_ms, starts_at_ms, base_url, "
                         "ended_at_ms FROM events ORDER BY created_at_ms DESC, rowid DESC",
                         "list events")),
          select_event(
              db.prepare("SELECT id, name, is_public, created_at_ms, starts_at_ms, base_url, "
                         "ended_at_ms FROM events WHERE id = ?1",
                         "find event")),
          end_event(db.prepare("UPDATE events SET ended_at_ms = ?2 "
                               "WHERE id = ?1 AND ended_at_ms IS NULL",
                               "end event")),
          select_participants(
              db.prepare("SELECT id, role, position, full_name, email, access_key_hash, extra "
                         "FROM participants WHERE event_id = ?1",
                         "list participants")),
          select_participant(
              db.prepare("SELECT id, role, position, full_name, email, access_key_hash, extra "
                         "FROM participants WHERE event_id = ?1 AND id = ?2",
                         "find participant")),
          select_role(db.prepare("SELECT role FROM participants WHERE event_id = ?1 AND id = ?2",
                                 "find participant role")),
          count_roles(db.prepare("SELECT role, count(*) FROM participants WHERE event_id = ?1 "
                                 "GROUP BY role",
                                 "count participants")),
          update_key_hash(db.prepare("UPDATE participants SET access_key_hash = ?3 "
                                     "WHERE event_id = ?1 AND id = ?2",
                                     "update access key hash")),
          select_statuses(db.prepare(
              "SELECT attendee_id, state, moderator_id, question, raised_at_ms, edited_at_ms, "
              "invite_expires_at_ms, updated_at_ms FROM attendee_status WHERE event_id = ?1 "
              "ORDER BY attendee_id",
              "list attendee statuses")),
          select_status(db.prepare(
              "SELECT attendee_id, state, moderator_id, question, raised_at_ms, edited_at_ms, "
              "invite_expires_at_ms, updated_at_ms FROM attendee_status "
              "WHERE event_id = ?1 AND attendee_id = ?2",
              "find attendee status")),
          upsert_status(db.prepare(
              "INSERT INTO attendee_status (event_id, attendee_id, state, moderator_id, question, "
              "raised_at_ms, edited_at_ms, invite_expires_at_ms, updated_at_ms) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
              "ON CONFLICT (event_id, attendee_id) DO UPDATE SET state = excluded.state, "
              "moderator_id = excluded.moderator_id, question = excluded.question, "
              "raised_at_ms = excluded.raised_at_ms, edited_at_ms = excluded.edited_at_ms, "
              "invite_expires_at_ms = excluded.invite_expires_at_ms, "
              "updated_at_ms = excluded.updated_at_ms",
              "store attendee status")),
          select_session_version(db.prepare("SELECT version FROM session_versions "
                                            "WHERE event_id = ?1 AND participant_id = ?2",
                                            "read session version")),
          bump_session_version(db.prepare(
              "INSERT INTO session_versions (event_id, participant_id, version) "
              "SELECT event_id, id, 1 FROM participants WHERE event_id = ?1 AND id = ?2 "
              "ON CONFLICT (event_id, participant_id) DO UPDATE SET version = version + 1 "
              "RETURNING version",
              "bump session version")),
          insert_audit(db.prepare(
              "INSERT INTO audit_log (event_id, at_ms, actor_id, action, subject_id, from_state, "
              "to_state, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING seq",
              "append audit entry")),
          select_audit(db.prepare(
              "SELECT seq, event_id, at_ms, actor_id, action, subject_id, from_state, to_state, "
              "detail FROM audit_log WHERE event_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
              "read audit log")),
          rtmp_target_slots(db.prepare("SELECT count(*), coalesce(max(position) + 1, 0) "
                                       "FROM rtmp_targets WHERE event_id = ?1",
                                       "count rtmp targets")),
          insert_rtmp_target(db.prepare(
              "INSERT INTO rtmp_targets (event_id, id, name, url, created_at_ms, position) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
              "insert rtmp target")),
          delete_rtmp_target(db.prepare("DELETE FROM rtmp_targets WHERE event_id = ?1 AND id = ?2",
                                        "delete rtmp target")),
          select_rtmp_targets(
              db.prepare("SELECT id, name, url, created_at_ms, position FROM rtmp_targets "
                         "WHERE event_id = ?1 ORDER BY position",
                         "list rtmp targets")),
          deactivate_keys(db.prepare("UPDATE signing_keys SET active = 0 WHERE active = 1",
                                     "deactivate signing keys")),
          insert_key(db.prepare("INSERT INTO signing_keys (key_id, secret, created_at_ms, active) "
                                "VALUES (?1, ?2, ?3, ?4)",
                                "insert signing key")),
          select_keys(db.prepare("SELECT key_id, secret, created_at_ms, active FROM signing_keys "
                                 "ORDER BY created_at_ms, rowid",
                                 "list signing keys")) {}

    std::unique_ptr<Statement> insert_event;
    std::unique_ptr<Statement> select_events;
    std::unique_ptr<Statement> select_event;
    std::unique_ptr<Statement> end_event;
    std::unique_ptr<Statement> select_participants;
    std::unique_ptr<Statement> select_participant;
    std::unique_ptr<Statement> select_role;
    std::unique_ptr<Statement> count_roles;
    std::unique_ptr<Statement> update_key_hash;
    std::unique_ptr<Statement> select_statuses;
    std::unique_ptr<Statement> select_status;
    std::unique_ptr<Statement> upsert_status;
    std::unique_ptr<Statement> select_session_version;
    std::unique_ptr<Statement> bump_session_version;
    std::unique_ptr<Statement> insert_audit;
    std::unique_ptr<Statement> select_audit;
    std::unique_ptr<Statement> rtmp_target_slots;
    std::unique_ptr<Statement> insert_rtmp_target;
    std::unique_ptr<Statement> delete_rtmp_target;
    std::unique_ptr<Statement> select_rtmp_targets;
    std::unique_ptr<Statement> deactivate_keys;
    std::unique_ptr<Statement> insert_key;
    std::unique_ptr<Statement> select_keys;
};

namespace {

std::string in_quotes(std::string_view text) {
    std::string out = "'";
    out += text;
    out += '\'';
    return out;
}

// Rethrows `error` (same code) with the store-level context in front of SQLite's message.
[[noreturn]] void rethrow_with(const StoreError& error, const std::string& context) {
    throw StoreError(error.code(), context + " (" + error.what() + ")");
}

void configure_connection(Database& db) {
    db.exec("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs), "set busy timeout");
    db.exec("PRAGMA foreign_keys = ON", "enable foreign keys");
}

// Only after the schema check, so that a file this binary refuses is never written.
void configure_durability(Database& db) {
    // WAL: readers never block the writer, and a commit is one append to the log.
    if (db.query_text("PRAGMA journal_mode = WAL", "enable WAL") != "wal") {
        throw StoreError(StoreErrorCode::io,
                         "database " + db.path().string() + " cannot use write-ahead logging");
    }
    // NORMAL in WAL mode syncs only at checkpoints: a committed transaction survives a crash or
    // SIGKILL of the process (the WAL is in the OS page cache); only a power loss or OS crash can
    // lose the last commits, and never corrupts the file.
    db.exec("PRAGMA synchronous = NORMAL", "set synchronous mode");
}

std::string count_text(std::int64_t count, std::string_view one, std::string_view many) {
    return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

// One pass over the roster before anything is written: every participant must belong to the
// event, and the role counts go into the event_created audit entry.
Store::RoleCounts check_roster(const Event& event, std::span<const Participant> participants) {
    Store::RoleCounts counts;
    for (const Participant& p : participants) {
        if (!p.event_id.empty() && p.event_id != event.id) {
            throw StoreError(StoreErrorCode::invalid,
                             "create event " + in_quotes(event.id) + ": participant " +
                                 in_quotes(p.id) + " belongs to event " + in_quotes(p.event_id));
        }
        switch (p.role) {
        case Role::attendee:
            ++counts.attendees;
            break;
        case Role::moderator:
            ++counts.moderators;
            break;
        case Role::talent:
            ++counts.talent;
            break;
        }
    }
    return counts;
}

// "3 talent, 20 moderators, 100000 attendees"
std::string event_created_detail(const Store::RoleCounts& counts) {
    return count_text(counts.talent, "talent", "talent") + ", " +
           count_text(counts.moderators, "moderator", "moderators") + ", " +
           count_text(counts.attendees, "attendee", "attendees");
}

}  // namespace

SqliteStore::SqliteStore(const std::filesystem::path& path) : db_(path) {
    configure_connection(db_);
    check_schema_version(db_);
    configure_durability(db_);
    migrate(db_);
    statements_ = std::make_unique<Statements>(db_);
    participant_writer_ = std::make_unique<ParticipantWriter>(db_);
}

SqliteStore::~SqliteStore() = default;

// --- events and participants ------------------------------------------------------------------

void SqliteStore::create_event(const Event& event, std::span<const Participant> participants) {
    RoleCounts counts = check_roster(event, participants);
    Transaction transaction(db_);
    try {
        auto insert = statements_->insert_event->use();
        insert.bind(1, event.id).bind(2, event.name).bind(3, std::int64_t{event.is_public});
        insert.bind(4, event.created_at_ms);
        if (event.starts_at_ms) {
            insert.bind(5, *event.starts_at_ms);
        }
        insert.bind(6, event.base_url);
        insert.run();
    } catch (const StoreError& e) {
        if (e.code() != StoreErrorCode::conflict) {
            throw;
        }
        rethrow_with(e, "event " + in_quotes(event.id) + " already exists");
    }
    participant_writer_->insert(event.id, participants);
    AuditEntry audit;
    audit.event_id = event.id;
    audit.at_ms = event.created_at_ms;
    audit.actor_id = "admin";
    audit.action = "event_created";
    audit.detail = event_created_detail(counts);
    insert_audit(event.id, audit);
    transaction.commit();
}

std::vector<Event> SqliteStore::list_events() {
    std::vector<Event> events;
    auto query = statements_->select_events->use();
    while (query.step()) {
        events.push_back(read_event(query));
    }
    return events;
}

std::optional<Event> SqliteStore::find_event(std::string_view event_id) {
    auto query = statements_->select_event->use();
    query.bind(1, event_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_event(query);
}

std::vector<Participant> SqliteStore::participants(std::string_view event_id) {
    std::vector<Participant> result;
    auto query = statements_->select_participants->use();
    query.bind(1, event_id);
    while (query.step()) {
        result.push_back(read_participant(query, event_id));
    }
    sort_roster(result);
    return result;
}

std::optional<Participant> SqliteStore::find_participant(std::string_view event_id,
                                                         std::string_view participant_id) {
    auto query = statements_->select_participant->use();
    query.bind(1, event_id).bind(2, participant_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_participant(query, event_id);
}

Store::RoleCounts SqliteStore::count_participants(std::string_view event_id) {
    RoleCounts counts;
    auto query = statements_->count_roles->use();
    query.bind(1, event_id);
    while (query.step()) {
        std::int64_t count = query.column_int64(1);
        switch (read_role(query, 0)) {
        case Role::attendee:
            counts.attendees = count;
            break;
        case Role::moderator:
            counts.moderators = count;
            break;
        case Role::talent:
            counts.talent = count;
            break;
        }
    }
    return counts;
}

void SqliteStore::replace_access_key_hashes(std::string_view event_id,
                                            std::span<const AccessKeyHashUpdate> updates,
                                            const AuditEntry& audit) {
    Transaction transaction(db_);
    for (const AccessKeyHashUpdate& update : updates) {
        auto query = statements_->update_key_hash->use();
        query.bind(1, event_id).bind(2, update.participant_id).bind(3, update.access_key_hash);
        query.run();
        if (db_.changes() == 0) {
            throw StoreError(StoreErrorCode::not_found, "replace access keys: participant " +
                                                            in_quotes(update.participant_id) +
                                                            " is not in event " +
                                                            in_quotes(event_id));
        }
    }
    insert_audit(event_id, audit);
    transaction.commit();
}

TimeMs SqliteStore::end_event(std::string_view event_id, const AuditEntry& audit) {
    Transaction transaction(db_);
    auto update = statements_->end_event->use();
    update.bind(1, event_id).bind(2, audit.at_ms);
    update.run();
    if (db_.changes() == 1) {
        insert_audit(event_id, audit);
        transaction.commit();
        return audit.at_ms;
    }
    auto event = find_event(event_id);
    if (!event) {
        throw StoreError(StoreErrorCode::not_found, "end event: no event " + in_quotes(event_id));
    }
    if (!event->ended_at_ms) {
        throw StoreError(StoreErrorCode::io, "end event " + in_quotes(event_id) + ": not stored");
    }
    return *event->ended_at_ms;  // ended before: the first time stays
}

// --- attendee stage state ---------------------------------------------------------------------

std::vector<AttendeeStatus> SqliteStore::attendee_statuses(std::string_view event_id) {
    std::vector<AttendeeStatus> statuses;
    auto query = statements_->select_statuses->use();
    query.bind(1, event_id);
    while (query.step()) {
        statuses.push_back(read_status(query));
    }
    return statuses;
}

std::optional<AttendeeStatus> SqliteStore::find_attendee_status(std::string_view event_id,
                                                                std::string_view attendee_id) {
    {
        auto query = statements_->select_status->use();
        query.bind(1, event_id).bind(2, attendee_id);
        if (query.step()) {
            return read_status(query);
        }
    }
    if (participant_role(event_id, attendee_id) != Role::attendee) {
        return std::nullopt;
    }
    AttendeeStatus watching;
    watching.attendee_id = std::string(attendee_id);
    return watching;
}

std::optional<Role> SqliteStore::participant_role(std::string_view event_id,
                                                  std::string_view participant_id) {
    auto query = statements_->select_role->use();
    query.bind(1, event_id).bind(2, participant_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_role(query, 0);
}

// The foreign keys would refuse these rows too; checking first names who and why.
void SqliteStore::check_transition_row(std::string_view event_id, const AttendeeStatus& status) {
    auto check = [&](std::string_view id, Role expected, std::string_view what) {
        auto role = participant_role(event_id, id);
        if (!role) {
            throw StoreError(StoreErrorCode::not_found,
                             "apply transition: " + std::string(what) + " " + in_quotes(id) +
                                 " is not in event " + in_quotes(event_id));
        }
        if (*role != expected) {
            throw StoreError(StoreErrorCode::invalid, "apply transition: " + std::string(what) +
                                                          " " + in_quotes(id) + " has role " +
                                                          std::string(domain::to_string(*role)));
        }
    };
    check(status.attendee_id, Role::attendee, "attendee");
    if (!status.moderator_id.empty()) {
        check(status.moderator_id, Role::moderator, "moderator");
    }
}

void SqliteStore::upsert_status(std::string_view event_id, const AttendeeStatus& status) {
    auto query = statements_->upsert_status->use();
    query.bind(1, event_id).bind(2, status.attendee_id).bind(3, domain::to_string(status.state));
    query.bind_or_null(4, status.moderator_id);
    if (status.hand) {
        query.bind(5, status.hand->question).bind(6, status.hand->raised_at_ms);
        query.bind(7, status.hand->edited_at_ms);
    }
    query.bind(8, status.invite_expires_at_ms).bind(9, status.updated_at_ms);
    query.run();
}

void SqliteStore::apply_transition(std::string_view event_id,
                                   std::span<const AttendeeStatus> changed,
                                   std::span<const AuditEntry> audit) {
    Transaction transaction(db_);
    for (const AttendeeStatus& status : changed) {
        check_transition_row(event_id, status);
        upsert_status(event_id, status);
    }
    for (const AuditEntry& entry : audit) {
        insert_audit(event_id, entry);
    }
    transaction.commit();
}

// --- sessions ---------------------------------------------------------------------------------

std::int64_t SqliteStore::session_version(std::string_view event_id,
                                          std::string_view participant_id) {
    auto query = statements_->select_session_version->use();
    query.bind(1, event_id).bind(2, participant_id);
    return query.step() ? query.column_int64(0) : 0;
}

std::int64_t SqliteStore::bump_session_version(std::string_view event_id,
                                               std::string_view participant_id) {
    // The insert selects the participant from the event, so an unknown one yields no row.
    auto query = statements_->bump_session_version->use();
    query.bind(1, event_id).bind(2, participant_id);
    if (!query.step()) {
        throw StoreError(StoreErrorCode::not_found, "bump session version: participant " +
                                                        in_quotes(participant_id) +
                                                        " is not in event " + in_quotes(event_id));
    }
    std::int64_t version = query.column_int64(0);
    query.run();
    return version;
}

// --- audit log --------------------------------------------------------------------------------

AuditEntry SqliteStore::insert_audit(std::string_view event_id, const AuditEntry& entry) {
    if (!entry.event_id.empty() && entry.event_id != event_id) {
        throw StoreError(StoreErrorCode::invalid, "audit entry for event " +
                                                      in_quotes(entry.event_id) +
                                                      " given with event " + in_quotes(event_id));
    }
    AuditEntry stored = entry;
    stored.event_id = std::string(event_id);
    try {
        auto query = statements_->insert_audit->use();
        query.bind(1, event_id).bind(2, entry.at_ms).bind(3, entry.actor_id);
        query.bind(4, entry.action).bind(5, entry.subject_id).bind(6, entry.from_state);
        query.bind(7, entry.to_state).bind(8, entry.detail);
        stored.seq = query.step() ? query.column_int64(0) : 0;
        query.run();
    } catch (const StoreError& e) {
        if (e.code() != StoreErrorCode::not_found) {
            throw;
        }
        rethrow_with(e, "append audit entry: no event " + in_quotes(event_id));
    }
    return stored;
}

AuditEntry SqliteStore::append_audit(const AuditEntry& entry) {
    // One row, but through a transaction like every write, so a failure leaves nothing behind.
    Transaction transaction(db_);
    AuditEntry stored = insert_audit(entry.event_id, entry);
    transaction.commit();
    return stored;
}

std::vector<AuditEntry> SqliteStore::audit_log(std::string_view event_id, std::int64_t after_seq,
                                               std::size_t limit) {
    std::vector<AuditEntry> entries;
    constexpr auto kMaxLimit = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
    auto query = statements_->select_audit->use();
    query.bind(1, event_id).bind(2, after_seq);
    query.bind(3, static_cast<std::int64_t>(std::min(limit, kMaxLimit)));
    while (query.step()) {
        entries.push_back(read_audit(query));
    }
    return entries;
}

// --- RTMP targets -----------------------------------------------------------------------------

RtmpTarget SqliteStore::add_rtmp_target(const RtmpTarget& target, const AuditEntry& audit) {
    Transaction transaction(db_);
    RtmpTarget stored = target;
    {
        auto slots = statements_->rtmp_target_slots->use();
        slots.bind(1, target.event_id);
        const bool counted = slots.step();
        const std::int64_t count = counted ? slots.column_int64(0) : 0;
        stored.position = counted ? slots.column_int64(1) : 0;
        slots.run();
        if (count >= static_cast<std::int64_t>(domain::limits::kMaxRtmpTargets)) {
            throw StoreError(StoreErrorCode::limit,
                             "add rtmp target: event " + in_quotes(target.event_id) +
                                 " already has " + std::to_string(count) + " targets");
        }
    }
    try {
        auto insert = statements_->insert_rtmp_target->use();
        insert.bind(1, target.event_id).bind(2, target.id).bind(3, target.name);
        insert.bind(4, target.url).bind(5, target.created_at_ms).bind(6, stored.position);
        insert.run();
    } catch (const StoreError& e) {
        if (e.code() == StoreErrorCode::conflict) {
            rethrow_with(e, "rtmp target " + in_quotes(target.id) + " already exists");
        }
        if (e.code() == StoreErrorCode::not_found) {
            rethrow_with(e, "add rtmp target: no event " + in_quotes(target.event_id));
        }
        throw;
    }
    insert_audit(target.event_id, audit);
    transaction.commit();
    return stored;
}

bool SqliteStore::remove_rtmp_target(std::string_view event_id, std::string_view target_id,
                                     const AuditEntry& audit) {
    Transaction transaction(db_);
    auto remove = statements_->delete_rtmp_target->use();
    remove.bind(1, event_id).bind(2, target_id);
    remove.run();
    if (db_.changes() == 0) {
        return false;  // the transaction rolls back: nothing was written
    }
    insert_audit(event_id, audit);
    transaction.commit();
    return true;
}

std::vector<RtmpTarget> SqliteStore::list_rtmp_targets(std::string_view event_id) {
    std::vector<RtmpTarget> targets;
    auto query = statements_->select_rtmp_targets->use();
    query.bind(1, event_id);
    while (query.step()) {
        RtmpTarget t;
        t.id = query.column_text(0);
        t.event_id = std::string(event_id);
        t.name = query.column_text(1);
        t.url = query.column_text(2);
        t.created_at_ms = query.column_int64(3);
        t.position = query.column_int64(4);
        targets.push_back(std::move(t));
    }
    return targets;
}

// --- signing keys -----------------------------------------------------------------------------

void SqliteStore::put_signing_key(const SigningKey& key) {
    Transaction transaction(db_);
    if (key.active) {
        statements_->deactivate_keys->use().run();
    }
    try {
        auto query = statements_->insert_key->use();
        query.bind(1, key.key_id).bind_blob(2, key.secret).bind(3, key.created_at_ms);
        query.bind(4, std::int64_t{key.active});
        query.run();
    } catch (const StoreError& e) {
        if (e.code() != StoreErrorCode::conflict) {
            throw;
        }
        rethrow_with(e, "signing key " + in_quotes(key.key_id) + " already exists");
    }
    transaction.commit();
}

std::vector<SigningKey> SqliteStore::signing_keys() {
    std::vector<SigningKey> keys;
    auto query = statements_->select_keys->use();
    while (query.step()) {
        SigningKey key;
        key.key_id = query.column_text(0);
        key.secret = query.column_blob(1);
        key.created_at_ms = query.column_int64(2);
        key.active = query.column_int64(3) != 0;
        keys.push_back(std::move(key));
    }
    return keys;
}

}  // namespace onstage::store::sqlite

namespace onstage::store {

std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path) {
    return std::make_unique<sqlite::SqliteStore>(path);
}

}  // namespace onstage::store
