// The Store contract: what every backend must do, seen only through the Store interface.
// Backends instantiate it (see store_contract.hpp); nothing here may assume a particular one.
#include "store_contract.hpp"

#include <algorithm>
#include <tuple>
#include <vector>

#include "domain/limits.hpp"

namespace onstage::store::contract {
namespace {

using domain::AttendeeStatus;
using domain::AuditEntry;
using domain::Event;
using domain::HandRaise;
using domain::Participant;
using domain::Role;
using domain::StageState;

Event make_event(const std::string& id, domain::TimeMs created_at_ms) {
    Event event;
    event.id = id;
    event.name = "Town hall " + id;
    event.created_at_ms = created_at_ms;
    return event;
}

Participant make_participant(const std::string& event_id, const std::string& id, Role role,
                             std::int64_t position) {
    Participant p;
    p.id = id;
    p.event_id = event_id;
    p.role = role;
    p.full_name = "Person " + id;
    p.email = id + "@example.org";
    if (domain::role_needs_access_key(role)) {
        p.access_key_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt$" + id;
    }
    p.position = position;
    return p;
}

// 3 attendees, 1 moderator, 2 talent; ids "<event>-a0", "<event>-m0", "<event>-t1", …
std::vector<Participant> roster(const std::string& event_id) {
    return {
        make_participant(event_id, event_id + "-a0", Role::attendee, 0),
        make_participant(event_id, event_id + "-a1", Role::attendee, 1),
        make_participant(event_id, event_id + "-a2", Role::attendee, 2),
        make_participant(event_id, event_id + "-m0", Role::moderator, 0),
        make_participant(event_id, event_id + "-t0", Role::talent, 0),
        make_participant(event_id, event_id + "-t1", Role::talent, 1),
    };
}

auto fields(const Participant& p) {
    return std::tie(p.id, p.event_id, p.role, p.full_name, p.email, p.extra, p.access_key_hash,
                    p.position);
}

auto fields(const Event& e) {
    return std::tie(e.id, e.name, e.is_public, e.created_at_ms, e.starts_at_ms, e.base_url,
                    e.ended_at_ms);
}

std::vector<std::string> ids(const std::vector<Participant>& participants) {
    std::vector<std::string> out;
    out.reserve(participants.size());
    for (const auto& p : participants) {
        out.push_back(p.id);
    }
    return out;
}

std::vector<std::string> ids(const std::vector<Event>& events) {
    std::vector<std::string> out;
    out.reserve(events.size());
    for (const auto& e : events) {
        out.push_back(e.id);
    }
    return out;
}

AttendeeStatus hand_raised(const std::string& attendee_id, domain::TimeMs at_ms) {
    AttendeeStatus s;
    s.attendee_id = attendee_id;
    s.state = StageState::hand_raised;
    s.hand = HandRaise{"Why is the sky blue? — « ça » 空", at_ms, at_ms + 5};
    s.updated_at_ms = at_ms + 5;
    return s;
}

AuditEntry audit(const std::string& event_id, const std::string& action, domain::TimeMs at_ms) {
    AuditEntry e;
    e.event_id = event_id;
    e.at_ms = at_ms;
    e.actor_id = event_id + "-m0";
    e.action = action;
    e.subject_id = event_id + "-a0";
    e.from_state = "hand_raised";
    e.to_state = "queued";
    e.detail = "detail of " + action;
    return e;
}

StoreErrorCode error_code_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const StoreError& e) {
        return e.code();
    }
    ADD_FAILURE() << "expected a StoreError";
    return StoreErrorCode::io;
}

// --- events ------------------------------------------------------------------------------------

TEST_P(StoreContract, FreshStoreHasNothing) {
    Store& s = store();
    EXPECT_TRUE(s.list_events().empty());
    EXPECT_FALSE(s.find_event("nope").has_value());
    EXPECT_TRUE(s.participants("nope").empty());
    EXPECT_FALSE(s.find_participant("nope", "nobody").has_value());
    auto counts = s.count_participants("nope");
    EXPECT_EQ(counts.attendees + counts.moderators + counts.talent, 0);
    EXPECT_TRUE(s.audit_log("nope", 0, 100).empty());
    EXPECT_TRUE(s.signing_keys().empty());
}

