// `onstage event create` and `event export`: rosters in, an event with ids, access keys and
// link files out. Reading and checking everything happens before anything is written, so bad
// input leaves no trace in the output directory or the database.
//
// Threading: call from one thread; key hashing fans out to worker threads internally.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "domain/event.hpp"
#include "domain/result.hpp"
#include "store/store.hpp"

namespace onstage::importer {

// A failure the organiser can act on: `message` is one line naming the file, line and column
// where the input is at fault (without the code); `code` is stable (csv_* from the CSV reader,
// or those below).
struct ImportError {
    ImportError() = default;
    // A constructor rather than an aggregate, so the many two-field errors need not spell out
    // an empty place.
    ImportError(std::string code_, std::string message_, std::string file_ = {},
                std::size_t line_ = 0, std::size_t column_ = 0)
        : code(std::move(code_)),
          message(std::move(message_)),
          file(std::move(file_)),
          line(line_),
          column(column_) {}

    std::string code;
    std::string message;
    // Where a roster is at fault, for callers that show it apart (the admin API): the file name
    // and 1-based line and column; empty and 0 when the error is not about a roster's content.
    std::string file;
    std::size_t line = 0;
    std::size_t column = 0;
};

struct RosterPaths {
    std::filesystem::path attendees;
    std::filesystem::path moderators;
    std::filesystem::path talent;
};

struct CreateEventRequest {
    std::string name;
    bool is_public = false;
    std::string base_url;
    RosterPaths rosters;
    domain::TimeMs now_ms = 0;
};

// Everything generated, held in memory until published.
struct PreparedEvent {
    domain::Event event;
    // Attendees, then moderators, then talent; publish_event fills in access_key_hash.
    std::vector<domain::Participant> participants;
    std::vector<std::string> access_keys;  // aligned with participants; "" for attendees
};

// Reads and checks the rosters, draws ids and keys. Writes nothing.
// Errors: bad_event_name, bad_base_url, csv_* (see importer/roster.hpp), csv_reserved_column.
Result<PreparedEvent, ImportError> prepare_event(const CreateEventRequest& request);

// A roster already in memory (an upload to the admin API), with the file name errors show.
struct RosterText {
    std::string file_name;
    std::string_view bytes;
};
struct RosterTexts {
    RosterText attendees;
    RosterText moderators;
    RosterText talent;
};

// prepare_event for rosters in memory (request.rosters is not used): the same checks, the same
// errors, naming `file_name`. Pure apart from drawing random ids and keys.
Result<PreparedEvent, ImportError> prepare_event(const CreateEventRequest& request,
                                                 const RosterTexts& rosters);

// Stores a prepared event in one transaction, without output files (the admin API hands the
// links back itself). `hashes` come from hash_access_keys(prepared.access_keys).
// Errors: event_exists, store_failed; nothing is stored then.
std::optional<ImportError> store_prepared_event(store::Store& store, PreparedEvent& prepared,
                                                const std::vector<std::string>& hashes);

// Fresh access keys for every moderator and talent of `participants` ("" for attendees).
std::vector<std::string> generate_access_keys(std::span<const domain::Participant> participants);

// Replaces the key hashes of a rotation (`keys`/`hashes` aligned with `participants`) and the
// audit entry in one transaction, then bumps the session versions so sessions opened with the
// old keys end. Errors: store_failed.
std::optional<ImportError> store_rotated_keys(store::Store& store, const domain::Event& event,
                                              std::span<const domain::Participant> participants,
                                              std::span<const std::string> keys,
                                              const std::vector<std::string>& hashes,
                                              domain::TimeMs now_ms);

struct PublishedEvent {
    std::vector<std::filesystem::path> files;
    // The plain access keys this call issued, by participant id (shown once, never stored).
    std::unordered_map<std::string, std::string> issued_keys;
};

// Hashes the keys (on worker threads, while the four output files are staged in `out_dir`),
// stores the event in one transaction, then moves the files into place. On any failure neither
// the files nor the event remain. Errors: output_unwritable, event_exists, store_failed.
Result<PublishedEvent, ImportError> publish_event(store::Store& store, PreparedEvent& prepared,
                                                  const std::filesystem::path& out_dir);

struct ExportRequest {
    std::string event_id;
    std::filesystem::path out_dir;
    bool rotate_keys = false;  // new keys for moderators and talent; old ones stop working
    domain::TimeMs now_ms = 0;
};

// Writes the event's files again. Keys cannot be recovered from their hashes, so without
// rotate_keys the moderators' and talent's "access_key" is null.
// Errors: unknown_event, output_unwritable, store_failed.
Result<PublishedEvent, ImportError> export_event(store::Store& store, const ExportRequest& request);

// Argon2id-hashes every non-empty key, in parallel over the machine's cores; "" stays "".
std::vector<std::string> hash_access_keys(const std::vector<std::string>& keys);

}  // namespace onstage::importer
