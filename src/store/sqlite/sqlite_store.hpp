// The SQLite backend of the Store port (store.hpp): one database file in WAL mode, versioned
// migrations on open, every statement prepared once per connection and reused.
//
// Threading: one instance per thread; not thread-safe. Each instance owns its own connection;
// several instances (or processes) may share a file: SQLite serialises writers, and a writer
// waits up to kBusyTimeoutMs for another one's transaction to finish.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace onstage::store::sqlite {

// How long a write waits for another connection's write transaction before failing with io.
inline constexpr int kBusyTimeoutMs = 5000;

class ParticipantWriter;

class SqliteStore final : public Store {
public:
    // Opens (creating if needed) and migrates the file. Throws StoreError: io if the file cannot
    // be opened or written, schema if it is newer than this binary or not an onstage database.
    explicit SqliteStore(const std::filesystem::path& path);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;
    SqliteStore(SqliteStore&&) = delete;
    SqliteStore& operator=(SqliteStore&&) = delete;

    void create_event(const domain::Event& event,
                      std::span<const domain::Participant> participants) override;
    std::vector<domain::Event> list_events() override;
    std::optional<domain::Event> find_event(std::string_view event_id) override;
    std::vector<domain::Participant> participants(std::string_view event_id) override;
    std::optional<domain::Participant> find_participant(std::string_view event_id,
                                                        std::string_view participant_id) override;
    RoleCounts count_participants(std::string_view event_id) override;
    void replace_access_key_hashes(std::string_view event_id,
                                   std::span<const AccessKeyHashUpdate> updates,
                                   const domain::AuditEntry& audit) override;
    domain::TimeMs end_event(std::string_view event_id, const domain::AuditEntry& audit) override;

    // Only attendees whose status was ever stored, by attendee id; everyone else is watching.
    std::vector<domain::AttendeeStatus> attendee_statuses(std::string_view event_id) override;
    // An attendee of the event without a stored status gets a watching status (updated_at 0);
    // nullopt if the id is not an attendee of the event.
    std::optional<domain::AttendeeStatus> find_attendee_status(
        std::string_view event_id, std::string_view attendee_id) override;
    // not_found if an attendee or moderator id is not a participant of the event; invalid if it
    // names a participant of another role, or an audit entry names another event.
    void apply_transition(std::string_view event_id,
                          std::span<const domain::AttendeeStatus> changed,
                          std::span<const domain::AuditEntry> audit) override;

    // 0 for a participant never bumped (or unknown); bumping an unknown one is not_found.
    std::int64_t session_version(std::string_view event_id,
                                 std::string_view participant_id) override;
    std::int64_t bump_session_version(std::string_view event_id,
                                      std::string_view participant_id) override;

    // not_found if the entry's event does not exist.
    domain::AuditEntry append_audit(const domain::AuditEntry& entry) override;
    std::vector<domain::AuditEntry> audit_log(std::string_view event_id, std::int64_t after_seq,
                                              std::size_t limit) override;

    domain::RtmpTarget add_rtmp_target(const domain::RtmpTarget& target,
                                       const domain::AuditEntry& audit) override;
    bool remove_rtmp_target(std::string_view event_id, std::string_view target_id,
                            const domain::AuditEntry& audit) override;
    std::vector<domain::RtmpTarget> list_rtmp_targets(std::string_view event_id) override;

    // conflict if the key id exists.
    void put_signing_key(const SigningKey& key) override;
    std::vector<SigningKey> signing_keys() override;

private:
    struct Statements;

    std::optional<domain::Role> participant_role(std::string_view event_id,
                                                 std::string_view participant_id);
    void check_transition_row(std::string_view event_id, const domain::AttendeeStatus& status);
    void upsert_status(std::string_view event_id, const domain::AttendeeStatus& status);
    // Inside the caller's transaction; `event_id` replaces an empty entry.event_id.
    domain::AuditEntry insert_audit(std::string_view event_id, const domain::AuditEntry& entry);

    // Declared first so that it is closed last, after every statement is finalized.
    Database db_;
    std::unique_ptr<Statements> statements_;
    std::unique_ptr<ParticipantWriter> participant_writer_;
};

}  // namespace onstage::store::sqlite