TEST_P(StoreContract, CreatedEventIsFoundWithAllItsFields) {
    Event scheduled = make_event("town-hall-k3m9qz", 1'700'000'000'000);
    scheduled.name = "Town hall — Zürich 東京 🎤";
    scheduled.is_public = true;
    scheduled.starts_at_ms = 1'700'000'360'000;
    scheduled.base_url = "https://events.example.org";
    Event unscheduled = make_event("retro-x1", 1'700'000'000'500);
    store().create_event(scheduled, {});
    store().create_event(unscheduled, {});

    auto found = store().find_event("town-hall-k3m9qz");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(fields(*found), fields(scheduled));
    found = store().find_event("retro-x1");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(fields(*found), fields(unscheduled));
    EXPECT_FALSE(store().find_event("town-hall").has_value());
}

TEST_P(StoreContract, ListEventsIsNewestFirst) {
    store().create_event(make_event("middle", 2000), {});
    store().create_event(make_event("oldest", 1000), {});
    store().create_event(make_event("newest", 3000), {});
    EXPECT_EQ(ids(store().list_events()), (std::vector<std::string>{"newest", "middle", "oldest"}));
}

TEST_P(StoreContract, CreateEventRecordsWhoCreatedItInTheAudit) {
    store().create_event(make_event("e1", 1234), roster("e1"));
    auto log = store().audit_log("e1", 0, 100);
    ASSERT_EQ(log.size(), 1U);
    EXPECT_EQ(log[0].event_id, "e1");
    EXPECT_EQ(log[0].action, "event_created");
    EXPECT_EQ(log[0].actor_id, "admin");
    EXPECT_EQ(log[0].at_ms, 1234);
    EXPECT_EQ(log[0].detail, "2 talent, 1 moderator, 3 attendees");
    EXPECT_GT(log[0].seq, 0);
}

TEST_P(StoreContract, DuplicateEventIdConflictsAndLeavesTheFirstIntact) {
    Event first = make_event("e1", 1000);
    store().create_event(first, roster("e1"));
    Event second = make_event("e1", 2000);
    second.name = "Impostor";
    std::vector<Participant> others = {make_participant("e1", "new-a0", Role::attendee, 0)};

    EXPECT_EQ(error_code_of([&] { store().create_event(second, others); }),
              StoreErrorCode::conflict);

    ASSERT_EQ(store().list_events().size(), 1U);
    EXPECT_EQ(fields(*store().find_event("e1")), fields(first));
    EXPECT_EQ(ids(store().participants("e1")), ids(roster("e1")));
    EXPECT_FALSE(store().find_participant("e1", "new-a0").has_value());
    EXPECT_EQ(store().audit_log("e1", 0, 100).size(), 1U);
}

TEST_P(StoreContract, DuplicateParticipantIdWithinOneEventConflicts) {
    std::vector<Participant> twice = {make_participant("e1", "same", Role::attendee, 0),
                                      make_participant("e1", "same", Role::moderator, 0)};
    EXPECT_EQ(error_code_of([&] { store().create_event(make_event("e1", 1000), twice); }),
              StoreErrorCode::conflict);
    EXPECT_TRUE(store().list_events().empty());
}

// --- participants -------------------------------------------------------------------------------

TEST_P(StoreContract, ParticipantsRoundTripWithEveryField) {
    Participant rich =
        make_participant("e1", "0b6f6a3e-9a51-4f5e-8d5c-2f0e8c1b7a90", Role::moderator, 0);
    rich.full_name = "Zoë Ångström-Nakamura 中村";
    rich.extra = {{"Company", "Café \"Zürich\" Ltd."},
                  {"Notes", "line one\nline two\ttabbed \\ backslash \x01 control"},
                  {"Emoji", "🎤🎉"},
                  {"Company", "second column with the same name"},
                  {"", ""}};
    Participant plain = make_participant("e1", "plain", Role::attendee, 0);
    plain.email.clear();
    plain.extra.clear();
    store().create_event(make_event("e1", 1000), std::vector<Participant>{rich, plain});

    auto found = store().find_participant("e1", rich.id);
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(fields(*found), fields(rich));
    found = store().find_participant("e1", "plain");
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(fields(*found), fields(plain));
    EXPECT_TRUE(found->email.empty());
    EXPECT_TRUE(found->access_key_hash.empty());

    auto all = store().participants("e1");
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(fields(all[1]), fields(rich));
}

