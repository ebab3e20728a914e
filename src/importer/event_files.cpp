#include "importer/event_files.hpp"

#include <algorithm>
#include <array>

#include "importer/links.hpp"
#include "importer/text_output.hpp"

namespace onstage::importer {
namespace {

using domain::Participant;
using domain::Role;

const std::string* find_extra(const Participant& p, const std::string& column) {
    for (const auto& field : p.extra) {
        if (field.name == column) {
            return &field.value;
        }
    }
    return nullptr;
}

void append_member(std::string& out, std::string_view key, std::string_view value) {
    out += ", ";
    append_json_string(out, key);
    out += ": ";
    append_json_string(out, value);
}

void append_person_json(std::string& out, const domain::Event& event, const Participant& p,
                        const std::string* key) {
    out += "  {";
    append_json_string(out, "full_name");
    out += ": ";
    append_json_string(out, p.full_name);
    append_member(out, "email", p.email);
    append_member(out, "eventId", event.id);
    append_member(out, "attendeeId", p.id);
    append_member(out, "role", domain::to_string(p.role));
    out += ", \"access_url\": \"";
    append_access_url(out, event.base_url, p.role, event.id, p.id);  // nothing to escape in it
    out += '"';
    if (domain::role_needs_access_key(p.role)) {
        if (key != nullptr) {
            append_member(out, "access_key", *key);
        } else {
            out += ", \"access_key\": null";
        }
    }
    for (const auto& field : p.extra) {
        append_member(out, field.name, field.value);
    }
    out += '}';
}

void append_person_csv(std::string& out, const domain::Event& event, const Participant& p,
                       const std::string* key, std::span<const std::string> columns) {
    const std::array<std::string_view, 5> fixed{domain::to_string(p.role), p.full_name, p.email,
                                                event.id, p.id};
    for (std::string_view value : fixed) {
        append_csv_field(out, value);
        out += ',';
    }
    append_access_url(out, event.base_url, p.role, event.id, p.id);  // never needs quoting
    out += ',';
    append_csv_field(out, key != nullptr ? std::string_view(*key) : std::string_view{});
    for (const auto& column : columns) {
        out += ',';
        const std::string* value = find_extra(p, column);
        append_csv_field(out, value != nullptr ? std::string_view(*value) : std::string_view{});
    }
    out += "\r\n";
}

}  // namespace

std::vector<std::string> extra_columns_of(std::span<const Participant> participants,
                                          std::optional<Role> role) {
    std::vector<std::string> columns;
    for (const auto& p : participants) {
        if (role && p.role != *role) {
            continue;
        }
        for (const auto& field : p.extra) {
            if (std::find(columns.begin(), columns.end(), field.name) == columns.end()) {
                columns.push_back(field.name);
            }
        }
    }
    return columns;
}

std::string event_file_name(const domain::Event& event, EventFile file) {
    switch (file) {
    case EventFile::attendees:
        return event.id + "_attendees.json";
    case EventFile::moderators:
        return event.id + "_moderators.json";
    case EventFile::talents:
        return event.id + "_talents.json";
    case EventFile::links:
        return event.id + "_links.csv";
    }
    return event.id + "_links.csv";
}

void render_event_file(EventFile file, const domain::Event& event,
                       std::span<const Participant> participants,
                       std::span<const std::string> access_keys, TextSink& out) {
    auto key_of = [&](std::size_t i) -> const std::string* {
        if (access_keys.empty() || !domain::role_needs_access_key(participants[i].role)) {
            return nullptr;
        }
        return &access_keys[i];
    };
    std::string& text = out.text();
    if (file == EventFile::links) {
        const std::vector<std::string> columns = extra_columns_of(participants, std::nullopt);
        text += "role,full_name,email,eventId,attendeeId,access_url,access_key";
        for (const auto& column : columns) {
            text += ',';
            append_csv_field(text, column);
        }
        text += "\r\n";
        for (std::size_t i = 0; i < participants.size(); ++i) {
            append_person_csv(text, event, participants[i], key_of(i), columns);
            out.record_done();
        }
        return;
    }
    const Role role = file == EventFile::attendees    ? Role::attendee
                      : file == EventFile::moderators ? Role::moderator
                                                      : Role::talent;
    text += '[';
    bool first = true;
    for (std::size_t i = 0; i < participants.size(); ++i) {
        if (participants[i].role != role) {
            continue;
        }
        text += first ? "\n" : ",\n";
        first = false;
        append_person_json(text, event, participants[i], key_of(i));
        out.record_done();
    }
    text += first ? "]\n" : "\n]\n";
}

}  // namespace onstage::importer
