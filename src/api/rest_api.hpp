// The REST part of /api/v1 (docs/openapi.yaml): login. Handlers are coroutines on the
// connection's strand; database work goes to the store thread and Argon2id to the crypto pool.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "api/server_context.hpp"

namespace onstage::api {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A JSON response with the usual headers.
HttpResponse json_response(const HttpRequest& req, boost::beast::http::status status,
                           std::string body);
// `{"error":{"code":…,"message":…}}` with `status`.
HttpResponse error_response(const HttpRequest& req, boost::beast::http::status status,
                            std::string_view code, std::string_view message);

// POST /api/v1/login {event_id, participant_id, access_key?} → {token, expires_at, participant,
// event}. Failed attempts are throttled per participant and per client address (429 with
// Retry-After); every failure looks the same to the caller (no hint which part was wrong).
asio::awaitable<HttpResponse> handle_login(ServerContext& ctx, const HttpRequest& req,
                                           std::string client_address);

}  // namespace onstage::api
