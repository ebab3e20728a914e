// The REST part of /api/v1 (docs/openapi.yaml): login, me, watch. Handlers are coroutines on the
// connection's strand; database work goes to the store thread and Argon2id to the crypto pool.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <optional>
#include <string_view>

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

// 410 event_ended: the event was ended (login, me, watch after the end).
HttpResponse event_ended(const HttpRequest& req);

// 405 method_not_allowed with an Allow header naming `allow` (e.g. "GET, HEAD").
HttpResponse method_not_allowed(const HttpRequest& req, std::string_view allow);
// GET or HEAD.
bool is_get(const HttpRequest& req);

// The token of an `Authorization: Bearer <token>` header; nullopt if there is none.
std::optional<std::string_view> bearer_token(const HttpRequest& req);

// POST /api/v1/login {event_id, participant_id, access_key?} → {token, expires_at, participant,
// event}. Failed attempts are throttled per participant and per client address (429 with
// Retry-After); every failure looks the same to the caller (no hint which part was wrong).
// A right link or key for an ended event gets 410 event_ended.
asio::awaitable<HttpResponse> handle_login(ServerContext& ctx, const HttpRequest& req,
                                           std::string client_address);

// GET /api/v1/me with a session or viewer token → {event, me, state, expires_at}: what an app
// needs to start. A token is checked as the WebSocket hello checks it (signature, expiry, the
// event exists, not revoked); 401 unauthenticated, 403 kicked, 410 event_ended. `state` is the
// WebSocket snapshot for participants and null for viewers (role "viewer").
asio::awaitable<HttpResponse> handle_me(ServerContext& ctx, const HttpRequest& req);

// POST /api/v1/watch {event_id} → {token, expires_at, event}: a watch-only viewer token, only
// for a public event. An unknown and a private event get the same 404 not_found, so the answer
// does not tell which events exist. An ended public event: 410 event_ended.
asio::awaitable<HttpResponse> handle_watch(ServerContext& ctx, const HttpRequest& req);

}  // namespace onstage::api