TEST_P(StoreContract, ParticipantsAreOrderedByRoleThenPosition) {
    std::vector<Participant> shuffled = {
        make_participant("e1", "t1", Role::talent, 1),
        make_participant("e1", "a2", Role::attendee, 2),
        make_participant("e1", "m0", Role::moderator, 0),
        make_participant("e1", "a10", Role::attendee, 10),
        make_participant("e1", "t0", Role::talent, 0),
        make_participant("e1", "a0", Role::attendee, 0),
        make_participant("e1", "m1", Role::moderator, 1),
    };
    store().create_event(make_event("e1", 1000), shuffled);
    EXPECT_EQ(ids(store().participants("e1")),
              (std::vector<std::string>{"a0", "a2", "a10", "m0", "m1", "t0", "t1"}));
}

TEST_P(StoreContract, ParticipantsBelongToTheirEventOnly) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 2000), roster("e2"));
    EXPECT_EQ(ids(store().participants("e2")), ids(roster("e2")));
    EXPECT_FALSE(store().find_participant("e2", "e1-a0").has_value());
    EXPECT_TRUE(store().find_participant("e1", "e1-a0").has_value());
}

TEST_P(StoreContract, CountsParticipantsPerRole) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 2000),
                         std::vector{make_participant("e2", "x", Role::talent, 0)});
    auto counts = store().count_participants("e1");
    EXPECT_EQ(counts.attendees, 3);
    EXPECT_EQ(counts.moderators, 1);
    EXPECT_EQ(counts.talent, 2);
    counts = store().count_participants("e2");
    EXPECT_EQ(counts.attendees, 0);
    EXPECT_EQ(counts.moderators, 0);
    EXPECT_EQ(counts.talent, 1);
}

TEST_P(StoreContract, ReplacesAccessKeyHashesAndAudits) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    std::vector<AccessKeyHashUpdate> updates = {{"e1-m0", "$argon2id$new-m0"},
                                                {"e1-t1", "$argon2id$new-t1"}};
    store().replace_access_key_hashes("e1", updates, audit("e1", "rotate_keys", 2000));

    EXPECT_EQ(store().find_participant("e1", "e1-m0")->access_key_hash, "$argon2id$new-m0");
    EXPECT_EQ(store().find_participant("e1", "e1-t1")->access_key_hash, "$argon2id$new-t1");
    EXPECT_EQ(store().find_participant("e1", "e1-t0")->access_key_hash,
              roster("e1")[4].access_key_hash);
    auto log = store().audit_log("e1", 0, 100);
    ASSERT_EQ(log.size(), 2U);
    EXPECT_EQ(log[1].action, "rotate_keys");
}

TEST_P(StoreContract, ReplaceAccessKeyHashesWithOneUnknownIdChangesNothing) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 2000), roster("e2"));
    for (const std::string& stranger : {std::string("nobody"), std::string("e2-m0")}) {
        std::vector<AccessKeyHashUpdate> updates = {{"e1-m0", "$argon2id$new"},
                                                    {stranger, "$argon2id$new"}};
        EXPECT_EQ(error_code_of([&] {
                      store().replace_access_key_hashes("e1", updates,
                                                        audit("e1", "rotate_keys", 2000));
                  }),
                  StoreErrorCode::not_found)
            << stranger;
    }
    EXPECT_EQ(store().find_participant("e1", "e1-m0")->access_key_hash,
              roster("e1")[3].access_key_hash);
    EXPECT_EQ(store().find_participant("e2", "e2-m0")->access_key_hash,
              roster("e2")[3].access_key_hash);
    EXPECT_EQ(store().audit_log("e1", 0, 100).size(), 1U);
}

// --- attendee stage state -----------------------------------------------------------------------

