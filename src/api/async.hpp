// Small helpers for hopping between executors inside Asio coroutines.
#pragma once

// Boost 1.74's Asio coroutine headers use std::exchange without including <utility> (GCC 12).
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

#include <type_traits>

namespace onstage::api {

namespace asio = boost::asio;

// Runs `f()` on `ex` and completes on the awaiting coroutine's own executor with the result;
// an exception thrown by `f` is rethrown in the caller. Written as a plain asynchronous
// operation, not a coroutine: GCC 12 destroys class-type arguments of coroutine calls twice
// when they are temporaries (GCC PR 99576), and callers naturally pass lambdas.
// The result type must be default-constructible.
template <typename Executor, typename F>
auto run_on(const Executor& ex, F f) {
    using R = std::invoke_result_t<F>;
    return asio::async_initiate<const asio::use_awaitable_t<>&, void(std::exception_ptr, R)>(
        [ex](auto handler, F fn) {
            auto back = asio::get_associated_executor(handler);
            asio::post(ex, [handler = std::move(handler), fn = std::move(fn), back]() mutable {
                std::exception_ptr error;
                R result{};
                try {
                    result = fn();
                } catch (...) {
                    error = std::current_exception();
                }
                asio::post(back, [handler = std::move(handler), error,
                                  result = std::move(result)]() mutable {
                    handler(error, std::move(result));
                });
            });
        },
        asio::use_awaitable, std::move(f));
}

}  // namespace onstage::api
