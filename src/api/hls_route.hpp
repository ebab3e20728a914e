// GET|HEAD /hls/<event>/<file>: the broadcast's playlist and segments from
// <data_dir>/hls/<event>/, read on the file pool (never on an I/O thread). Private events need
// the onstage_hls cookie (auth/hls_cookie.hpp), which login and /me hand out. Every playlist
// request is counted in ctx.hls_viewers.
#pragma once

#include <string>
#include <string_view>

#include "api/rest_api.hpp"

namespace onstage::api {

bool is_hls_path(std::string_view path);

// 200 with the file; 404 hls_not_found for a bad name, an unknown event or a missing file; 403
// hls_forbidden for a private event without a valid cookie.
asio::awaitable<HttpResponse> handle_hls(ServerContext& ctx, const HttpRequest& req,
                                         const std::string& client);

// Adds the Set-Cookie header that lets the browser play `event_id`'s HLS (nothing if the
// server has no HLS secret).
void add_hls_cookie(const ServerContext& ctx, HttpResponse& res, std::string_view event_id);

}  // namespace onstage::api