TEST_P(StoreContract, AttendeesWithoutStoredStatusAreWatching) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    EXPECT_TRUE(store().attendee_statuses("e1").empty());
    auto status = store().find_attendee_status("e1", "e1-a1");
    ASSERT_TRUE(status.has_value());
    EXPECT_EQ(status->attendee_id, "e1-a1");
    EXPECT_EQ(status->state, StageState::watching);
    EXPECT_FALSE(status->hand.has_value());
    EXPECT_TRUE(status->moderator_id.empty());
    EXPECT_FALSE(store().find_attendee_status("e1", "nobody").has_value());
    EXPECT_FALSE(store().find_attendee_status("e1", "e1-m0").has_value());
}

TEST_P(StoreContract, StatusesUpsertAndRoundTrip) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    AttendeeStatus raised = hand_raised("e1-a0", 2000);
    AttendeeStatus other = hand_raised("e1-a2", 2100);
    store().apply_transition("e1", std::vector<AttendeeStatus>{raised, other}, {});
    EXPECT_EQ(store().find_attendee_status("e1", "e1-a0"), raised);

    AttendeeStatus invited = raised;
    invited.state = StageState::invited;
    invited.moderator_id = "e1-m0";
    invited.invite_expires_at_ms = 62'000;
    invited.updated_at_ms = 3000;
    store().apply_transition("e1", std::vector<AttendeeStatus>{invited}, {});
    EXPECT_EQ(store().find_attendee_status("e1", "e1-a0"), invited);

    AttendeeStatus lowered;
    lowered.attendee_id = "e1-a2";
    lowered.updated_at_ms = 4000;
    store().apply_transition("e1", std::vector<AttendeeStatus>{lowered}, {});
    EXPECT_EQ(store().find_attendee_status("e1", "e1-a2"), lowered);

    auto all = store().attendee_statuses("e1");
    std::sort(all.begin(), all.end(),
              [](const auto& a, const auto& b) { return a.attendee_id < b.attendee_id; });
    EXPECT_EQ(all, (std::vector<AttendeeStatus>{invited, lowered}));
}

TEST_P(StoreContract, ApplyTransitionAppendsItsAuditEntries) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    std::vector<AuditEntry> entries = {audit("e1", "raise", 2000), audit("e1", "claim", 2001)};
    store().apply_transition("e1", std::vector<AttendeeStatus>{hand_raised("e1-a0", 2000)},
                             entries);
    auto log = store().audit_log("e1", 0, 100);
    ASSERT_EQ(log.size(), 3U);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        AuditEntry expected = entries[i];
        expected.seq = log[i + 1].seq;
        EXPECT_EQ(log[i + 1], expected);
    }
    EXPECT_LT(log[1].seq, log[2].seq);
}

TEST_P(StoreContract, ApplyTransitionWithOneBadRowPersistsNothing) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    std::vector<AttendeeStatus> batch = {hand_raised("e1-a0", 2000), hand_raised("ghost", 2000)};
    EXPECT_EQ(error_code_of([&] {
                  store().apply_transition("e1", batch, std::vector{audit("e1", "raise", 2000)});
              }),
              StoreErrorCode::not_found);
    EXPECT_EQ(store().find_attendee_status("e1", "e1-a0")->state, StageState::watching);
    EXPECT_TRUE(store().attendee_statuses("e1").empty());
    EXPECT_EQ(store().audit_log("e1", 0, 100).size(), 1U);
}

TEST_P(StoreContract, ApplyTransitionRefusesParticipantsOfAnotherEventOrRole) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 2000), roster("e2"));
    AttendeeStatus foreign_moderator = hand_raised("e1-a0", 2000);
    foreign_moderator.state = StageState::queued;
    foreign_moderator.moderator_id = "e2-m0";
    AttendeeStatus talent_as_attendee = hand_raised("e1-t0", 2000);
    AttendeeStatus attendee_as_moderator = foreign_moderator;
    attendee_as_moderator.moderator_id = "e1-a2";
    auto apply_with = [&](const AttendeeStatus& bad) {
        return error_code_of([&] {
            store().apply_transition("e1", std::vector{hand_raised("e1-a1", 2000), bad}, {});
        });
    };
    EXPECT_EQ(apply_with(hand_raised("e2-a0", 2000)), StoreErrorCode::not_found);
    EXPECT_EQ(apply_with(foreign_moderator), StoreErrorCode::not_found);
    EXPECT_EQ(apply_with(talent_as_attendee), StoreErrorCode::invalid);
    EXPECT_EQ(apply_with(attendee_as_moderator), StoreErrorCode::invalid);
    EXPECT_TRUE(store().attendee_statuses("e1").empty());
    EXPECT_TRUE(store().attendee_statuses("e2").empty());
}

