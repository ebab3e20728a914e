#include "api/query_string.hpp"

#include <charconv>
#include <cstdint>

namespace onstage::api {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

std::optional<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '+') {
            out += ' ';
        } else if (text[i] == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int hi = hex_value(text[i + 1]);
            const int lo = hex_value(text[i + 2]);
            if (hi < 0 || lo < 0) {
                return std::nullopt;
            }
            out += static_cast<char>((hi << 4) | lo);
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

// The undecoded value of the first `name=` parameter; nullopt if absent.
std::optional<std::string_view> raw_param(std::string_view target, std::string_view name) {
    const auto question = target.find('?');
    if (question == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view rest = target.substr(question + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
        const auto eq = pair.find('=');
        const std::string_view key = pair.substr(0, eq);
        if (key == name) {
            return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        }
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
    const auto raw = raw_param(target, name);
    if (!raw) {
        return std::nullopt;
    }
    return percent_decode(*raw);
}

std::optional<std::int64_t> query_int(std::string_view target, std::string_view name,
                                      std::int64_t fallback, std::int64_t min, std::int64_t max) {
    if (!raw_param(target, name)) {
        return fallback;
    }
    const auto text = query_param(target, name);
    if (!text) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    const char* end = text->data() + text->size();
    const auto [ptr, ec] = std::from_chars(text->data(), end, value);
    if (ec != std::errc() || ptr != end || text->empty() || value < min || value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace onstage::api
