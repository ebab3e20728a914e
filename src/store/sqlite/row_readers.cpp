#include "store/sqlite/row_readers.hpp"

#include <algorithm>
#include <cstdint>
#include <string>
#include <tuple>

#include "store/sqlite/extra_fields_codec.hpp"

namespace onstage::store::sqlite {

domain::Event read_event(const BoundStatement& row) {
    domain::Event event;
    event.id = row.column_text(0);
    event.name = row.column_text(1);
    event.is_public = row.column_int64(2) != 0;
    event.created_at_ms = row.column_int64(3);
    if (!row.column_is_null(4)) {
        event.starts_at_ms = row.column_int64(4);
    }
    event.base_url = row.column_text(5);
    if (!row.column_is_null(6)) {
        event.ended_at_ms = row.column_int64(6);
    }
    return event;
}

domain::Role read_role(const BoundStatement& row, int column) {
    auto name = row.column_text(column);
    auto role = domain::role_from_string(name);
    if (!role) {
        throw StoreError(StoreErrorCode::schema, "participants: unknown role '" + name + "'");
    }
    return *role;
}

domain::Participant read_participant(const BoundStatement& row, std::string_view event_id) {
    domain::Participant p;
    p.id = row.column_text(0);
    p.event_id = std::string(event_id);
    p.role = read_role(row, 1);
    p.position = row.column_int64(2);
    p.full_name = row.column_text(3);
    p.email = row.column_text(4);
    p.access_key_hash = row.column_text(5);
    auto extra = decode_extra_fields(row.column_text(6));
    if (!extra) {
        throw StoreError(StoreErrorCode::schema,
                         "participant '" + p.id + "': damaged extra fields in the database");
    }
    p.extra = std::move(*extra);
    return p;
}

domain::AttendeeStatus read_status(const BoundStatement& row) {
    domain::AttendeeStatus status;
    status.attendee_id = row.column_text(0);
    auto state_name = row.column_text(1);
    auto state = domain::stage_state_from_string(state_name);
    if (!state) {
        throw StoreError(StoreErrorCode::schema, "attendee '" + status.attendee_id +
                                                     "': unknown stage state '" + state_name + "'");
    }
    status.state = *state;
    status.moderator_id = row.column_text(2);
    if (!row.column_is_null(3)) {
        status.hand =
            domain::HandRaise{row.column_text(3), row.column_int64(4), row.column_int64(5)};
    }
    status.invite_expires_at_ms = row.column_int64(6);
    status.updated_at_ms = row.column_int64(7);
    return status;
}

domain::AuditEntry read_audit(const BoundStatement& row) {
    domain::AuditEntry entry;
    entry.seq = row.column_int64(0);
    entry.event_id = row.column_text(1);
    entry.at_ms = row.column_int64(2);
    entry.actor_id = row.column_text(3);
    entry.action = row.column_text(4);
    entry.subject_id = row.column_text(5);
    entry.from_state = row.column_text(6);
    entry.to_state = row.column_text(7);
    entry.detail = row.column_text(8);
    return entry;
}

void sort_roster(std::vector<domain::Participant>& participants) {
    // Sorting small keys and moving each participant once beats swapping whole participants
    // (seven strings and a vector each) through the sort. Role enum order is roster order.
    struct Key {
        domain::Role role;
        std::int64_t position;
        std::size_t index;
    };
    std::vector<Key> keys;
    keys.reserve(participants.size());
    for (std::size_t i = 0; i < participants.size(); ++i) {
        keys.push_back({participants[i].role, participants[i].position, i});
    }
    std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
        return std::tie(a.role, a.position, participants[a.index].id) <
               std::tie(b.role, b.position, participants[b.index].id);
    });
    std::vector<domain::Participant> sorted;
    sorted.reserve(participants.size());
    for (const Key& key : keys) {
        sorted.push_back(std::move(participants[key.index]));
    }
    participants = std::move(sorted);
}

}  // namespace onstage::store::sqlite
