// Read-only admin routes: events, their links, participants and audit log. Every read runs on
// the store thread; rendering and JSON happen back on the connection's strand.
#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <utility>

#include "api/admin_handlers.hpp"
#include "api/query_string.hpp"
#include "importer/links.hpp"

namespace onstage::api::admin {
namespace {

namespace http = boost::beast::http;
using domain::Role;
using nlohmann::json;

constexpr std::int64_t kDefaultPage = 100;
constexpr std::int64_t kMaxPage = 1000;

struct EventSummary {
    domain::Event event;
    store::Store::RoleCounts counts;
};

json counts_json(const store::Store::RoleCounts& c) {
    return json{{"attendees", c.attendees}, {"moderators", c.moderators}, {"talent", c.talent}};
}

struct EventFacts {
    std::optional<domain::Event> event;
    store::Store::RoleCounts counts;
    std::vector<domain::AttendeeStatus> statuses;
};

HttpResponse bad_param(const HttpRequest& req, std::string_view message) {
    return error_response(req, http::status::bad_request, "bad_param", message);
}

std::string_view target_of(const HttpRequest& req) {
    return {req.target().data(), req.target().size()};
}

json status_json(const domain::AttendeeStatus* s) {
    if (s == nullptr) {
        return json{{"state", "watching"}, {"moderator_id", nullptr}, {"question", nullptr}};
    }
    return json{{"state", domain::to_string(s->state)},
                {"moderator_id", s->moderator_id.empty() ? json(nullptr) : json(s->moderator_id)},
                {"question", s->hand ? json(s->hand->question) : json(nullptr)}};
}

json participant_json(const domain::Event& event, const domain::Participant& p,
                      const domain::AttendeeStatus* status) {
    json out{{"id", p.id},
             {"name", p.full_name},
             {"email", p.email},
             {"role", domain::to_string(p.role)},
             {"access_url", importer::access_url(event.base_url, p.role, event.id, p.id)}};
    if (p.role == Role::attendee) {
        out["stage"] = status_json(status);
    } else {
        out["stage"] = nullptr;
    }
    return out;
}

}  // namespace

EventPeople load_event_people(store::Store& store, const std::string& event_id,
                              bool with_statuses) {
    EventPeople out;
    out.event = store.find_event(event_id);
    if (out.event) {
        out.people = store.participants(event_id);
        if (with_statuses) {
            out.statuses = store.attendee_statuses(event_id);
        }
    }
    return out;
}

HttpResponse unknown_event(const HttpRequest& req) {
    return error_response(req, http::status::not_found, "unknown_event", "There is no such event.");
}

json event_json(const domain::Event& e) {
    return json{
        {"id", e.id},
        {"name", e.name},
        {"public", e.is_public},
        {"base_url", e.base_url},
        {"created_at", e.created_at_ms},
        {"ended_at", e.ended_at_ms ? json(*e.ended_at_ms) : json(nullptr)},
        {"viewer_url", e.is_public ? json(importer::viewer_url(e.base_url, e.id)) : json(nullptr)},
        {"hls_url", importer::hls_url(e.base_url, e.id)}};
}

std::string people_json(const domain::Event& event,
                        std::span<const domain::Participant> participants,
                        std::span<const std::string> access_keys) {
    using importer::EventFile;
    importer::TextSink sink;
    std::string& text = sink.text();
    constexpr std::array<std::pair<EventFile, const char*>, 3> kParts{{
        {EventFile::attendees, "{\"attendees\":"},
        {EventFile::moderators, ",\"moderators\":"},
        {EventFile::talents, ",\"talent\":"},
    }};
    for (const auto& [file, opening] : kParts) {
        text += opening;
        importer::render_event_file(file, event, participants, access_keys, sink);
    }
    text += '}';
    return std::move(text);
}

asio::awaitable<HttpResponse> list_events(ServerContext& ctx, const HttpRequest& req) {
    auto read = [](store::Store& s) {
        std::vector<EventSummary> out;
        for (auto& e : s.list_events()) {
            const auto counts = s.count_participants(e.id);
            out.push_back({std::move(e), counts});
        }
        return out;
    };
    const std::vector<EventSummary> events = co_await ctx.store.run(std::move(read));
    json list = json::array();
    for (const auto& summary : events) {
        json e = event_json(summary.event);
        e["counts"] = counts_json(summary.counts);
        list.push_back(std::move(e));
    }
    co_return json_response(req, http::status::ok, json{{"events", std::move(list)}}.dump());
}

asio::awaitable<HttpResponse> event_detail(ServerContext& ctx, const HttpRequest& req,
                                           const std::string& event_id) {
    auto read = [id = event_id](store::Store& s) {
        EventFacts f;
        f.event = s.find_event(id);
        if (f.event) {
            f.counts = s.count_participants(id);
            f.statuses = s.attendee_statuses(id);
        }
        return f;
    };
    const EventFacts facts = co_await ctx.store.run(std::move(read));
    if (!facts.event) {
        co_return unknown_event(req);
    }
    // Attendees without a stored status are watching.
    std::map<std::string, std::int64_t> stage;
    std::int64_t not_watching = 0;
    for (const auto& s : facts.statuses) {
        if (s.state != domain::StageState::watching) {
            ++stage[std::string(domain::to_string(s.state))];
            ++not_watching;
        }
    }
    stage["watching"] = facts.counts.attendees - not_watching;
    json out = event_json(*facts.event);
    out["counts"] = counts_json(facts.counts);
    out["stage"] = stage;
    co_return json_response(req, http::status::ok, out.dump());
}

asio::awaitable<HttpResponse> event_links(ServerContext& ctx, const HttpRequest& req,
                                          const std::string& event_id) {
    const auto format = query_param(target_of(req), "format").value_or("json");
    if (format != "json" && format != "csv") {
        co_return bad_param(req, "format is json or csv.");
    }
    auto read = [id = event_id](store::Store& s) { return load_event_people(s, id, false); };
    const EventPeople facts = co_await ctx.store.run(std::move(read));
    if (!facts.event) {
        co_return unknown_event(req);
    }
    if (format == "json") {
        // Keys exist only as hashes: moderators' and talent's access_key is null here.
        std::string body = "{\"event\":" + event_json(*facts.event).dump() +
                           ",\"people\":" + people_json(*facts.event, facts.people, {}) + "}";
        co_return json_response(req, http::status::ok, std::move(body));
    }
    importer::TextSink sink;
    importer::render_event_file(importer::EventFile::links, *facts.event, facts.people, {}, sink);
    HttpResponse res = json_response(req, http::status::ok, std::move(sink.text()));
    res.set(http::field::content_type, "text/csv; charset=utf-8");
    res.set(http::field::content_disposition,
            "attachment; filename=\"" +
                importer::event_file_name(*facts.event, importer::EventFile::links) + "\"");
    co_return res;
}

asio::awaitable<HttpResponse> participants(ServerContext& ctx, const HttpRequest& req,
                                           const std::string& event_id) {
    const std::string_view target = target_of(req);
    const auto limit = query_int(target, "limit", kDefaultPage, 1, kMaxPage);
    if (!limit) {
        co_return bad_param(req, "limit is a whole number from 1 to 1000.");
    }
    std::optional<Role> role;
    if (const auto name = query_param(target, "role"); name && !name->empty()) {
        role = domain::role_from_string(*name);
        if (!role) {
            co_return bad_param(req, "role is attendee, moderator or talent.");
        }
    }
    const std::string after = query_param(target, "after").value_or("");
    auto read = [id = event_id](store::Store& s) { return load_event_people(s, id, true); };
    const EventPeople facts = co_await ctx.store.run(std::move(read));
    if (!facts.event) {
        co_return unknown_event(req);
    }
    std::unordered_map<std::string_view, const domain::AttendeeStatus*> status_of;
    for (const auto& s : facts.statuses) {
        status_of.emplace(s.attendee_id, &s);
    }
    // `after` is the id of the last participant of the previous page: the store orders them by
    // role and roster position, which never changes once an event exists.
    auto it = facts.people.begin();
    if (!after.empty()) {
        it = std::find_if(facts.people.begin(), facts.people.end(),
                          [&](const domain::Participant& p) { return p.id == after; });
        if (it == facts.people.end()) {
            co_return bad_param(req, "after must be a participant id from a previous page.");
        }
        ++it;
    }
    json page = json::array();
    std::string last;
    for (; it != facts.people.end() && std::cmp_less(page.size(), *limit); ++it) {
        if (role && it->role != *role) {
            continue;
        }
        const auto s = status_of.find(it->id);
        page.push_back(
            participant_json(*facts.event, *it, s == status_of.end() ? nullptr : s->second));
        last = it->id;
    }
    const bool more = std::any_of(it, facts.people.end(), [&](const domain::Participant& p) {
        return !role || p.role == *role;
    });
    const json out{{"participants", std::move(page)}, {"next", more ? json(last) : json(nullptr)}};
    co_return json_response(req, http::status::ok, out.dump());
}

asio::awaitable<HttpResponse> audit_log(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id) {
    const std::string_view target = target_of(req);
    const auto limit = query_int(target, "limit", kDefaultPage, 1, kMaxPage);
    const auto after = query_int(target, "after", 0, 0, std::numeric_limits<std::int64_t>::max());
    if (!limit || !after) {
        co_return bad_param(req, "limit is 1 to 1000 and after a sequence number (0 or more).");
    }
    auto read = [id = event_id, a = *after, n = static_cast<std::size_t>(*limit)](store::Store& s) {
        std::pair<std::optional<domain::Event>, std::vector<domain::AuditEntry>> out;
        out.first = s.find_event(id);
        if (out.first) {
            out.second = s.audit_log(id, a, n);
        }
        return out;
    };
    const auto [event, entries] = co_await ctx.store.run(std::move(read));
    if (!event) {
        co_return unknown_event(req);
    }
    json list = json::array();
    for (const auto& e : entries) {
        list.push_back({{"seq", e.seq},
                        {"at", e.at_ms},
                        {"actor_id", e.actor_id},
                        {"action", e.action},
                        {"subject_id", e.subject_id},
                        {"from_state", e.from_state},
                        {"to_state", e.to_state},
                        {"detail", e.detail}});
    }
    const bool full = std::cmp_equal(entries.size(), *limit);
    const json out{{"entries", std::move(list)},
                   {"next", full ? json(entries.back().seq) : json(nullptr)}};
    co_return json_response(req, http::status::ok, out.dump());
}

}  // namespace onstage::api::admin
