// Read-only views of a live event for the REST API (GET /api/v1/me). Kept apart from
// event_runtime.cpp, which holds the command path.
#include "api/event_runtime.hpp"

namespace onstage::api {

asio::awaitable<std::string> EventRuntime::snapshot(Identity who) {
    auto self = shared_from_this();
    // The stage is only read on its strand; a named lambda, not a temporary in the co_await
    // (GCC 12, see api/async.hpp).
    auto read = [self, who = std::move(who)] { return self->snapshot_for(who); };
    co_return co_await run_on(strand_, std::move(read));
}

}  // namespace onstage::api
