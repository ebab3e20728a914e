// The files `onstage event create` and `event export` hand to the organiser (shared/PRODUCT.md):
// <event>_attendees.json, <event>_moderators.json, <event>_talents.json and <event>_links.csv.
// Pure rendering: no I/O.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/event.hpp"

namespace onstage::importer {

struct RenderedFile {
    std::string name;
    std::string contents;
};

// `access_keys` is either empty (keys unknown: moderators and talent get "access_key": null,
// since keys are stored only as hashes) or aligned with `participants` (attendees' entries empty).
// Field order is fixed: full_name, email, eventId, attendeeId, role, access_url, access_key
// (moderators and talent only), then the roster's own columns in their original order.
std::vector<RenderedFile> render_event_files(const domain::Event& event,
                                             std::span<const domain::Participant> participants,
                                             std::span<const std::string> access_keys);

// Names of the pass-through columns of a role, in order of first appearance.
std::vector<std::string> extra_columns_of(std::span<const domain::Participant> participants,
                                          std::optional<domain::Role> role);

}  // namespace onstage::importer
