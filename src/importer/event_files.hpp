// The files `onstage event create` and `event export` hand to the organiser (shared/PRODUCT.md):
// <event>_attendees.json, <event>_moderators.json, <event>_talents.json and <event>_links.csv.
// Pure rendering into a TextSink: no I/O of its own.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "domain/event.hpp"
#include "importer/text_output.hpp"

namespace onstage::importer {

enum class EventFile { attendees, moderators, talents, links };
inline constexpr std::array<EventFile, 4> kEventFiles{EventFile::attendees, EventFile::moderators,
                                                      EventFile::talents, EventFile::links};

std::string event_file_name(const domain::Event& event, EventFile file);

// `access_keys` is either empty (keys unknown: moderators and talent get "access_key": null,
// since keys are stored only as hashes) or aligned with `participants` (attendees' entries empty).
// JSON field order is fixed: full_name, email, eventId, attendeeId, role, access_url,
// access_key (moderators and talent only), then the roster's own columns in their original
// order. The CSV has the same columns for everyone, then every roster column of any role.
void render_event_file(EventFile file, const domain::Event& event,
                       std::span<const domain::Participant> participants,
                       std::span<const std::string> access_keys, TextSink& out);

// Names of the pass-through columns of a role (all roles: nullopt), in order of first appearance.
std::vector<std::string> extra_columns_of(std::span<const domain::Participant> participants,
                                          std::optional<domain::Role> role);

}  // namespace onstage::importer
