// `onstage event create|list|show|end|export`: thin adapters from the command line to the importer
// and the store. Each returns the process exit code and prints errors as one line on stderr.
#pragma once

#include <filesystem>
#include <string>

#include "importer/event_generator.hpp"

namespace onstage::app {

struct CreateOptions {
    importer::CreateEventRequest request;
    std::filesystem::path out_dir;
};

int event_create(const std::filesystem::path& data_dir, CreateOptions options);
int event_list(const std::filesystem::path& data_dir, bool json);
int event_show(const std::filesystem::path& data_dir, const std::string& event_id, bool json);
// Ends the event in the store (idempotent: an ended event keeps its first end time). A server
// already serving the event does not notice until it loads the event again (its next start);
// the admin API (POST /api/v1/admin/events/{id}/end) ends a live event.
int event_end(const std::filesystem::path& data_dir, const std::string& event_id);
int event_export(const std::filesystem::path& data_dir, importer::ExportRequest request);

// Prints "onstage: error: <message> [<code>]" to stderr and returns 1.
int report_error(const std::string& code, const std::string& message);

}  // namespace onstage::app
