// The one thread that talks to the database. SQLite connections must not be shared between
// threads and every call blocks, so all store access from the server goes through run(), which
// executes the call on this thread and resumes the caller's coroutine with the result. Calls
// run in the order they were made (one thread, FIFO), which is what keeps persisted state in
// the order the event strands decided it.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <thread>

#include "api/async.hpp"
#include "store/store.hpp"

namespace onstage::api {

class StoreWorker {
public:
    explicit StoreWorker(std::unique_ptr<store::Store> store);
    ~StoreWorker();  // finishes queued calls, then joins the thread
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    // `f(store)` on the store thread; co_await the result. Not a coroutine itself (see
    // run_on), so passing a lambda temporary is safe.
    template <typename F>
    auto run(F f) {
        store::Store* s = store_.get();
        return run_on(ioc_.get_executor(), [s, f = std::move(f)]() mutable { return f(*s); });
    }

    // Blocks the caller until everything queued so far has run (used when draining).
    void flush();

private:
    std::unique_ptr<store::Store> store_;
    asio::io_context ioc_{1};
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::thread thread_;
};

}  // namespace onstage::api
