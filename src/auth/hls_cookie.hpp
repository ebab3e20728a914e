// The private-event playback cookie `onstage_hls=<hash>,<expires>`: what nginx's secure_link
// module checks, so segments can be served by nginx or a CDN as well as by onstage itself.
//   hash = base64url-no-padding(MD5("<expires>/hls/<event>/ <secret>")), expires = unix seconds.
// MD5 is what secure_link speaks; the secret keeps it unforgeable, the expiry short-lived.
// Pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace onstage::auth {

inline constexpr std::string_view kHlsCookieName = "onstage_hls";

// The path the cookie is scoped to, and the prefix of every HLS URL of the event.
std::string hls_path(std::string_view event_id);

// "<hash>,<expires>".
std::string hls_cookie_value(std::string_view secret, std::string_view event_id,
                             std::int64_t expires_s);

// Why a cookie is refused: hls_cookie_missing, hls_cookie_malformed, hls_cookie_expired,
// hls_cookie_invalid (wrong hash: another event, another secret, or tampered).
struct HlsCookieError {
    std::string code;
};

// Checks a cookie value for `event_id` at `now_s`; the hash is compared in constant time. An
// empty value is hls_cookie_missing. Valid up to and including second `expires` (as nginx).
Result<Ok, HlsCookieError> check_hls_cookie(std::string_view secret, std::string_view event_id,
                                            std::string_view cookie_value, std::int64_t now_s);

// The values of every `onstage_hls` cookie in a Cookie header, in order (a browser may send more
// than one when paths overlap); empty if there is none.
std::vector<std::string_view> hls_cookie_values(std::string_view cookie_header);

// The Set-Cookie header value that gives a browser the cookie for `event_id`, valid for
// `lifetime_s` from `now_s`: Path=/hls/<event>/; Max-Age; HttpOnly; SameSite=Lax; Secure under
// TLS.
std::string hls_set_cookie(std::string_view secret, std::string_view event_id, std::int64_t now_s,
                           std::int64_t lifetime_s, bool secure);

}  // namespace onstage::auth
