// The persistence port of onstage: events, participants, attendee stage state, session
// versions (token revocation), the audit log and signing-key material.
//
// Backends: SQLite (sqlite/, the default, embedded) and, later, PostgreSQL. Both must pass the
// one contract suite in tests/unit/store/.
//
// Threading: a Store instance is not thread-safe. Use it from one thread (or strand) at a time;
// the server gives blocking store work its own executor. Every method that changes more than one
// row does so in one transaction: after a crash either all of it is there or none of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "domain/attendee_state.hpp"
#include "domain/audit.hpp"
#include "domain/event.hpp"
#include "domain/rtmp_target.hpp"

namespace onstage::store {

enum class StoreErrorCode {
    conflict,   // unique key already exists (e.g. an event id)
    not_found,  // the event/participant named does not exist
    limit,      // a per-event limit is reached (e.g. limits::kMaxRtmpTargets)
    invalid,    // the data breaks a constraint (e.g. a participant of another event)
    io,         // the database could not be read or written
    schema,     // the database is newer than this binary, or damaged
};

std::string_view to_string(StoreErrorCode code);

class StoreError : public std::runtime_error {
public:
    StoreError(StoreErrorCode code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    StoreErrorCode code() const { return code_; }

private:
    StoreErrorCode code_;
};

struct AccessKeyHashUpdate {
    std::string participant_id;
    std::string access_key_hash;
};

struct SigningKey {
    std::string key_id;
    std::vector<std::uint8_t> secret;  // e.g. an Ed25519 secret key
    domain::TimeMs created_at_ms = 0;
    bool active = false;  // exactly one key signs new tokens; older ones still verify
    bool operator==(const SigningKey&) const = default;
};

class Store {
public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // --- events and participants ------------------------------------------------------------
    // Creates the event, all its participants and an "event_created" audit entry in one
    // transaction. Throws StoreError(conflict) if the event id or a participant id exists.
    virtual void create_event(const domain::Event& event,
                              std::span<const domain::Participant> participants) = 0;
    // Newest first.
    virtual std::vector<domain::Event> list_events() = 0;
    virtual std::optional<domain::Event> find_event(std::string_view event_id) = 0;
    // Ordered by role (attendee, moderator, talent) then position.
    virtual std::vector<domain::Participant> participants(std::string_view event_id) = 0;
    virtual std::optional<domain::Participant> find_participant(
        std::string_view event_id, std::string_view participant_id) = 0;
    // Counts per role, without loading the rows: {attendees, moderators, talent}.
    struct RoleCounts {
        std::int64_t attendees = 0;
        std::int64_t moderators = 0;
        std::int64_t talent = 0;
    };
    virtual RoleCounts count_participants(std::string_view event_id) = 0;
    // Replaces access-key hashes (key rotation) and appends `audit` in one transaction; throws
    // StoreError(not_found) if any participant is not in the event (and changes nothing).
    virtual void replace_access_key_hashes(std::string_view event_id,
                                           std::span<const AccessKeyHashUpdate> updates,
                                           const domain::AuditEntry& audit) = 0;

    // Ends the event at `audit.at_ms` and appends `audit` (its "event_ended" entry) in one
    // transaction. Ending an ended event changes nothing (no second audit entry) and keeps the
    // first time. Returns the event's ended_at_ms; throws StoreError(not_found) for an unknown
    // event.
    virtual domain::TimeMs end_event(std::string_view event_id,
                                     const domain::AuditEntry& audit) = 0;

    // --- attendee stage state ---------------------------------------------------------------
    // Attendees without a stored status are watching.
    virtual std::vector<domain::AttendeeStatus> attendee_statuses(std::string_view event_id) = 0;
    virtual std::optional<domain::AttendeeStatus> find_attendee_status(
        std::string_view event_id, std::string_view attendee_id) = 0;
    // Upserts the changed statuses and appends the audit entries, in one transaction.
    virtual void apply_transition(std::string_view event_id,
                                  std::span<const domain::AttendeeStatus> changed,
                                  std::span<const domain::AuditEntry> audit) = 0;

    // --- sessions (token revocation) --------------------------------------------------------
    // Tokens carry the version current at login; bumping it revokes every older token.
    virtual std::int64_t session_version(std::string_view event_id,
                                         std::string_view participant_id) = 0;
    virtual std::int64_t bump_session_version(std::string_view event_id,
                                              std::string_view participant_id) = 0;

    // --- audit log --------------------------------------------------------------------------
    // Returns the entry with its assigned seq.
    virtual domain::AuditEntry append_audit(const domain::AuditEntry& entry) = 0;
    // Entries of one event with seq > after_seq, oldest first, at most `limit`.
    virtual std::vector<domain::AuditEntry> audit_log(std::string_view event_id,
                                                      std::int64_t after_seq,
                                                      std::size_t limit) = 0;

    // --- RTMP targets -----------------------------------------------------------------------
    // Adds `target` (its position is ignored: the store gives it the event's highest + 1) and
    // appends `audit`, in one transaction; returns the target as stored. Throws StoreError:
    // not_found for an unknown event, conflict if the id exists in the event, limit if the event
    // already has domain::limits::kMaxRtmpTargets targets. Nothing is written on any error.
    virtual domain::RtmpTarget add_rtmp_target(const domain::RtmpTarget& target,
                                               const domain::AuditEntry& audit) = 0;
    // Removes the target and appends `audit` in one transaction; false (and nothing written) if
    // the event has no such target.
    virtual bool remove_rtmp_target(std::string_view event_id, std::string_view target_id,
                                    const domain::AuditEntry& audit) = 0;
    // The event's targets with their full URLs, in position order; empty for an unknown event.
    virtual std::vector<domain::RtmpTarget> list_rtmp_targets(std::string_view event_id) = 0;

    // --- signing keys -----------------------------------------------------------------------
    // Adds a key; if it is active, every other key becomes inactive (same transaction).
    virtual void put_signing_key(const SigningKey& key) = 0;
    virtual std::vector<SigningKey> signing_keys() = 0;  // oldest first
};

// Opens (creating if needed) the SQLite database at `path` and migrates it to the newest schema.
// Throws StoreError(schema) if the file was written by a newer onstage.
std::unique_ptr<Store> open_sqlite_store(const std::filesystem::path& path);

}  // namespace onstage::store
