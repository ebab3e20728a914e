// How `onstage serve` serves the broadcast's HLS output (api/hls_route.hpp): where the files are
// and the secret of private events' playback cookies (auth/hls_cookie.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace onstage::api {

struct HlsSettings {
    std::filesystem::path root;  // <data_dir>/hls: one directory per event
    std::string secret;          // empty: no cookies issued, private events' HLS always 403
    std::int64_t cookie_seconds = 43200;
    bool secure_cookie = false;  // set by serve() under TLS
};

}  // namespace onstage::api
