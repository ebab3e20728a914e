#include "app/event_commands.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "app/data_dir.hpp"
#include "importer/links.hpp"

namespace onstage::app {
namespace {

void print_files(const std::vector<std::filesystem::path>& files) {
    for (const auto& f : files) {
        fmt::print("  {}\n", f.string());
    }
}

// `targets`: the event's RTMP targets (full URLs; printed redacted only).
void print_broadcast_settings(const domain::Event& event,
                              const std::vector<domain::RtmpTarget>& targets) {
    fmt::print("Broadcast (HLS, for players and CDNs): {}\n",
               importer::hls_url(event.base_url, event.id));
    if (event.is_public) {
        fmt::print("Public viewer link (watch only):       {}\n",
                   importer::viewer_url(event.base_url, event.id));
    }
    if (targets.empty()) {
        fmt::print(
            "RTMP: onstage composes the stage itself and pushes it to the RTMP targets a "
            "producer adds for this event (`onstage broadcast targets add {}`); none are "
            "configured yet.\n",
            event.id);
        return;
    }
    fmt::print("RTMP targets (the broadcast pushes to each):\n");
    for (const auto& t : targets) {
        fmt::print("  {:<14} {:<20} {}\n", t.id, t.name, domain::redact_rtmp_url(t.url));
    }
}

std::string ended_text(const domain::Event& event) {
    return event.ended_at_ms ? format_utc(*event.ended_at_ms) : "-";
}

nlohmann::json ended_json(const domain::Event& event) {
    return event.ended_at_ms ? nlohmann::json(format_utc(*event.ended_at_ms))
                             : nlohmann::json(nullptr);
}

}  // namespace

int report_error(const std::string& code, const std::string& message) {
    fmt::print(stderr, "onstage: error: {} [{}]\n", message, code);
    return 1;
}

int event_create(const std::filesystem::path& data_dir, CreateOptions options) {
    options.request.now_ms = now_ms();
    // Everything is read and checked before the database is even opened: bad input writes
    // nothing anywhere.
    auto prepared = importer::prepare_event(options.request);
    if (!prepared) {
        return report_error(prepared.error().code, prepared.error().message);
    }
    auto store = open_store(data_dir);
    auto published = importer::publish_event(*store, *prepared, options.out_dir);
    if (!published) {
        return report_error(published.error().code, published.error().message);
    }
    const auto counts = store->count_participants(prepared->event.id);
    const auto& event = prepared->event;
    fmt::print("Created event \"{}\" ({}): {} attendees, {} moderators, {} talent.\n", event.name,
               event.id, counts.attendees, counts.moderators, counts.talent);
    fmt::print("Links and access keys (keys are shown only here; keep these files safe):\n");
    print_files(published->files);
    print_broadcast_settings(event, {});
    return 0;
}

int event_list(const std::filesystem::path& data_dir, bool json) {
    auto store = open_store(data_dir);
    const auto events = store->list_events();
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : events) {
            const auto c = store->count_participants(e.id);
            out.push_back({{"id", e.id},
                           {"name", e.name},
                           {"public", e.is_public},
                           {"created_at", format_utc(e.created_at_ms)},
                           {"ended_at", ended_json(e)},
                           {"attendees", c.attendees},
                           {"moderators", c.moderators},
                           {"talent", c.talent}});
        }
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    if (events.empty()) {
        fmt::print("No events yet. Create one with `onstage event create`.\n");
        return 0;
    }
    fmt::print("{:<32} {:<24} {:<6} {:<20} {:<20} {:>9} {:>10} {:>6}\n", "ID", "NAME", "PUBLIC",
               "CREATED", "ENDED", "ATTENDEES", "MODERATORS", "TALENT");
    for (const auto& e : events) {
        const auto c = store->count_participants(e.id);
        fmt::print("{:<32} {:<24} {:<6} {:<20} {:<20} {:>9} {:>10} {:>6}\n", e.id, e.name,
                   e.is_public ? "yes" : "no", format_utc(e.created_at_ms), ended_text(e),
                   c.attendees, c.moderators, c.talent);
    }
    return 0;
}

