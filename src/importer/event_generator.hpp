// `onstage event create` and `event export`: rosters in, an event with ids, access keys and
// link files out. Reading and checking everything happens before anything is written, so bad
// input leaves no trace in the output directory or the database.
//
// Threading: call from one thread; key hashing fans out to worker threads internally.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "domain/event.hpp"
#include "domain/result.hpp"
#include "store/store.hpp"

namespace onstage::importer {

// A failure the organiser can act on: `message` is one line naming the file, line and column
// where the input is at fault (without the code); `code` is stable (csv_* from the CSV reader,
// or those below).
struct ImportError {
    std::string code;
    std::string message;
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
