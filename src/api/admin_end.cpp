// POST /api/v1/admin/events/{id}/end: the producer ends the event. The live runtime does the
// work (store, audit, every tab revoked and closed with 4410, the event's rooms destroyed in the
// SFU); this route only answers with the event as GET /events/{id} shows it afterwards.
#include <spdlog/spdlog.h>

#include <exception>
#include <memory>
#include <string>

#include "api/admin_handlers.hpp"

namespace onstage::api::admin {

namespace http = boost::beast::http;

asio::awaitable<HttpResponse> end_event(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id) {
    const std::shared_ptr<EventRuntime> runtime = co_await ctx.events.get(event_id);
    if (!runtime) {
        co_return unknown_event(req);
    }
    // A named argument, not a temporary inside the co_await (GCC 12, see api/async.hpp).
    const std::string actor = "admin";
    bool saved = true;
    try {
        co_await runtime->end(actor);
    } catch (const std::exception& e) {
        spdlog::error("event={} ending it failed: {}", event_id, e.what());
        saved = false;
    }
    if (!saved) {
        co_return error_response(req, http::status::internal_server_error, "internal",
                                 "The end could not be saved; please try again.");
    }
    co_return co_await event_detail(ctx, req, event_id);
}

}  // namespace onstage::api::admin
