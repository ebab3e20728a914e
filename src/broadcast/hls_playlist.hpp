// The HLS media playlist the compositor worker maintains (index.m3u8): a rolling window of
// segments, TARGETDURATION = ceil(segment length), DISCONTINUITY when a restarted worker resumes
// an existing playlist, ENDLIST on stop. Written atomically (temp file + rename). Segments that
// leave the window are deleted once they are a whole window older (RFC 8216 §6.2.2: a client
// that just loaded the playlist may still fetch them). Used on the worker's main thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::broadcast {

struct HlsSegment {
    std::int64_t sequence = 0;
    std::string uri;
    int duration_ms = 0;
    bool discontinuity = false;  // #EXT-X-DISCONTINUITY before this segment
    bool operator==(const HlsSegment&) const = default;
};

// What a previous worker left in index.m3u8 (for resume).
struct ParsedPlaylist {
    std::int64_t media_sequence = 0;
    std::int64_t discontinuity_sequence = 0;
    std::vector<HlsSegment> segments;
};

ParsedPlaylist parse_playlist(std::string_view text);

class HlsPlaylist {
public:
    HlsPlaylist(int segment_ms, int window);

    // Continue after what a previous worker wrote: its segments stay listed, the next one is
    // marked as a discontinuity and numbered after the last.
    void resume_from(const ParsedPlaylist& previous);

    std::int64_t next_sequence() const { return next_sequence_; }

    // Lists a finished segment numbered next_sequence(); returns the files that may now be
    // deleted (left the window a whole window ago).
    std::vector<std::string> add(std::string uri, int duration_ms);
    void finish() { ended_ = true; }

    std::string render() const;

private:
    int segment_ms_;
    std::size_t window_;
    std::deque<HlsSegment> listed_;
    std::deque<std::string> retired_;  // out of the window, not yet deleted
    std::int64_t media_sequence_ = 0;
    std::int64_t discontinuity_sequence_ = 0;
    std::int64_t next_sequence_ = 0;
    bool pending_discontinuity_ = false;
    bool ended_ = false;
};

// Writes `text` to `path` via a temp file in the same directory and rename(2); false on error.
bool write_file_atomically(const std::string& path, std::string_view text);

}  // namespace onstage::broadcast
