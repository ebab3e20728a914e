// Turns result rows of the SQLite store's SELECTs into domain values. Column order is fixed per
// reader (see each comment); text the domain cannot parse (an unknown role or state, damaged
// extra fields) is a damaged file: StoreError(schema), never a crash.
//
// Threading: pure functions over a row the caller's thread is stepping.
#pragma once

#include <string_view>
#include <vector>

#include "domain/attendee_state.hpp"
#include "domain/audit.hpp"
#include "domain/event.hpp"
#include "store/sqlite/sqlite_db.hpp"

namespace onstage::store::sqlite {

// id, name, is_public, created_at_ms, starts_at_ms, base_url, ended_at_ms
domain::Event read_event(const BoundStatement& row);
// A role name in `column`.
domain::Role read_role(const BoundStatement& row, int column);
// id, role, position, full_name, email, access_key_hash, extra
domain::Participant read_participant(const BoundStatement& row, std::string_view event_id);
// attendee_id, state, moderator_id, question, raised_at_ms, edited_at_ms, invite_expires_at_ms,
// updated_at_ms
domain::AttendeeStatus read_status(const BoundStatement& row);
// seq, event_id, at_ms, actor_id, action, subject_id, from_state, to_state, detail
domain::AuditEntry read_audit(const BoundStatement& row);

// Roster order: role (attendee, moderator, talent), then position, then id for equal positions.
void sort_roster(std::vector<domain::Participant>& participants);

}  // namespace onstage::store::sqlite
