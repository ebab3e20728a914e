// Every bound of the realtime hub, in one place (shared/STYLE.md practice 5). Plain constants.
#pragma once

#include <cstddef>

#include "domain/event.hpp"

namespace onstage::hub::limits {

// Events kept per participant stream for a reconnecting tab's `since=N`; a tab that missed more
// gets a snapshot instead.
inline constexpr std::size_t kResumeEvents = 256;
// A tab's send queue, counting the frame being written: past either bound the tab is closed as
// too slow rather than allowed to grow memory.
inline constexpr std::size_t kOutboxMaxFrames = 1024;
inline constexpr std::size_t kOutboxMaxBytes = std::size_t{1} << 20U;
// Moderators and talent receive every raise and status change of the whole audience: a burst
// of thousands of raises must not cut them off. They are few, so their queues may be larger.
inline constexpr std::size_t kStaffOutboxMaxFrames = 16384;
inline constexpr std::size_t kStaffOutboxMaxBytes = std::size_t{16} << 20U;
// A stream with no tab attached for this long is forgotten; its client gets a snapshot.
inline constexpr domain::TimeMs kIdleStreamTtlMs = domain::TimeMs{10} * 60 * 1000;

}  // namespace onstage::hub::limits
