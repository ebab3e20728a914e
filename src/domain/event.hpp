// An event and the people invited to it. Plain data shared by every layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/role.hpp"

namespace onstage::domain {

// Times are Unix epoch milliseconds (UTC) throughout the domain; the caller supplies "now".
using TimeMs = std::int64_t;

struct Event {
    std::string id;    // readable slug of the name plus a random suffix, e.g. "town-hall-k3m9qz"
    std::string name;  // as the organiser typed it
    bool is_public = false;  // public events have a watch-only viewer link
    TimeMs created_at_ms = 0;
    std::optional<TimeMs> starts_at_ms;
    // Where the organiser serves onstage, e.g. "https://events.example.org" (no trailing slash);
    // links are built from it, so exports later produce the same links.
    std::string base_url;
    // Set once when a producer ends the event: everyone is disconnected and nobody can join
    // again. Never cleared.
    std::optional<TimeMs> ended_at_ms;
};

// A CSV column that onstage does not interpret, kept in its original order for the output files.
struct ExtraField {
    std::string name;
    std::string value;
    bool operator==(const ExtraField&) const = default;
};

struct Participant {
    std::string id;  // UUIDv4 from a CSPRNG; the secret part of the access link
    std::string event_id;
    Role role = Role::attendee;
    std::string full_name;
    std::string email;  // may be empty
    std::vector<ExtraField> extra;
    // libsodium crypto_pwhash_str (Argon2id) of the access key; empty for attendees.
    std::string access_key_hash;
    std::int64_t position = 0;  // order within its role's roster (0-based), for stable output
};

}  // namespace onstage::domain
