// Comparing a presented secret (the admin token) with the configured one without leaking, by
// timing, how much of it matched or how long it is. Safe from any thread.
#pragma once

#include <string_view>

namespace onstage::auth {

// True if `presented` equals `expected`. Both are hashed (BLAKE2b-256) first and the digests
// compared in constant time, so neither the content nor the length shows in the timing.
bool secrets_equal(std::string_view presented, std::string_view expected);

}  // namespace onstage::auth
