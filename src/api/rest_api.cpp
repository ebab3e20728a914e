#include "api/rest_api.hpp"

#include <nlohmann/json.hpp>

#include "api/hls_route.hpp"
#include "auth/access_key.hpp"
#include "auth/random.hpp"

namespace onstage::api {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

std::optional<std::string> string_field(const json& body, const char* name, std::size_t max) {
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string()) {
        return std::nullopt;
    }
    auto value = it->get<std::string>();
    if (value.empty() || value.size() > max) {
        return std::nullopt;
    }
    return value;
}

struct LoginFacts {
    std::optional<domain::Participant> participant;
    std::optional<domain::Event> event;
    std::int64_t session_version = 0;
    bool kicked = false;
};

}  // namespace

HttpResponse event_ended(const HttpRequest& req) {
    return error_response(req, http::status::gone, "event_ended", "This event has ended.");
}

HttpResponse json_response(const HttpRequest& req, http::status status, std::string body) {
    HttpResponse res{status, req.version()};
    res.set(http::field::server, "onstage");
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

HttpResponse error_response(const HttpRequest& req, http::status status, std::string_view code,
                            std::string_view message) {
    return json_response(req, status,
                         json{{"error", {{"code", code}, {"message", message}}}}.dump());
}

asio::awaitable<HttpResponse> handle_login(ServerContext& ctx, const HttpRequest& req,
                                           std::string client_address) {
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        co_return error_response(req, http::status::bad_request, "bad_json",
                                 "The body must be a JSON object.");
    }
    const auto event_id = string_field(body, "event_id", 128);
    const auto participant_id = string_field(body, "participant_id", 128);
    const auto key = body.contains("access_key") ? string_field(body, "access_key", 256)
                                                 : std::optional<std::string>(std::string());
    if (!event_id || !participant_id || !key) {
        co_return error_response(req, http::status::bad_request, "bad_field",
                                 "event_id and participant_id are required strings; access_key, "
                                 "if given, is a string.");
    }
    const std::string participant_key = *event_id + "/" + *participant_id;
    const std::string address_key = "addr:" + client_address;
    if (const auto wait = ctx.logins.retry_after(participant_key, address_key, now_ms())) {
        auto res = error_response(req, http::status::too_many_requests, "rate_limited",
                                  "Too many failed sign-ins; wait a moment and try again.");
        res.set(http::field::retry_after, std::to_string((*wait + 999) / 1000));
        co_return res;
    }
    auto read = [&](store::Store& s) {
        LoginFacts f;
        f.participant = s.find_participant(*event_id, *participant_id);
        if (f.participant) {
            f.event = s.find_event(*event_id);
            f.session_version = s.session_version(*event_id, *participant_id);
            const auto status = s.find_attendee_status(*event_id, *participant_id);
            f.kicked = status && status->state == domain::StageState::kicked;
        }
        return f;
    };
    const LoginFacts facts = co_await ctx.store.run(std::move(read));
    bool accepted = facts.participant && facts.event;
    if (accepted && domain::role_needs_access_key(facts.participant->role)) {
        // Argon2id takes ~20 ms of CPU: run it on the crypto pool, not on an I/O thread.
        auto check = [hash = facts.participant->access_key_hash, k = *key] {
            return auth::verify_access_key(hash, k);
        };
        accepted = co_await run_on(ctx.crypto.get_executor(), std::move(check));
    }
    if (!accepted) {
        ctx.logins.failed(participant_key, address_key, now_ms());
        ctx.metrics.count_error("login_failed");
        co_return error_response(req, http::status::unauthorized, "login_failed",
                                 "This link or access key is not valid.");
    }
    if (facts.event->ended_at_ms) {
        ctx.logins.succeeded(participant_key);  // the key was right: no throttling for it
        ctx.metrics.count_error("event_ended");
        co_return event_ended(req);
    }
    if (facts.kicked) {
        ctx.metrics.count_error("kicked");
        co_return error_response(req, http::status::forbidden, "kicked",
                                 "You were removed from this event.");
    }
    ctx.logins.succeeded(participant_key);
    ++ctx.metrics.logins;
    auth::TokenClaims claims;
    claims.event_id = *event_id;
    claims.participant_id = *participant_id;
    claims.role = facts.participant->role;
    claims.session_version = facts.session_version;
    claims.issued_at_ms = now_ms();
    claims.expires_at_ms = claims.issued_at_ms + ctx.limits.token_ttl_ms;
    const std::string token = ctx.signer.issue(claims);
    const json out{
        {"token", token},
        {"expires_at", claims.expires_at_ms},
        {"participant",
         {{"id", facts.participant->id},
          {"name", facts.participant->full_name},
          {"role", domain::to_string(facts.participant->role)}}},
        {"event",
         {{"id", facts.event->id},
          {"name", facts.event->name},
          {"public", facts.event->is_public}}},
    };
    HttpResponse res = json_response(req, http::status::ok, out.dump());
    add_hls_cookie(ctx, res, facts.event->id);  // the broadcast of a private event plays
    co_return res;
}

}  // namespace onstage::api

