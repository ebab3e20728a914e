// RTMP targets of an event, /api/v1/admin/events/{id}/rtmp-targets[/{target}]: where the
// broadcast pushes the program (YouTube, Twitch, …). A target's URL carries its stream key, so
// it is accepted once and afterwards shown only redacted (domain::redact_rtmp_url); the full URL
// stays in the store for the compositor. Reads and writes run on the store thread, each write
// in one transaction with its audit entry.
#include <utility>

#include "api/admin_handlers.hpp"
#include "auth/random.hpp"
#include "domain/limits.hpp"

namespace onstage::api::admin {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// 12 Crockford base32 characters: 60 random bits, short enough to type in the CLI.
constexpr std::size_t kTargetIdChars = 12;
constexpr std::size_t kMaxTargetIdBytes = 64;

bool looks_like_target_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxTargetIdBytes) {
        return false;
    }
    for (const char c : id) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return false;
        }
    }
    return true;
}

HttpResponse unknown_target(const HttpRequest& req) {
    return error_response(req, http::status::not_found, "unknown_target",
                          "This event has no such RTMP target.");
}

// What the store thread found (run_on needs a default-constructible result).
struct TargetsRead {
    std::optional<domain::Event> event;
    std::vector<domain::RtmpTarget> targets;
};

enum class AddOutcome : std::uint8_t { added, unknown_event, event_ended, too_many };

struct AddResult {
    AddOutcome outcome = AddOutcome::unknown_event;
    domain::RtmpTarget target;
};

enum class RemoveOutcome : std::uint8_t { removed, unknown_event, unknown_target };

domain::AuditEntry target_audit(const domain::RtmpTarget& t, std::string action) {
    domain::AuditEntry entry;
    entry.event_id = t.event_id;
    entry.at_ms = now_ms();
    entry.actor_id = "admin";
    entry.action = std::move(action);
    entry.subject_id = t.id;
    entry.detail = t.name + " " + domain::redact_rtmp_url(t.url);  // never the stream key
    return entry;
}

// Store thread: adds `t` unless its event is unknown, ended or full.
AddResult store_new_target(store::Store& s, const domain::RtmpTarget& t) {
    AddResult out;
    const auto event = s.find_event(t.event_id);
    if (!event) {
        return out;
    }
    if (event->ended_at_ms) {
        out.outcome = AddOutcome::event_ended;
        return out;
    }
    try {
        out.target = s.add_rtmp_target(t, target_audit(t, "rtmp_target_added"));
        out.outcome = AddOutcome::added;
    } catch (const store::StoreError& e) {
        if (e.code() != store::StoreErrorCode::limit) {
            throw;
        }
        out.outcome = AddOutcome::too_many;
    }
    return out;
}

}  // namespace

json rtmp_target_json(const domain::RtmpTarget& t) {
    return json{{"id", t.id},
                {"name", t.name},
                {"url_redacted", domain::redact_rtmp_url(t.url)},
                {"created_at", t.created_at_ms}};
}

asio::awaitable<HttpResponse> list_rtmp_targets(ServerContext& ctx, const HttpRequest& req,
                                                const std::string& event_id) {
    auto read = [id = event_id](store::Store& s) {
        TargetsRead out;
        out.event = s.find_event(id);
        if (out.event) {
            out.targets = s.list_rtmp_targets(id);
        }
        return out;
    };
    const TargetsRead found = co_await ctx.store.run(std::move(read));
    if (!found.event) {
        co_return unknown_event(req);
    }
    json targets = json::array();
    for (const auto& t : found.targets) {
        targets.push_back(rtmp_target_json(t));
    }
    co_return json_response(req, http::status::ok, json{{"targets", std::move(targets)}}.dump());
}

asio::awaitable<HttpResponse> add_rtmp_target(ServerContext& ctx, const HttpRequest& req,
                                              const std::string& event_id) {
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        co_return error_response(req, http::status::bad_request, "bad_json",
                                 "The body must be a JSON object.");
    }
    const auto name = body.find("name");
    if (name == body.end() || !name->is_string()) {
        co_return error_response(req, http::status::bad_request, "bad_field",
                                 "name is required: a string of 1 to 100 characters.");
    }
    if (auto problem = domain::rtmp_name_problem(name->get_ref<const std::string&>())) {
        co_return error_response(req, http::status::bad_request, "bad_field", "name: " + *problem);
    }
    const auto url = body.find("url");
    if (url == body.end() || !url->is_string()) {
        co_return error_response(req, http::status::bad_request, "bad_rtmp_url",
                                 "url is required: rtmp://host/app/stream-key or rtmps://….");
    }
    if (auto problem = domain::rtmp_url_problem(url->get_ref<const std::string&>())) {
        co_return error_response(req, http::status::bad_request, "bad_rtmp_url", *problem);
    }
    domain::RtmpTarget target;
    target.id = auth::random_base32(kTargetIdChars);
    target.event_id = event_id;
    target.name = name->get<std::string>();
    target.url = url->get<std::string>();
    target.created_at_ms = now_ms();
    auto write = [t = std::move(target)](store::Store& s) { return store_new_target(s, t); };
    const AddResult added = co_await ctx.store.run(std::move(write));
    switch (added.outcome) {
    case AddOutcome::unknown_event:
        co_return unknown_event(req);
    case AddOutcome::event_ended:
        co_return event_ended(req);
    case AddOutcome::too_many:
        co_return error_response(req, http::status::conflict, "too_many_targets",
                                 "An event has at most " +
                                     std::to_string(domain::limits::kMaxRtmpTargets) +
                                     " RTMP targets; remove one first.");
    case AddOutcome::added:
        break;
    }
    co_return json_response(req, http::status::created, rtmp_target_json(added.target).dump());
}

asio::awaitable<HttpResponse> remove_rtmp_target(ServerContext& ctx, const HttpRequest& req,
                                                 const std::string& event_id,
                                                 const std::string& target_id) {
    if (!looks_like_target_id(target_id)) {
        co_return unknown_target(req);
    }
    auto write = [event = event_id, id = target_id](store::Store& s) {
        if (!s.find_event(event)) {
            return RemoveOutcome::unknown_event;
        }
        domain::RtmpTarget gone;
        for (auto& t : s.list_rtmp_targets(event)) {
            if (t.id == id) {
                gone = std::move(t);
            }
        }
        if (gone.id.empty()) {
            return RemoveOutcome::unknown_target;
        }
        return s.remove_rtmp_target(event, id, target_audit(gone, "rtmp_target_removed"))
                   ? RemoveOutcome::removed
                   : RemoveOutcome::unknown_target;
    };
    const RemoveOutcome outcome = co_await ctx.store.run(std::move(write));
    if (outcome == RemoveOutcome::unknown_event) {
        co_return unknown_event(req);
    }
    if (outcome == RemoveOutcome::unknown_target) {
        co_return unknown_target(req);
    }
    HttpResponse res = json_response(req, http::status::no_content, "");
    res.erase(http::field::content_type);
    res.prepare_payload();
    co_return res;
}

}  // namespace onstage::api::admin
