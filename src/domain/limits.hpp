// Every size and time limit of the domain, in one place (shared/STYLE.md practice 5).
#pragma once

#include <cstddef>
#include <cstdint>

namespace onstage::domain::limits {

// A hand raise's question, counted in Unicode code points.
inline constexpr std::size_t kMaxQuestionChars = 500;
// An unanswered interview invite goes back to the shared list after this long (configurable
// by the server; this is the default).
inline constexpr std::int64_t kDefaultInviteTimeoutMs = 60'000;
// Participant names and event names, in bytes of UTF-8.
inline constexpr std::size_t kMaxNameBytes = 200;
// RTMP targets (rtmp_target.hpp): at most this many per event; a URL in bytes, a name in code
// points.
inline constexpr std::size_t kMaxRtmpTargets = 8;
inline constexpr std::size_t kMaxRtmpUrlBytes = 2048;
inline constexpr std::size_t kMaxRtmpNameChars = 100;

}  // namespace onstage::domain::limits
