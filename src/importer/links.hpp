// The URL scheme of onstage's links (documented in README.md "Links"). Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "domain/role.hpp"

namespace onstage::importer {

// Returns the base URL without a trailing slash, or nullopt unless it is an absolute http(s)
// URL with a host and no query or fragment (links are built by appending to it).
std::optional<std::string> normalize_base_url(std::string_view base_url);

// <base>/<role>?e=<event>&p=<participant>; the access key is never part of a link, so it does
// not end up in browser history, proxies or server logs.
std::string access_url(std::string_view base, domain::Role role, std::string_view event_id,
                       std::string_view participant_id);
// The same, appended to `out` (no allocation of its own; for 100k-row files).
void append_access_url(std::string& out, std::string_view base, domain::Role role,
                       std::string_view event_id, std::string_view participant_id);
// Watch-only page of a public event.
std::string viewer_url(std::string_view base, std::string_view event_id);
// The composed broadcast, for players and CDNs.
std::string hls_url(std::string_view base, std::string_view event_id);

}  // namespace onstage::importer
