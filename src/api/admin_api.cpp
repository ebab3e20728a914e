#include "api/admin_api.hpp"

#include <vector>

#include "api/admin_handlers.hpp"
#include "auth/secret_compare.hpp"

namespace onstage::api {
namespace {

namespace http = boost::beast::http;

constexpr std::string_view kAdminPrefix = "/api/v1/admin";
constexpr std::size_t kMaxEventIdBytes = 128;

// Event ids are slugs (`town-hall-k3m9qz`); anything else cannot name one.
bool looks_like_event_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxEventIdBytes) {
        return false;
    }
    for (const char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::vector<std::string_view> segments_after(std::string_view path, std::string_view prefix) {
    std::vector<std::string_view> out;
    std::string_view rest = path.substr(prefix.size());
    while (!rest.empty()) {
        if (rest.front() == '/') {
            rest.remove_prefix(1);
            continue;
        }
        const auto slash = rest.find('/');
        out.push_back(rest.substr(0, slash));
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    }
    return out;
}

// nullopt when the caller may go on; else the refusal. Failures count against the client's
// address in the login throttle, so the admin token cannot be guessed faster than a key.
std::optional<HttpResponse> check_admin(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& client_address) {
    if (ctx.admin_token.empty()) {
        return error_response(req, http::status::not_found, "admin_disabled",
                              "The admin API is off: no admin token is configured.");
    }
    // Keyed by address on both sides: a shared "admin" key would let anyone lock the
    // organiser out by failing on purpose.
    const std::string address_key = "addr:" + client_address;
    const std::string admin_key = "admin:" + client_address;
    if (const auto wait = ctx.logins.retry_after(admin_key, address_key, now_ms())) {
        auto res = error_response(req, http::status::too_many_requests, "rate_limited",
                                  "Too many failed attempts; wait a moment and try again.");
        res.set(http::field::retry_after, std::to_string((*wait + 999) / 1000));
        return res;
    }
    const auto token = bearer_token(req);
    if (!token || !auth::secrets_equal(*token, ctx.admin_token)) {
        ctx.logins.failed(admin_key, address_key, now_ms());
        ctx.metrics.count_error("admin_unauthenticated");
        return error_response(req, http::status::unauthorized, "unauthenticated",
                              "Send Authorization: Bearer <admin token> from the server config.");
    }
    ctx.logins.succeeded(admin_key);
    return std::nullopt;
}

asio::awaitable<HttpResponse> route_rtmp_targets(ServerContext& ctx, const HttpRequest& req,
                                                 const std::string& event_id,
                                                 const std::string& target_id) {
    if (target_id.empty()) {
        if (req.method() == http::verb::post) {
            co_return co_await admin::add_rtmp_target(ctx, req, event_id);
        }
        if (!is_get(req)) {
            co_return method_not_allowed(req, "GET, HEAD, POST");
        }
        co_return co_await admin::list_rtmp_targets(ctx, req, event_id);
    }
    if (req.method() != http::verb::delete_) {
        co_return method_not_allowed(req, "DELETE");
    }
    co_return co_await admin::remove_rtmp_target(ctx, req, event_id, target_id);
}

// `sub` is the segment after the action (e.g. a target id), empty if there is none.
asio::awaitable<HttpResponse> route_event(ServerContext& ctx, const HttpRequest& req,
                                          const std::string& event_id, std::string_view action,
                                          std::string_view sub) {
    if (action == "broadcast") {
        co_return co_await admin::broadcast(ctx, req, event_id, sub);
    }
    if (action == "rtmp-targets") {
        const std::string target_id(sub);
        co_return co_await route_rtmp_targets(ctx, req, event_id, target_id);
    }
    if (!sub.empty()) {
        co_return error_response(req, http::status::not_found, "not_found", "No such resource.");
    }
    if (action == "rotate-keys") {
        if (req.method() != http::verb::post) {
            co_return method_not_allowed(req, "POST");
        }
        co_return co_await admin::rotate_keys(ctx, req, event_id);
    }
    if (action == "end") {
        if (req.method() != http::verb::post) {
            co_return method_not_allowed(req, "POST");
        }
        co_return co_await admin::end_event(ctx, req, event_id);
    }
    if (!action.empty() && action != "links" && action != "participants" && action != "audit") {
        co_return error_response(req, http::status::not_found, "not_found", "No such resource.");
    }
    if (!is_get(req)) {
        co_return method_not_allowed(req, "GET, HEAD");
    }
    if (action.empty()) {
        co_return co_await admin::event_detail(ctx, req, event_id);
    }
    if (action == "links") {
        co_return co_await admin::event_links(ctx, req, event_id);
    }
    if (action == "participants") {
        co_return co_await admin::participants(ctx, req, event_id);
    }
    co_return co_await admin::audit_log(ctx, req, event_id);
}

}  // namespace

bool is_admin_path(std::string_view path) {
    return path == kAdminPrefix || (path.size() > kAdminPrefix.size() &&
                                    path.substr(0, kAdminPrefix.size()) == kAdminPrefix &&
                                    path[kAdminPrefix.size()] == '/');
}

asio::awaitable<HttpResponse> handle_admin(ServerContext& ctx, const HttpRequest& req,
                                           std::string client_address) {
    if (auto refused = check_admin(ctx, req, client_address)) {
        co_return std::move(*refused);
    }
    const std::string_view target(req.target().data(), req.target().size());
    const auto parts = segments_after(target.substr(0, target.find('?')), kAdminPrefix);
    if (parts.empty() || parts[0] != "events" || parts.size() > 4) {
        co_return error_response(req, http::status::not_found, "not_found", "No such resource.");
    }
    if (parts.size() == 1) {
        if (req.method() == http::verb::post) {
            co_return co_await admin::create_event(ctx, req);
        }
        if (!is_get(req)) {
            co_return method_not_allowed(req, "GET, HEAD, POST");
        }
        co_return co_await admin::list_events(ctx, req);
    }
    if (!looks_like_event_id(parts[1])) {
        co_return error_response(req, http::status::bad_request, "bad_event_id",
                                 "Event ids are lower-case letters, digits and dashes.");
    }
    const std::string event_id(parts[1]);
    const std::string_view action = parts.size() >= 3 ? parts[2] : std::string_view();
    const std::string_view sub = parts.size() == 4 ? parts[3] : std::string_view();
    co_return co_await route_event(ctx, req, event_id, action, sub);
}

}  // namespace onstage::api
