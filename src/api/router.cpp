#include "api/router.hpp"

#include <string>
#include <vector>

#include "api/admin_api.hpp"
#include "api/async.hpp"
#include "api/hls_route.hpp"
#include "api/placeholder_page.hpp"

namespace onstage::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

HttpResponse text_response(const HttpRequest& req, http::status status,
                           std::string_view content_type, std::string body) {
    HttpResponse res = json_response(req, status, std::move(body));
    res.set(http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
    return res;
}

std::string render_hls_viewers(const HlsViewers& viewers) {
    std::string out =
        "# HELP onstage_hls_viewers Distinct HLS players that fetched a playlist in the last "
        "15 s.\n# TYPE onstage_hls_viewers gauge\n";
    for (const auto& [event_id, count] : viewers.all(now_ms())) {
        out.append("onstage_hls_viewers{event=\"")
            .append(event_id)
            .append("\"} ")
            .append(std::to_string(count))
            .append("\n");
    }
    return out;
}

// The client's address: the peer's, or behind a trusted proxy the one it forwarded.
std::string client_of(const ServerContext& ctx, const HttpRequest& req, const std::string& peer) {
    if (ctx.trusted_proxies.empty()) {
        return peer;
    }
    std::vector<std::string_view> forwarded;
    const auto [first, last] = req.equal_range("X-Forwarded-For");
    for (auto field = first; field != last; ++field) {
        forwarded.emplace_back(field->value().data(), field->value().size());
    }
    return ctx.trusted_proxies.client_of(peer, forwarded);
}

}  // namespace

std::size_t body_limit_for(const ServerContext& ctx, std::string_view target) {
    const bool upload = !ctx.admin_token.empty() && is_admin_path(path_of(target));
    return upload ? ctx.limits.max_upload_bytes : ctx.limits.max_http_body_bytes;
}

asio::awaitable<HttpResponse> route(ServerContext& ctx, const HttpRequest& req,
                                    const std::string& peer) {
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = path_of(target);
    const std::string client = client_of(ctx, req, peer);
    if (path == "/api/v1/login") {
        if (req.method() != http::verb::post) {
            co_return method_not_allowed(req, "POST");
        }
        co_return co_await handle_login(ctx, req, client);
    }
    if (path == "/api/v1/watch") {
        if (req.method() != http::verb::post) {
            co_return method_not_allowed(req, "POST");
        }
        co_return co_await handle_watch(ctx, req);
    }
    if (path == "/api/v1/me") {
        if (!is_get(req)) {
            co_return method_not_allowed(req, "GET, HEAD");
        }
        co_return co_await handle_me(ctx, req);
    }
    if (is_admin_path(path)) {
        co_return co_await handle_admin(ctx, req, client);
    }
    if (!is_get(req)) {
        co_return method_not_allowed(req, "GET, HEAD");
    }
    if (is_hls_path(path)) {
        co_return co_await handle_hls(ctx, req, client);
    }
    if (path == "/healthz") {
        co_return json_response(req, http::status::ok, R"({"status":"ok"})");
    }
    if (path == "/readyz") {
        if (ctx.draining) {
            co_return error_response(req, http::status::service_unavailable, "draining",
                                     "The server is shutting down.");
        }
        co_return json_response(req, http::status::ok, R"({"status":"ready"})");
    }
    if (path == "/metrics") {
        co_return text_response(req, http::status::ok, "text/plain; version=0.0.4",
                                ctx.metrics.render() + render_hls_viewers(ctx.hls_viewers));
    }
    if (const StaticFile* file = ctx.web.find(path)) {
        HttpResponse res = text_response(req, http::status::ok, file->content_type, file->body);
        res.set(http::field::cache_control,
                file->immutable ? "public, max-age=31536000, immutable" : "no-cache");
        co_return res;
    }
    if (const auto page = placeholder_page(path)) {
        co_return text_response(req, http::status::ok, "text/html; charset=utf-8", *page);
    }
    co_return error_response(req, http::status::not_found, "not_found", "No such resource.");
}

}  // namespace onstage::api
