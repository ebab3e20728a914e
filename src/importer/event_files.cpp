#include "importer/event_files.hpp"

#include <algorithm>
#include <array>

#include "importer/links.hpp"
#include "importer/text_output.hpp"

namespace onstage::importer {
namespace {

using domain::Participant;
using domain::Role;

std::string_view file_suffix(Role role) {
    switch (role) {
    case Role::attendee:
        return "_attendees.json";
    case Role::moderator:
        return "_moderators.json";
    case Role::talent:
        return "_talents.json";
    }
    return "_attendees.json";
}

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
    append_member(out, "access_url", access_url(event.base_url, p.role, event.id, p.id));
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
    append_csv_field(out, access_url(event.base_url, p.role, event.id, p.id));
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

std::vector<RenderedFile> render_event_files(const domain::Event& event,
                                             std::span<const Participant> participants,
                                             std::span<const std::string> access_keys) {
    auto key_of = [&](std::size_t i) -> const std::string* {
        if (access_keys.empty() || !domain::role_needs_access_key(participants[i].role)) {
            return nullptr;
        }
        return &access_keys[i];
    };
    std::vector<RenderedFile> files;
    for (Role role : {Role::attendee, Role::moderator, Role::talent}) {
        RenderedFile file{event.id + std::string(file_suffix(role)), "["};
        bool first = true;
        for (std::size_t i = 0; i < participants.size(); ++i) {
            if (participants[i].role != role) {
                continue;
            }
            file.contents += first ? "\n" : ",\n";
            first = false;
            append_person_json(file.contents, event, participants[i], key_of(i));
        }
        file.contents += first ? "]\n" : "\n]\n";
        files.push_back(std::move(file));
    }

    const std::vector<std::string> columns = extra_columns_of(participants, std::nullopt);
    RenderedFile links{event.id + "_links.csv",
                       "role,full_name,email,eventId,attendeeId,access_url,access_key"};
    for (const auto& column : columns) {
        links.contents += ',';
        append_csv_field(links.contents, column);
    }
    links.contents += "\r\n";
    for (std::size_t i = 0; i < participants.size(); ++i) {
        append_person_csv(links.contents, event, participants[i], key_of(i), columns);
    }
    files.push_back(std::move(links));
    return files;
}

}  // namespace onstage::importer