// --- sessions -----------------------------------------------------------------------------------

TEST_P(StoreContract, SessionVersionsStartAtZeroAndBumpPerParticipant) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    EXPECT_EQ(store().session_version("e1", "e1-a0"), 0);
    EXPECT_EQ(store().bump_session_version("e1", "e1-a0"), 1);
    EXPECT_EQ(store().bump_session_version("e1", "e1-a0"), 2);
    EXPECT_EQ(store().session_version("e1", "e1-a0"), 2);
    EXPECT_EQ(store().session_version("e1", "e1-a1"), 0);
    EXPECT_EQ(store().bump_session_version("e1", "e1-m0"), 1);
    EXPECT_EQ(store().session_version("e1", "e1-a0"), 2);
}

TEST_P(StoreContract, BumpingAnUnknownParticipantIsNotFound) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    EXPECT_EQ(error_code_of([&] { store().bump_session_version("e1", "ghost"); }),
              StoreErrorCode::not_found);
    EXPECT_EQ(error_code_of([&] { store().bump_session_version("nope", "e1-a0"); }),
              StoreErrorCode::not_found);
    EXPECT_EQ(store().session_version("e1", "ghost"), 0);
}

// --- audit log ----------------------------------------------------------------------------------

TEST_P(StoreContract, AuditLogPagesByEventAfterSeqAndLimit) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 1000), roster("e2"));
    std::vector<AuditEntry> mine;
    for (int i = 0; i < 5; ++i) {
        AuditEntry entry = audit("e1", "action" + std::to_string(i), 2000 + i);
        AuditEntry stored = store().append_audit(entry);
        entry.seq = stored.seq;
        EXPECT_EQ(stored, entry);
        mine.push_back(stored);
        store().append_audit(audit("e2", "noise", 2000 + i));
    }
    auto all = store().audit_log("e1", 0, 100);
    ASSERT_EQ(all.size(), 6U);
    EXPECT_EQ(all[0].action, "event_created");
    EXPECT_EQ(std::vector(all.begin() + 1, all.end()), mine);

    auto page = store().audit_log("e1", mine[1].seq, 2);
    EXPECT_EQ(page, (std::vector<AuditEntry>{mine[2], mine[3]}));
    page = store().audit_log("e1", mine[3].seq, 2);
    EXPECT_EQ(page, (std::vector<AuditEntry>{mine[4]}));
    EXPECT_TRUE(store().audit_log("e1", mine[4].seq, 2).empty());
    EXPECT_TRUE(store().audit_log("e1", 0, 0).empty());
    for (const auto& entry : store().audit_log("e2", 0, 100)) {
        EXPECT_EQ(entry.event_id, "e2");
    }
}

TEST_P(StoreContract, AuditForAnUnknownEventIsNotFound) {
    EXPECT_EQ(error_code_of([&] { store().append_audit(audit("nope", "raise", 1)); }),
              StoreErrorCode::not_found);
    EXPECT_TRUE(store().audit_log("nope", 0, 100).empty());
}

// --- signing keys -------------------------------------------------------------------------------

TEST_P(StoreContract, ActivatingASigningKeyDeactivatesTheOthers) {
    SigningKey first{"k1", {0x00, 0x01, 0xfe, 0xff, 0x00}, 100, true};
    SigningKey spare{"k2", {0x02}, 200, false};
    store().put_signing_key(first);
    store().put_signing_key(spare);
    EXPECT_EQ(store().signing_keys(), (std::vector<SigningKey>{first, spare}));

    SigningKey next{"k3", std::vector<std::uint8_t>(64, 0xab), 300, true};
    store().put_signing_key(next);
    first.active = false;
    EXPECT_EQ(store().signing_keys(), (std::vector<SigningKey>{first, spare, next}));
}

