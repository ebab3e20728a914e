#include "domain/rtmp_target.hpp"

#include <cstdint>

#include "domain/limits.hpp"

namespace onstage::domain {
namespace {

struct UrlParts {
    std::string_view scheme;     // "rtmp" or "rtmps"
    std::string_view authority;  // host[:port], user info removed
    std::string_view path;       // "/app/…/key", without the query
};

bool is_printable_ascii(char c) {
    const auto b = static_cast<unsigned char>(c);
    return b > 0x20 && b < 0x7f;
}

bool is_host_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::optional<std::string> port_problem(std::string_view port) {
    if (port.empty() || port.size() > 5) {
        return "The port must be a number from 1 to 65535.";
    }
    std::uint32_t value = 0;
    for (const char c : port) {
        if (!is_digit(c)) {
            return "The port must be a number from 1 to 65535.";
        }
        value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) {
        return "The port must be a number from 1 to 65535.";
    }
    return std::nullopt;
}

std::optional<std::string> authority_problem(std::string_view authority) {
    std::string_view host = authority;
    std::string_view port;
    bool has_port = false;
    if (!host.empty() && host.front() == '[') {
        const auto close = host.find(']');
        if (close == std::string_view::npos || close == 1) {
            return "The URL's IPv6 host is not closed with ']'.";
        }
        for (const char c : host.substr(1, close - 1)) {
            const bool hex = is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex && c != ':' && c != '.') {
                return "The URL's IPv6 host has a character that is not hex, ':' or '.'.";
            }
        }
        const std::string_view rest = host.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return "Only ':port' may follow the URL's IPv6 host.";
            }
            has_port = true;
            port = rest.substr(1);
        }
    } else {
        const auto colon = host.rfind(':');
        if (colon != std::string_view::npos) {
            has_port = true;
            port = host.substr(colon + 1);
            host = host.substr(0, colon);
        }
        if (host.empty()) {
            return "The URL has no host.";
        }
        for (const char c : host) {
            if (!is_host_name_char(c)) {
                return "The URL's host may only have letters, digits, '-', '_' and '.'.";
            }
        }
    }
    if (has_port) {
        return port_problem(port);
    }
    return std::nullopt;
}

// Splits without judging the parts; nullopt if there is no "scheme://".
std::optional<UrlParts> split(std::string_view url) {
    UrlParts parts;
    const auto sep = url.find("://");
    if (sep == std::string_view::npos) {
        return std::nullopt;
    }
    parts.scheme = url.substr(0, sep);
    std::string_view rest = url.substr(sep + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        authority.remove_prefix(at + 1);
    }
    parts.authority = authority;
    parts.path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    return parts;
}

// Non-empty segments of the path, counted; whether the last one is non-empty.
struct PathShape {
    std::size_t segments = 0;
    bool ends_with_segment = false;
};

PathShape shape_of(std::string_view path) {
    PathShape shape;
    std::size_t start = 0;
    while (start < path.size()) {
        auto end = path.find('/', start);
        if (end == std::string_view::npos) {
            end = path.size();
        }
        if (end > start) {
            ++shape.segments;
        }
        start = end + 1;
    }
    shape.ends_with_segment = !path.empty() && path.back() != '/';
    return shape;
}

}  // namespace

std::optional<std::string> rtmp_url_problem(std::string_view url) {
    if (url.empty()) {
        return "The URL is empty.";
    }
    if (url.size() > limits::kMaxRtmpUrlBytes) {
        return "The URL is longer than " + std::to_string(limits::kMaxRtmpUrlBytes) + " bytes.";
    }
    for (const char c : url) {
        if (!is_printable_ascii(c)) {
            return "The URL may not contain white space, control or non-ASCII characters.";
        }
    }
    const auto parts = split(url);
    if (!parts || (parts->scheme != "rtmp" && parts->scheme != "rtmps")) {
        return "The URL must start with rtmp:// or rtmps://.";
    }
    if (auto problem = authority_problem(parts->authority)) {
        return problem;
    }
    const PathShape shape = shape_of(parts->path);
    if (shape.segments < 2 || !shape.ends_with_segment) {
        return "The URL needs a path with the application and the stream key, as in "
               "rtmp://host/app/stream-key.";
    }
    return std::nullopt;
}

std::string redact_rtmp_url(std::string_view url) {
    if (rtmp_url_problem(url)) {
        return "…";
    }
    const auto parts = split(url);
    const std::string_view path = parts->path.substr(0, parts->path.rfind('/') + 1);
    std::string out;
    out.reserve(parts->scheme.size() + 3 + parts->authority.size() + path.size() + 3);
    out.append(parts->scheme).append("://").append(parts->authority).append(path).append("…");
    return out;
}

std::optional<std::string> rtmp_name_problem(std::string_view name) {
    std::size_t chars = 0;
    bool only_space = true;
    std::size_t continuation = 0;  // continuation bytes still expected
    for (const char c : name) {
        const auto b = static_cast<unsigned char>(c);
        if (continuation > 0) {
            if ((b & 0xC0U) != 0x80U) {
                return "The name is not valid UTF-8 text.";
            }
            --continuation;
            continue;
        }
        ++chars;
        if (b < 0x80U) {
            if (b < 0x20U || b == 0x7fU) {
                return "The name may not contain control characters.";
            }
            if (b != ' ') {
                only_space = false;
            }
            continue;
        }
        only_space = false;
        if ((b & 0xE0U) == 0xC0U && b >= 0xC2U) {
            continuation = 1;
        } else if ((b & 0xF0U) == 0xE0U) {
            continuation = 2;
        } else if ((b & 0xF8U) == 0xF0U && b <= 0xF4U) {
            continuation = 3;
        } else {
            return "The name is not valid UTF-8 text.";
        }
    }
    if (continuation > 0) {
        return "The name is not valid UTF-8 text.";
    }
    if (chars == 0 || only_space) {
        return "The name is empty.";
    }
    if (chars > limits::kMaxRtmpNameChars) {
        return "The name is longer than " + std::to_string(limits::kMaxRtmpNameChars) +
               " characters.";
    }
    return std::nullopt;
}

}  // namespace onstage::domain