namespace onstage::api {
namespace {

json event_json(const domain::Event& e) {
    return json{{"id", e.id}, {"name", e.name}, {"public", e.is_public}};
}

HttpResponse unauthenticated(const HttpRequest& req, std::string_view message) {
    return error_response(req, http::status::unauthorized, "unauthenticated", message);
}

struct SessionFacts {
    std::int64_t session_version = 0;
    bool kicked = false;
};

}  // namespace

HttpResponse method_not_allowed(const HttpRequest& req, std::string_view allow) {
    auto res = error_response(req, http::status::method_not_allowed, "method_not_allowed",
                              "Use " + std::string(allow) + ".");
    res.set(http::field::allow, boost::beast::string_view(allow.data(), allow.size()));
    return res;
}

bool is_get(const HttpRequest& req) {
    return req.method() == http::verb::get || req.method() == http::verb::head;
}

std::optional<std::string_view> bearer_token(const HttpRequest& req) {
    const auto it = req.find(http::field::authorization);
    if (it == req.end()) {
        return std::nullopt;
    }
    const std::string_view value(it->value().data(), it->value().size());
    constexpr std::string_view kScheme = "Bearer ";
    if (value.size() <= kScheme.size() || value.substr(0, kScheme.size()) != kScheme) {
        return std::nullopt;
    }
    return value.substr(kScheme.size());
}

asio::awaitable<HttpResponse> handle_me(ServerContext& ctx, const HttpRequest& req) {
    const auto token = bearer_token(req);
    if (!token) {
        co_return unauthenticated(req, "Send Authorization: Bearer <session token>.");
    }
    const auto claims =
        ctx.signer.verify(*token, now_ms(), auth::TokenAudience::participants_and_viewers);
    if (!claims) {
        co_return unauthenticated(req, "This session token is not valid; sign in again.");
    }
    const std::shared_ptr<EventRuntime> runtime = co_await ctx.events.get(claims->event_id);
    if (!runtime) {
        co_return unauthenticated(req, "This event no longer exists.");
    }
    const domain::Event& event = runtime->event();
    if (runtime->ended_at_ms()) {
        co_return event_ended(req);
    }
    if (claims->viewer) {
        if (!event.is_public) {
            co_return unauthenticated(req, "This event is no longer public.");
        }
        const json out{{"event", event_json(event)},
                       {"me", {{"id", claims->participant_id}, {"name", ""}, {"role", "viewer"}}},
                       {"state", nullptr},
                       {"expires_at", claims->expires_at_ms}};
        HttpResponse res = json_response(req, http::status::ok, out.dump());
        add_hls_cookie(ctx, res, event.id);
        co_return res;
    }
    auto read = [event_id = claims->event_id, pid = claims->participant_id](store::Store& s) {
        SessionFacts f;
        f.session_version = s.session_version(event_id, pid);
        const auto status = s.find_attendee_status(event_id, pid);
        f.kicked = status && status->state == domain::StageState::kicked;
        return f;
    };
    const SessionFacts facts = co_await ctx.store.run(std::move(read));
    if (facts.kicked) {
        co_return error_response(req, http::status::forbidden, "kicked",
                                 "You were removed from this event.");
    }
    const Person* person = runtime->person(claims->participant_id);
    if (person == nullptr || facts.session_version != claims->session_version) {
        co_return unauthenticated(req, "This session was ended; sign in again.");
    }
    Identity who{claims->participant_id, claims->role};
    const std::string snapshot = co_await runtime->snapshot(std::move(who));
    const json out{{"event", event_json(event)},
                   {"me",
                    {{"id", claims->participant_id},
                     {"name", person->name},
                     {"role", domain::to_string(claims->role)}}},
                   {"state", json::parse(snapshot)},
                   {"expires_at", claims->expires_at_ms}};
    HttpResponse res = json_response(req, http::status::ok, out.dump());
    add_hls_cookie(ctx, res, event.id);  // refreshed while the app is open
    co_return res;
}

asio::awaitable<HttpResponse> handle_watch(ServerContext& ctx, const HttpRequest& req) {
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        co_return error_response(req, http::status::bad_request, "bad_json",
                                 "The body must be a JSON object.");
    }
    const auto event_id = string_field(body, "event_id", 128);
    if (!event_id) {
        co_return error_response(req, http::status::bad_request, "bad_field",
                                 "event_id is a required string.");
    }
    auto read = [id = *event_id](store::Store& s) { return s.find_event(id); };
    const std::optional<domain::Event> event = co_await ctx.store.run(std::move(read));
    if (!event || !event->is_public) {
        // The same answer for a private event as for none: no way to find out which exist.
        co_return error_response(req, http::status::not_found, "not_found",
                                 "There is no public event with this id.");
    }
    if (event->ended_at_ms) {
        co_return event_ended(req);
    }
    auth::TokenClaims claims;
    claims.event_id = event->id;
    claims.participant_id = "viewer:" + auth::random_base32(16);
    claims.role = domain::Role::attendee;
    claims.viewer = true;
    claims.issued_at_ms = now_ms();
    claims.expires_at_ms = claims.issued_at_ms + ctx.limits.token_ttl_ms;
    const json out{{"token", ctx.signer.issue(claims)},
                   {"expires_at", claims.expires_at_ms},
                   {"event", event_json(*event)}};
    HttpResponse res = json_response(req, http::status::ok, out.dump());
    // onstage plays a public event's HLS without it; nginx or a CDN in front may check every
    // event alike (docs/operations.md).
    add_hls_cookie(ctx, res, event->id);
    co_return res;
}

}  // namespace onstage::api
