// An RTMP(S) destination a producer adds to an event (YouTube, Twitch, …): the broadcast pushes
// the program to every target of its event. The URL carries the stream key, a secret: it is
// stored and handed to the compositor, but shown to people only redacted. Pure data and pure
// checks, no I/O; safe to use from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "domain/event.hpp"

namespace onstage::domain {

struct RtmpTarget {
    std::string id;  // short random id (chosen outside the domain, from a CSPRNG)
    std::string event_id;
    std::string name;  // as the producer typed it, e.g. "YouTube"
    std::string url;   // rtmp://host[:port]/app/…/stream-key — secret, never logged whole
    TimeMs created_at_ms = 0;
    std::int64_t position = 0;  // order of adding within the event (0-based, never reused)
    bool operator==(const RtmpTarget&) const = default;
};

// nullopt if `url` is an acceptable target URL, else one sentence saying what is wrong (it never
// repeats the URL). Acceptable: at most limits::kMaxRtmpUrlBytes bytes of printable ASCII (no
// white space or control characters), scheme rtmp:// or rtmps://, a host (name, IPv4 or
// [IPv6]) with an optional port 1–65535, then a path of at least two non-empty segments: the
// application (e.g. "live2") and the stream key. A query may follow the key.
std::optional<std::string> rtmp_url_problem(std::string_view url);

// The URL without its secret part, for people and logs: scheme://host[:port]/app/ + "…", i.e.
// everything up to the last path segment (the stream key) and without any query or user info.
// For a URL that rtmp_url_problem refuses, "…" alone.
std::string redact_rtmp_url(std::string_view url);

// nullopt if `name` is an acceptable target name: valid UTF-8, 1 to limits::kMaxRtmpNameChars
// code points, no control characters, not only white space. Else one sentence.
std::optional<std::string> rtmp_name_problem(std::string_view name);

}  // namespace onstage::domain
