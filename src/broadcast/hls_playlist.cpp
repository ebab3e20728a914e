#include "broadcast/hls_playlist.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <utility>

#include <unistd.h>

namespace onstage::broadcast {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

std::int64_t to_int(std::string_view s) {
    std::int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            break;
        }
        v = v * 10 + (c - '0');
    }
    return v;
}

std::string seconds(int ms) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d.%03d", ms / 1000, ms % 1000);
    return buf;
}

}  // namespace

ParsedPlaylist parse_playlist(std::string_view text) {
    ParsedPlaylist out;
    std::istringstream in{std::string(text)};
    std::string line;
    int duration_ms = 0;
    bool discontinuity = false;
    std::int64_t sequence = -1;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (starts_with(line, "#EXT-X-MEDIA-SEQUENCE:")) {
            out.media_sequence = to_int(std::string_view(line).substr(22));
        } else if (starts_with(line, "#EXT-X-DISCONTINUITY-SEQUENCE:")) {
            out.discontinuity_sequence = to_int(std::string_view(line).substr(30));
        } else if (line == "#EXT-X-DISCONTINUITY") {
            discontinuity = true;
        } else if (starts_with(line, "#EXTINF:")) {
            duration_ms =
                static_cast<int>(std::lround(std::strtod(line.c_str() + 8, nullptr) * 1000));
        } else if (!line.empty() && line.front() != '#') {
            sequence = sequence < 0 ? out.media_sequence : sequence + 1;
            out.segments.push_back(HlsSegment{sequence, line, duration_ms, discontinuity});
            duration_ms = 0;
            discontinuity = false;
        }
    }
    return out;
}

HlsPlaylist::HlsPlaylist(int segment_ms, int window)
    : segment_ms_(segment_ms), window_(static_cast<std::size_t>(std::max(1, window))) {}

void HlsPlaylist::resume_from(const ParsedPlaylist& previous) {
    listed_.assign(previous.segments.begin(), previous.segments.end());
    media_sequence_ = previous.media_sequence;
    discontinuity_sequence_ = previous.discontinuity_sequence;
    next_sequence_ = listed_.empty() ? previous.media_sequence : listed_.back().sequence + 1;
    if (listed_.empty()) {
        media_sequence_ = next_sequence_;
    }
    pending_discontinuity_ = true;
    ended_ = false;
}

std::vector<std::string> HlsPlaylist::add(std::string uri, int duration_ms) {
    if (listed_.empty()) {
        media_sequence_ = next_sequence_;
    }
    listed_.push_back(HlsSegment{next_sequence_++, std::move(uri), duration_ms,
                                 pending_discontinuity_ && !listed_.empty()});
    pending_discontinuity_ = false;
    while (listed_.size() > window_) {
        if (listed_.front().discontinuity) {
            ++discontinuity_sequence_;
        }
        retired_.push_back(listed_.front().uri);
        listed_.pop_front();
        media_sequence_ = listed_.front().sequence;
    }
    std::vector<std::string> deletable;
    while (retired_.size() > window_) {
        deletable.push_back(std::move(retired_.front()));
        retired_.pop_front();
    }
    return deletable;
}

std::string HlsPlaylist::render() const {
    int target_s = (segment_ms_ + 999) / 1000;
    for (const auto& s : listed_) {
        target_s = std::max(target_s, static_cast<int>(std::lround(s.duration_ms / 1000.0)));
    }
    std::string out = "#EXTM3U\n#EXT-X-VERSION:3\n";
    out += "#EXT-X-TARGETDURATION:" + std::to_string(target_s) + "\n";
    out += "#EXT-X-MEDIA-SEQUENCE:" + std::to_string(media_sequence_) + "\n";
    out += "#EXT-X-DISCONTINUITY-SEQUENCE:" + std::to_string(discontinuity_sequence_) + "\n";
    for (const auto& s : listed_) {
        if (s.discontinuity) {
            out += "#EXT-X-DISCONTINUITY\n";
        }
        out += "#EXTINF:" + seconds(s.duration_ms) + ",\n" + s.uri + "\n";
    }
    if (ended_) {
        out += "#EXT-X-ENDLIST\n";
    }
    return out;
}

bool write_file_atomically(const std::string& path, std::string_view text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        out.flush();
        if (!out) {
            return false;
        }
    }
    return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace onstage::broadcast