TEST_P(StoreContract, DuplicateSigningKeyIdConflictsAndChangesNothing) {
    SigningKey key{"k1", {0x01}, 100, true};
    store().put_signing_key(key);
    SigningKey again{"k1", {0x02}, 200, true};
    EXPECT_EQ(error_code_of([&] { store().put_signing_key(again); }), StoreErrorCode::conflict);
    EXPECT_EQ(store().signing_keys(), (std::vector<SigningKey>{key}));
}

// --- ending an event ---------------------------------------------------------------------------

AuditEntry event_ended(const std::string& event_id, domain::TimeMs at_ms) {
    AuditEntry e;
    e.event_id = event_id;
    e.at_ms = at_ms;
    e.actor_id = "admin";
    e.action = "event_ended";
    return e;
}

TEST_P(StoreContract, NewEventsHaveNotEnded) {
    store().create_event(make_event("e1", 1000), {});
    EXPECT_FALSE(store().find_event("e1")->ended_at_ms.has_value());
    EXPECT_FALSE(store().list_events().at(0).ended_at_ms.has_value());
}

TEST_P(StoreContract, EndingAnEventStoresTheTimeAndAudits) {
    store().create_event(make_event("e1", 1000), roster("e1"));
    store().create_event(make_event("e2", 1100), {});
    EXPECT_EQ(store().end_event("e1", event_ended("e1", 5000)), 5000);

    EXPECT_EQ(store().find_event("e1")->ended_at_ms, std::optional<domain::TimeMs>{5000});
    EXPECT_FALSE(store().find_event("e2")->ended_at_ms.has_value());
    auto listed = store().list_events();
    ASSERT_EQ(listed.size(), 2U);
    EXPECT_EQ(listed[1].id, "e1");
    EXPECT_EQ(listed[1].ended_at_ms, std::optional<domain::TimeMs>{5000});
    auto log = store().audit_log("e1", 0, 100);
    ASSERT_EQ(log.size(), 2U);
    EXPECT_EQ(log[1].action, "event_ended");
    EXPECT_EQ(log[1].actor_id, "admin");
    EXPECT_EQ(log[1].at_ms, 5000);
}

TEST_P(StoreContract, EndingTwiceKeepsTheFirstTimeAndAuditsOnce) {
    store().create_event(make_event("e1", 1000), {});
    EXPECT_EQ(store().end_event("e1", event_ended("e1", 5000)), 5000);
    EXPECT_EQ(store().end_event("e1", event_ended("e1", 9000)), 5000);
    EXPECT_EQ(store().end_event("e1", event_ended("e1", 5000)), 5000);
    EXPECT_EQ(store().find_event("e1")->ended_at_ms, std::optional<domain::TimeMs>{5000});
    auto log = store().audit_log("e1", 0, 100);
    EXPECT_EQ(std::count_if(log.begin(), log.end(),
                            [](const AuditEntry& e) { return e.action == "event_ended"; }),
              1);
}

TEST_P(StoreContract, EndingAnUnknownEventIsNotFound) {
    EXPECT_EQ(error_code_of([&] { store().end_event("nope", event_ended("nope", 5000)); }),
              StoreErrorCode::not_found);
    EXPECT_TRUE(store().audit_log("nope", 0, 100).empty());
}

// --- RTMP targets ------------------------------------------------------------------------------

domain::RtmpTarget make_target(const std::string& event_id, const std::string& id) {
    domain::RtmpTarget t;
    t.id = id;
    t.event_id = event_id;
    t.name = "Target " + id;
    t.url = "rtmp://live.example.org/app/key-" + id;
    t.created_at_ms = 4000;
    return t;
}

AuditEntry target_audit(const std::string& event_id, const std::string& action,
                        const std::string& target_id) {
    AuditEntry e;
    e.event_id = event_id;
    e.at_ms = 4000;
    e.actor_id = "admin";
    e.action = action;
    e.subject_id = target_id;
    return e;
}

std::vector<std::string> target_ids(const std::vector<domain::RtmpTarget>& targets) {
    std::vector<std::string> out;
    out.reserve(targets.size());
    for (const auto& t : targets) {
        out.push_back(t.id);
    }
    return out;
}

std::size_t count_actions(Store& s, const std::string& event_id, const std::string& action) {
    auto log = s.audit_log(event_id, 0, 1000);
    return static_cast<std::size_t>(std::count_if(
        log.begin(), log.end(), [&](const AuditEntry& e) { return e.action == action; }));
}

