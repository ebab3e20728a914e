// Which handler answers a plain HTTP request (not a WebSocket upgrade): the REST API, the
// health and metrics endpoints, the web apps' files.
#pragma once

#include <string>

#include "api/rest_api.hpp"

namespace onstage::api {

asio::awaitable<HttpResponse> route(ServerContext& ctx, const HttpRequest& req,
                                    const std::string& client);

}  // namespace onstage::api
