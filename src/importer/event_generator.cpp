#include "importer/event_generator.hpp"

#include <algorithm>
#include <functional>
#include <future>
#include <span>
#include <thread>

#include "auth/access_key.hpp"
#include "auth/random.hpp"
#include "domain/limits.hpp"
#include "importer/event_files.hpp"
#include "importer/links.hpp"
#include "importer/roster.hpp"
#include "importer/text_output.hpp"

namespace onstage::importer {
namespace {

using domain::Participant;
using domain::Role;

ImportError from_csv(const CsvError& e) {
    return ImportError{e.code, e.describe(), e.file, e.line, e.column};
}

// Column names onstage writes itself; a roster column with one of these names would be
// ambiguous in the output, so it is refused rather than silently renamed or dropped.
constexpr std::array<std::string_view, 5> kReservedColumns{"eventid", "attendeeid", "role",
                                                           "access_url", "access_key"};

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

std::optional<ImportError> check_reserved_columns(const Roster& roster) {
    for (std::size_t i = 0; i < roster.extra_columns.size(); ++i) {
        const std::string name = lower_ascii(roster.extra_columns[i]);
        if (std::find(kReservedColumns.begin(), kReservedColumns.end(), name) !=
            kReservedColumns.end()) {
            const CsvError e{roster.file, roster.header_line, roster.extra_column_numbers[i],
                             "csv_reserved_column",
                             "column '" + roster.extra_columns[i] +
                                 "' is reserved for onstage's own output; rename it"};
            return from_csv(e);
        }
    }
    return std::nullopt;
}

void append_people(PreparedEvent& out, const Roster& roster, Role role) {
    std::vector<std::string> ids = auth::uuid_v4_batch(roster.entries.size());
    std::int64_t position = 0;
    for (const auto& entry : roster.entries) {
        Participant p;
        p.id = std::move(ids[static_cast<std::size_t>(position)]);
        p.event_id = out.event.id;
        p.role = role;
        p.full_name = entry.full_name;
        p.email = entry.email;
        p.extra.reserve(roster.extra_columns.size());
        for (std::size_t c = 0; c < roster.extra_columns.size(); ++c) {
            p.extra.push_back({roster.extra_columns[c], entry.extra[c]});
        }
        p.position = position++;
        out.participants.push_back(std::move(p));
        out.access_keys.push_back(domain::role_needs_access_key(role) ? auth::generate_access_key()
                                                                      : std::string());
    }
}

std::string trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \t\r\n");
    return std::string(s.substr(first, last - first + 1));
}

std::unordered_map<std::string, std::string> keys_by_id(std::span<const Participant> people,
                                                        std::span<const std::string> keys) {
    std::unordered_map<std::string, std::string> out;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!keys[i].empty()) {
            out.emplace(people[i].id, keys[i]);
        }
    }
    return out;
}

// Streams every file of the event into the staging area, lets `persist` write to the store,
// then moves the files into place.
template <typename Persist>
Result<PublishedEvent, ImportError> write_outputs(const domain::Event& event,
                                                  std::span<const Participant> participants,
                                                  std::span<const std::string> keys,
                                                  const std::filesystem::path& out_dir,
                                                  Persist&& persist) {
    StagedFiles staged(out_dir);
    try {
        for (EventFile file : kEventFiles) {
            staged.stage(event_file_name(event, file), [&](TextSink& sink) {
                render_event_file(file, event, participants, keys, sink);
            });
        }
    } catch (const std::exception& e) {
        return fail(ImportError{"output_unwritable", e.what()});
    }
    if (auto error = persist()) {
        return fail(std::move(*error));
    }
    try {
        staged.commit();
    } catch (const std::exception& e) {
        return fail(ImportError{"output_unwritable", e.what()});
    }
    return PublishedEvent{staged.paths(), keys_by_id(participants, keys)};
}

// Argon2id is the slowest step of an import; it runs on worker threads while the files render.
std::future<std::vector<std::string>> start_hashing(const std::vector<std::string>& keys) {
    return std::async(std::launch::async, [&keys] { return hash_access_keys(keys); });
}

}  // namespace

std::vector<std::string> hash_access_keys(const std::vector<std::string>& keys) {
    std::vector<std::string> hashes(keys.size());
    std::vector<std::size_t> pending;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        if (!keys[i].empty()) {
            pending.push_back(i);
        }
    }
    const std::size_t workers =
        std::min<std::size_t>(pending.size(), std::max(1U, std::thread::hardware_concurrency()));
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            for (std::size_t j = w; j < pending.size(); j += workers) {
                hashes[pending[j]] = auth::hash_access_key(keys[pending[j]]);
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    return hashes;
}

