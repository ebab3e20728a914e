// The secret behind private events' HLS playback cookies (auth/hls_cookie.hpp): from
// broadcast.hls_secret_file, or <data_dir>/hls.secret, created on the first serve. An operator
// copies it into nginx's secure_link_md5 (docs/operations.md), so it is plain text: it must not
// need quoting there.
#pragma once

#include <filesystem>
#include <string>

#include "api/http_server.hpp"
#include "app/config.hpp"
#include "domain/result.hpp"

namespace onstage::app {

struct HlsSecretError {
    std::string code;  // hls_secret_unreadable, hls_secret_invalid
    std::string message;
};

// `configured` set: reads that file (never creates it). Else reads <data_dir>/hls.secret, or
// creates it (mode 0600) with 64 hex characters of 32 random bytes. The data dir must exist.
// A trailing newline is ignored; the rest must be 32..256 characters of [A-Za-z0-9_-].
Result<std::string, HlsSecretError> load_or_create_hls_secret(
    const std::filesystem::path& data_dir, const std::filesystem::path& configured);

// Fills serve.hls (files under <data_dir>/hls, the secret, the cookie lifetime) for `onstage
// serve` and `onstage demo`, after the data dir exists. Returns 0, or the exit status after one
// error line on stderr.
int configure_hls(const std::filesystem::path& data_dir, const BroadcastSettings& broadcast,
                  api::ServeOptions& serve);

}  // namespace onstage::app
