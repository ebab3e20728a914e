#include "auth/hls_cookie.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <charconv>
#include <stdexcept>

#include "auth/base64url.hpp"
#include "auth/random.hpp"

namespace onstage::auth {
namespace {

constexpr std::size_t kMd5Bytes = 16;
constexpr std::size_t kHashChars = 22;         // base64url of 16 bytes, no padding
constexpr std::size_t kMaxExpiresDigits = 18;  // far beyond any real expiry, no overflow

std::string hash_of(std::string_view secret, std::string_view event_id, std::int64_t expires_s) {
    std::string input = std::to_string(expires_s);
    input.append(hls_path(event_id)).append(" ").append(secret);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_md5(), nullptr) != 1 ||
        size != kMd5Bytes) {
        throw std::runtime_error("OpenSSL cannot compute MD5 (FIPS mode?)");
    }
    return base64url_encode(std::span<const std::uint8_t>(digest.data(), size));
}

Failure<HlsCookieError> refuse(const char* code) {
    return fail(HlsCookieError{code});
}

}  // namespace

std::string hls_path(std::string_view event_id) {
    std::string path = "/hls/";
    path.append(event_id).append("/");
    return path;
}

std::string hls_cookie_value(std::string_view secret, std::string_view event_id,
                             std::int64_t expires_s) {
    return hash_of(secret, event_id, expires_s) + "," + std::to_string(expires_s);
}

Result<Ok, HlsCookieError> check_hls_cookie(std::string_view secret, std::string_view event_id,
                                            std::string_view cookie_value, std::int64_t now_s) {
    if (cookie_value.empty()) {
        return refuse("hls_cookie_missing");
    }
    const auto comma = cookie_value.find(',');
    if (comma != kHashChars) {
        return refuse("hls_cookie_malformed");
    }
    const std::string_view hash = cookie_value.substr(0, comma);
    const std::string_view digits = cookie_value.substr(comma + 1);
    std::int64_t expires = 0;
    const char* end = digits.data() + digits.size();
    if (digits.empty() || digits.size() > kMaxExpiresDigits || digits.front() == '-' ||
        std::from_chars(digits.data(), end, expires).ptr != end) {
        return refuse("hls_cookie_malformed");
    }
    const std::string expected = hash_of(secret, event_id, expires);
    ensure_sodium();
    if (sodium_memcmp(expected.data(), hash.data(), kHashChars) != 0) {
        return refuse("hls_cookie_invalid");
    }
    if (expires < now_s) {
        return refuse("hls_cookie_expired");
    }
    return Ok{};
}

std::vector<std::string_view> hls_cookie_values(std::string_view header) {
    std::vector<std::string_view> out;
    while (!header.empty()) {
        const auto semi = header.find(';');
        std::string_view pair = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
        while (!pair.empty() && (pair.front() == ' ' || pair.front() == '\t')) {
            pair.remove_prefix(1);
        }
        while (!pair.empty() && (pair.back() == ' ' || pair.back() == '\t')) {
            pair.remove_suffix(1);
        }
        if (pair.size() > kHlsCookieName.size() && pair.starts_with(kHlsCookieName) &&
            pair[kHlsCookieName.size()] == '=') {
            std::string_view value = pair.substr(kHlsCookieName.size() + 1);
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
                value = value.substr(1, value.size() - 2);
            }
            out.push_back(value);
        }
    }
    return out;
}

std::string hls_set_cookie(std::string_view secret, std::string_view event_id, std::int64_t now_s,
                           std::int64_t lifetime_s, bool secure) {
    std::string out(kHlsCookieName);
    out.append("=")
        .append(hls_cookie_value(secret, event_id, now_s + lifetime_s))
        .append("; Path=")
        .append(hls_path(event_id))
        .append("; Max-Age=")
        .append(std::to_string(lifetime_s))
        .append("; HttpOnly; SameSite=Lax");
    if (secure) {
        out.append("; Secure");
    }
    return out;
}

}  // namespace onstage::auth