TEST_P(StoreContract, RtmpTargetsAreListedInAddingOrderWithFullUrls) {
    store().create_event(make_event("e1", 1000), {});
    store().create_event(make_event("e2", 1100), {});
    EXPECT_TRUE(store().list_rtmp_targets("e1").empty());
    auto b = make_target("e1", "bbb");
    b.position = 42;  // ignored: the store assigns positions
    const auto stored_b =
        store().add_rtmp_target(b, target_audit("e1", "rtmp_target_added", "bbb"));
    EXPECT_EQ(stored_b.position, 0);
    const auto stored_a = store().add_rtmp_target(make_target("e1", "aaa"),
                                                  target_audit("e1", "rtmp_target_added", "aaa"));
    EXPECT_EQ(stored_a.position, 1);
    store().add_rtmp_target(make_target("e2", "ccc"),
                            target_audit("e2", "rtmp_target_added", "ccc"));

    const auto listed = store().list_rtmp_targets("e1");
    ASSERT_EQ(target_ids(listed), (std::vector<std::string>{"bbb", "aaa"}));
    EXPECT_EQ(listed[0], stored_b);
    EXPECT_EQ(listed[0].url, "rtmp://live.example.org/app/key-bbb");
    EXPECT_EQ(listed[0].name, "Target bbb");
    EXPECT_EQ(listed[0].created_at_ms, 4000);
    EXPECT_EQ(listed[0].event_id, "e1");
    EXPECT_EQ(target_ids(store().list_rtmp_targets("e2")), std::vector<std::string>{"ccc"});
    EXPECT_TRUE(store().list_rtmp_targets("nope").empty());
    EXPECT_EQ(count_actions(store(), "e1", "rtmp_target_added"), 2U);
}

TEST_P(StoreContract, RemovingAnRtmpTargetAuditsOnceAndOnlyThatEvent) {
    store().create_event(make_event("e1", 1000), {});
    store().create_event(make_event("e2", 1100), {});
    store().add_rtmp_target(make_target("e1", "t1"), target_audit("e1", "rtmp_target_added", "t1"));
    store().add_rtmp_target(make_target("e1", "t2"), target_audit("e1", "rtmp_target_added", "t2"));
    store().add_rtmp_target(make_target("e2", "t1"), target_audit("e2", "rtmp_target_added", "t1"));

    EXPECT_TRUE(
        store().remove_rtmp_target("e1", "t1", target_audit("e1", "rtmp_target_removed", "t1")));
    EXPECT_FALSE(
        store().remove_rtmp_target("e1", "t1", target_audit("e1", "rtmp_target_removed", "t1")));
    EXPECT_FALSE(
        store().remove_rtmp_target("e1", "zz", target_audit("e1", "rtmp_target_removed", "zz")));
    EXPECT_FALSE(store().remove_rtmp_target("nope", "t1",
                                            target_audit("nope", "rtmp_target_removed", "t1")));
    EXPECT_EQ(target_ids(store().list_rtmp_targets("e1")), std::vector<std::string>{"t2"});
    EXPECT_EQ(target_ids(store().list_rtmp_targets("e2")), std::vector<std::string>{"t1"});
    EXPECT_EQ(count_actions(store(), "e1", "rtmp_target_removed"), 1U);
    // The next one goes after the highest position left.
    EXPECT_EQ(
        store()
            .add_rtmp_target(make_target("e1", "t3"), target_audit("e1", "rtmp_target_added", "t3"))
            .position,
        2);
}

