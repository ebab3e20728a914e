#include "importer/links.hpp"

namespace onstage::importer {

std::optional<std::string> normalize_base_url(std::string_view base_url) {
    std::string_view rest;
    if (base_url.starts_with("https://")) {
        rest = base_url.substr(8);
    } else if (base_url.starts_with("http://")) {
        rest = base_url.substr(7);
    } else {
        return std::nullopt;
    }
    if (rest.empty() || rest.front() == '/' || rest.find_first_of("?# \t\r\n\"<>\\") != rest.npos) {
        return std::nullopt;
    }
    while (base_url.ends_with('/')) {
        base_url.remove_suffix(1);
    }
    return std::string(base_url);
}

void append_access_url(std::string& out, std::string_view base, domain::Role role,
                       std::string_view event_id, std::string_view participant_id) {
    // Event ids are [a-z0-9-] and participant ids are UUIDs: nothing to percent-encode.
    out += base;
    out += '/';
    out += domain::to_string(role);
    out += "?e=";
    out += event_id;
    out += "&p=";
    out += participant_id;
}

std::string access_url(std::string_view base, domain::Role role, std::string_view event_id,
                       std::string_view participant_id) {
    std::string url;
    append_access_url(url, base, role, event_id, participant_id);
    return url;
}

std::string viewer_url(std::string_view base, std::string_view event_id) {
    return std::string(base) + "/watch?e=" + std::string(event_id);
}

std::string hls_url(std::string_view base, std::string_view event_id) {
    return std::string(base) + "/hls/" + std::string(event_id) + "/index.m3u8";
}

}  // namespace onstage::importer