int event_show(const std::filesystem::path& data_dir, const std::string& event_id, bool json) {
    auto store = open_store(data_dir);
    const auto event = store->find_event(event_id);
    if (!event) {
        return report_error("unknown_event", "no event '" + event_id + "'");
    }
    const auto c = store->count_participants(event->id);
    std::vector<domain::Participant> staff;
    for (auto& p : store->participants(event->id)) {
        if (p.role != domain::Role::attendee) {
            staff.push_back(std::move(p));
        }
    }
    const auto targets = store->list_rtmp_targets(event->id);
    if (json) {
        nlohmann::json rtmp = nlohmann::json::array();
        for (const auto& t : targets) {
            rtmp.push_back(
                {{"id", t.id}, {"name", t.name}, {"url_redacted", domain::redact_rtmp_url(t.url)}});
        }
        nlohmann::json people = nlohmann::json::array();
        for (const auto& p : staff) {
            people.push_back(
                {{"role", domain::to_string(p.role)},
                 {"full_name", p.full_name},
                 {"access_url", importer::access_url(event->base_url, p.role, event->id, p.id)}});
        }
        nlohmann::json out{{"id", event->id},
                           {"name", event->name},
                           {"public", event->is_public},
                           {"base_url", event->base_url},
                           {"created_at", format_utc(event->created_at_ms)},
                           {"ended_at", ended_json(*event)},
                           {"attendees", c.attendees},
                           {"moderators", c.moderators},
                           {"talent", c.talent},
                           {"staff", people},
                           {"rtmp_targets", rtmp}};
        fmt::print("{}\n", out.dump(2));
        return 0;
    }
    fmt::print("Event:    {} ({})\nCreated:  {}\nPublic:   {}\nBase URL: {}\n", event->name,
               event->id, format_utc(event->created_at_ms), event->is_public ? "yes" : "no",
               event->base_url);
    if (event->ended_at_ms) {
        fmt::print("Ended:    {} (nobody can join it any more)\n", format_utc(*event->ended_at_ms));
    }
    fmt::print("People:   {} attendees, {} moderators, {} talent\n", c.attendees, c.moderators,
               c.talent);
    for (const auto& p : staff) {
        fmt::print("  {:<9} {:<28} {}\n", domain::to_string(p.role), p.full_name,
                   importer::access_url(event->base_url, p.role, event->id, p.id));
    }
    print_broadcast_settings(*event, targets);
    fmt::print("Attendee links: `onstage event export {} --out DIR`.\n", event->id);
    return 0;
}

int event_end(const std::filesystem::path& data_dir, const std::string& event_id) {
    auto store = open_store(data_dir);
    const auto event = store->find_event(event_id);
    if (!event) {
        return report_error("unknown_event", "no event '" + event_id + "'");
    }
    domain::AuditEntry audit;
    audit.event_id = event->id;
    audit.at_ms = now_ms();
    audit.actor_id = "cli";
    audit.action = "event_ended";
    const domain::TimeMs ended = store->end_event(event->id, audit);
    if (ended != audit.at_ms) {
        fmt::print("Event \"{}\" ({}) had already ended at {}.\n", event->name, event->id,
                   format_utc(ended));
        return 0;
    }
    fmt::print("Ended event \"{}\" ({}) at {}. Nobody can sign in to it any more.\n", event->name,
               event->id, format_utc(ended));
    fmt::print(
        "A server that is serving this event right now notices only when it next starts; to end "
        "a live event, use the admin API (POST /api/v1/admin/events/{}/end) or the console.\n",
        event->id);
    return 0;
}

int event_export(const std::filesystem::path& data_dir, importer::ExportRequest request) {
    request.now_ms = now_ms();
    auto store = open_store(data_dir);
    auto exported = importer::export_event(*store, request);
    if (!exported) {
        return report_error(exported.error().code, exported.error().message);
    }
    fmt::print("Exported {}:\n", request.event_id);
    print_files(exported->files);
    if (request.rotate_keys) {
        fmt::print(
            "New access keys for moderators and talent are in these files; the old keys "
            "no longer work.\n");
    } else {
        fmt::print(
            "Access keys are stored only as hashes and cannot be shown again; use "
            "--rotate-keys to issue new ones.\n");
    }
    return 0;
}

}  // namespace onstage::app