TEST_P(StoreContract, AtMostEightRtmpTargetsPerEvent) {
    store().create_event(make_event("e1", 1000), {});
    store().create_event(make_event("e2", 1100), {});
    for (std::size_t i = 0; i < domain::limits::kMaxRtmpTargets; ++i) {
        const std::string id = "t" + std::to_string(i);
        store().add_rtmp_target(make_target("e1", id), target_audit("e1", "rtmp_target_added", id));
    }
    EXPECT_EQ(error_code_of([&] {
                  store().add_rtmp_target(make_target("e1", "t9"),
                                          target_audit("e1", "rtmp_target_added", "t9"));
              }),
              StoreErrorCode::limit);
    EXPECT_EQ(store().list_rtmp_targets("e1").size(), domain::limits::kMaxRtmpTargets);
    EXPECT_EQ(count_actions(store(), "e1", "rtmp_target_added"), domain::limits::kMaxRtmpTargets);
    // Another event has its own eight; freeing one makes room again.
    store().add_rtmp_target(make_target("e2", "t9"), target_audit("e2", "rtmp_target_added", "t9"));
    EXPECT_TRUE(
        store().remove_rtmp_target("e1", "t3", target_audit("e1", "rtmp_target_removed", "t3")));
    store().add_rtmp_target(make_target("e1", "t9"), target_audit("e1", "rtmp_target_added", "t9"));
    EXPECT_EQ(store().list_rtmp_targets("e1").back().id, "t9");
}

TEST_P(StoreContract, RtmpTargetErrorsWriteNothing) {
    store().create_event(make_event("e1", 1000), {});
    store().add_rtmp_target(make_target("e1", "t1"), target_audit("e1", "rtmp_target_added", "t1"));
    auto again = make_target("e1", "t1");
    again.url = "rtmp://other.example.org/app/other";
    EXPECT_EQ(error_code_of([&] {
                  store().add_rtmp_target(again, target_audit("e1", "rtmp_target_added", "t1"));
              }),
              StoreErrorCode::conflict);
    EXPECT_EQ(error_code_of([&] {
                  store().add_rtmp_target(make_target("nope", "t1"),
                                          target_audit("nope", "rtmp_target_added", "t1"));
              }),
              StoreErrorCode::not_found);
    const auto listed = store().list_rtmp_targets("e1");
    ASSERT_EQ(listed.size(), 1U);
    EXPECT_EQ(listed[0].url, "rtmp://live.example.org/app/key-t1");
    EXPECT_EQ(count_actions(store(), "e1", "rtmp_target_added"), 1U);
    EXPECT_TRUE(store().audit_log("nope", 0, 100).empty());
}

// --- durability across restarts -----------------------------------------------------------------

TEST_P(StoreContract, EverythingSurvivesCloseAndReopen) {
    Event event = make_event("e1", 1000);
    event.starts_at_ms = 5000;
    event.base_url = "https://onstage.example.org:8443";
    auto people = roster("e1");
    people[0].extra = {{"Team", "Ünïcødé"}};
    store().create_event(event, people);
    AttendeeStatus status = hand_raised("e1-a0", 2000);
    store().apply_transition("e1", std::vector{status}, std::vector{audit("e1", "raise", 2000)});
    store().bump_session_version("e1", "e1-m0");
    SigningKey key{"k1", {1, 2, 3}, 100, true};
    store().put_signing_key(key);
    store().create_event(make_event("e2", 900), {});
    store().end_event("e2", event_ended("e2", 7000));
    const auto target = store().add_rtmp_target(make_target("e1", "t1"),
                                                target_audit("e1", "rtmp_target_added", "t1"));
    auto log_before = store().audit_log("e1", 0, 100);

    Store& reopened = reopen();
    ASSERT_EQ(reopened.list_events().size(), 2U);
    EXPECT_EQ(fields(*reopened.find_event("e1")), fields(event));
    EXPECT_EQ(reopened.find_event("e2")->ended_at_ms, std::optional<domain::TimeMs>{7000});
    auto after = reopened.participants("e1");
    ASSERT_EQ(after.size(), people.size());
    for (std::size_t i = 0; i < people.size(); ++i) {
        EXPECT_EQ(fields(after[i]), fields(people[i]));
    }
    EXPECT_EQ(reopened.find_attendee_status("e1", "e1-a0"), status);
    EXPECT_EQ(reopened.session_version("e1", "e1-m0"), 1);
    EXPECT_EQ(reopened.signing_keys(), std::vector{key});
    EXPECT_EQ(reopened.list_rtmp_targets("e1"), std::vector{target});
    EXPECT_EQ(reopened.audit_log("e1", 0, 100), log_before);
    // New entries continue after the old ones.
    EXPECT_GT(reopened.append_audit(audit("e1", "claim", 3000)).seq, log_before.back().seq);
}

}  // namespace
}  // namespace onstage::store::contract