namespace {

using RosterLoader = std::function<Result<Roster, CsvError>(Role)>;

// Both forms of prepare_event: the checks and id drawing, with rosters from `load`.
Result<PreparedEvent, ImportError> prepare_with(const CreateEventRequest& request,
                                                const RosterLoader& load) {
    const std::string name = trim(request.name);
    if (name.empty() || name.size() > domain::limits::kMaxNameBytes) {
        return fail(ImportError{"bad_event_name",
                                "the event name must be 1 to " +
                                    std::to_string(domain::limits::kMaxNameBytes) + " bytes long"});
    }
    const auto base_url = normalize_base_url(request.base_url);
    if (!base_url) {
        return fail(ImportError{"bad_base_url",
                                "--base-url must be an absolute http:// or "
                                "https:// URL without query or fragment, got '" +
                                    request.base_url + "'"});
    }
    constexpr std::array<Role, 3> kRoles{Role::attendee, Role::moderator, Role::talent};
    std::vector<Roster> rosters;
    for (const Role role : kRoles) {
        auto roster = load(role);
        if (!roster) {
            return fail(from_csv(roster.error()));
        }
        if (auto error = check_reserved_columns(*roster)) {
            return fail(std::move(*error));
        }
        rosters.push_back(std::move(roster).value());
    }

    PreparedEvent out;
    out.event.id = auth::event_id_for(name);
    out.event.name = name;
    out.event.is_public = request.is_public;
    out.event.created_at_ms = request.now_ms;
    out.event.base_url = *base_url;
    std::size_t total = 0;
    for (const auto& r : rosters) {
        total += r.entries.size();
    }
    out.participants.reserve(total);
    out.access_keys.reserve(total);
    for (std::size_t i = 0; i < rosters.size(); ++i) {
        append_people(out, rosters[i], kRoles[i]);
    }
    return out;
}

}  // namespace

Result<PreparedEvent, ImportError> prepare_event(const CreateEventRequest& request) {
    return prepare_with(request, [&](Role role) {
        const RosterPaths& paths = request.rosters;
        return load_roster_file(role == Role::attendee    ? paths.attendees
                                : role == Role::moderator ? paths.moderators
                                                          : paths.talent);
    });
}

Result<PreparedEvent, ImportError> prepare_event(const CreateEventRequest& request,
                                                 const RosterTexts& rosters) {
    return prepare_with(request, [&](Role role) {
        const RosterText& text = role == Role::attendee    ? rosters.attendees
                                 : role == Role::moderator ? rosters.moderators
                                                           : rosters.talent;
        return read_roster(text.bytes, text.file_name);
    });
}

std::optional<ImportError> store_prepared_event(store::Store& store, PreparedEvent& prepared,
                                                const std::vector<std::string>& hashes) {
    for (std::size_t i = 0; i < hashes.size(); ++i) {
        prepared.participants[i].access_key_hash = hashes[i];
    }
    try {
        store.create_event(prepared.event, prepared.participants);
    } catch (const store::StoreError& e) {
        if (e.code() == store::StoreErrorCode::conflict) {
            return ImportError{"event_exists", e.what()};
        }
        return ImportError{"store_failed", e.what()};
    }
    return std::nullopt;
}

std::vector<std::string> generate_access_keys(std::span<const Participant> participants) {
    std::vector<std::string> keys(participants.size());
    for (std::size_t i = 0; i < participants.size(); ++i) {
        if (domain::role_needs_access_key(participants[i].role)) {
            keys[i] = auth::generate_access_key();
        }
    }
    return keys;
}

std::optional<ImportError> store_rotated_keys(store::Store& store, const domain::Event& event,
                                              std::span<const Participant> participants,
                                              std::span<const std::string> keys,
                                              const std::vector<std::string>& hashes,
                                              domain::TimeMs now_ms) {
    std::vector<store::AccessKeyHashUpdate> updates;
    for (std::size_t i = 0; i < participants.size(); ++i) {
        if (!keys[i].empty()) {
            updates.push_back({participants[i].id, hashes[i]});
        }
    }
    domain::AuditEntry audit;
    audit.event_id = event.id;
    audit.at_ms = now_ms;
    audit.actor_id = "admin";
    audit.action = "access_keys_rotated";
    audit.detail = std::to_string(updates.size()) + " keys";
    try {
        store.replace_access_key_hashes(event.id, updates, audit);
        for (const auto& update : updates) {
            store.bump_session_version(event.id, update.participant_id);
        }
    } catch (const store::StoreError& e) {
        return ImportError{"store_failed", e.what()};
    }
    return std::nullopt;
}

Result<PublishedEvent, ImportError> publish_event(store::Store& store, PreparedEvent& prepared,
                                                  const std::filesystem::path& out_dir) {
    auto hashing = start_hashing(prepared.access_keys);
    return write_outputs(prepared.event, prepared.participants, prepared.access_keys, out_dir,
                         [&]() -> std::optional<ImportError> {
                             return store_prepared_event(store, prepared, hashing.get());
                         });
}

Result<PublishedEvent, ImportError> export_event(store::Store& store,
                                                 const ExportRequest& request) {
    const auto event = store.find_event(request.event_id);
    if (!event) {
        return fail(ImportError{"unknown_event", "no event '" + request.event_id + "'"});
    }
    const std::vector<Participant> participants = store.participants(event->id);
    std::vector<std::string> keys;
    if (request.rotate_keys) {
        keys = generate_access_keys(participants);
    }
    auto hashing = start_hashing(keys);
    return write_outputs(*event, participants, keys, request.out_dir,
                         [&]() -> std::optional<ImportError> {
                             if (!request.rotate_keys) {
                                 return std::nullopt;
                             }
                             return store_rotated_keys(store, *event, participants, keys,
                                                       hashing.get(), request.now_ms);
                         });
}

}  // namespace onstage::importer
