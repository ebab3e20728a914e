// Which handler answers a plain HTTP request (not a WebSocket upgrade): the REST API, the
// health and metrics endpoints, the web apps' files.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/rest_api.hpp"

namespace onstage::api {

// The largest request body `target` may carry: the admin API, when enabled, takes roster uploads
// (ServerLimits::max_upload_bytes), everything else max_http_body_bytes. The transport sets its
// parser's body limit from this once the header is read.
std::size_t body_limit_for(const ServerContext& ctx, std::string_view target);

// `peer`: the TCP peer's address. Behind a trusted proxy (server.trusted_proxies) the handlers
// get the client's address from X-Forwarded-For instead (login rate limits, HLS viewers).
asio::awaitable<HttpResponse> route(ServerContext& ctx, const HttpRequest& req,
                                    const std::string& peer);

}  // namespace onstage::api
