// The admin API, /api/v1/admin/… (docs/openapi.yaml): what the console app drives. Every route
// needs `Authorization: Bearer <admin token>` (the token from the server's configuration,
// compared in constant time). No token configured: every route answers 404 admin_disabled.
// A wrong token: 401 unauthenticated, and failures are throttled per client address like
// logins. Handlers are coroutines on the connection's strand; store work runs on the store
// thread, CSV parsing and Argon2id hashing on the crypto pool.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/rest_api.hpp"

namespace onstage::api {

// True for /api/v1/admin and everything below it.
bool is_admin_path(std::string_view path);

asio::awaitable<HttpResponse> handle_admin(ServerContext& ctx, const HttpRequest& req,
                                           std::string client_address);

}  // namespace onstage::api
