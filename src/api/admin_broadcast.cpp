// The broadcast through the admin API (the console and `onstage broadcast`):
//   GET  /api/v1/admin/events/{id}/broadcast        → the staff view of docs/protocol.md
//   POST /api/v1/admin/events/{id}/broadcast/start  {"record": bool}? → 202 + view
//   POST /api/v1/admin/events/{id}/broadcast/stop   → 202 + view
// The event's runtime does the work, exactly as for a moderator's one-click start.
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "api/admin_handlers.hpp"

namespace onstage::api::admin {

namespace http = boost::beast::http;
using nlohmann::json;

namespace {

HttpResponse view_response(const HttpRequest& req, http::status status,
                           const protocol::BroadcastView& view) {
    // The `broadcast` event's members (one builder for both), sorted by name like every admin
    // API object; an ill-formed byte becomes U+FFFD, as in the event.
    const json body(protocol::broadcast_members(view, true));
    return json_response(req, status, body.dump(-1, ' ', false, json::error_handler_t::replace));
}

HttpResponse refusal(const HttpRequest& req, const BroadcastError& e) {
    http::status status = http::status::conflict;  // broadcast_busy, broadcast_not_live
    if (e.code == "media_unavailable") {
        status = http::status::service_unavailable;
    } else if (e.code == "event_ended") {
        status = http::status::gone;
    }
    return error_response(req, status, e.code, e.message);
}

}  // namespace

asio::awaitable<HttpResponse> broadcast(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id, std::string_view action) {
    if (!action.empty() && action != "start" && action != "stop") {
        co_return error_response(req, http::status::not_found, "not_found", "No such resource.");
    }
    if (action.empty() ? !is_get(req) : req.method() != http::verb::post) {
        co_return method_not_allowed(req, action.empty() ? "GET, HEAD" : "POST");
    }
    std::optional<bool> record;
    if (action == "start" && !req.body().empty()) {
        const json body = json::parse(req.body(), nullptr, false);
        const auto it = body.is_object() ? body.find("record") : body.end();
        if (body.is_discarded() || !body.is_object() || (it != body.end() && !it->is_boolean())) {
            co_return error_response(req, http::status::bad_request, "bad_field",
                                     "The body is {\"record\": true|false}, or empty.");
        }
        if (it != body.end()) {
            record = it->get<bool>();
        }
    }
    const std::shared_ptr<EventRuntime> runtime = co_await ctx.events.get(event_id);
    if (!runtime) {
        co_return unknown_event(req);
    }
    if (action.empty()) {
        const protocol::BroadcastView view = co_await runtime->broadcast_view();
        co_return view_response(req, http::status::ok, view);
    }
    // Each co_await's result named first: GCC 12 destroys class-type temporaries around a
    // co_await twice (PR 99576, see api/async.hpp).
    std::optional<Result<protocol::BroadcastView, BroadcastError>> done;
    if (action == "start") {
        auto started = co_await runtime->broadcast_start(record);
        done.emplace(std::move(started));
    } else {
        auto stopped = co_await runtime->broadcast_stop();
        done.emplace(std::move(stopped));
    }
    if (!*done) {
        co_return refusal(req, done->error());
    }
    co_return view_response(req, http::status::accepted, **done);
}

}  // namespace onstage::api::admin
