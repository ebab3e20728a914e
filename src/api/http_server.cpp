#include "api/http_server.hpp"

// Boost 1.74's Asio coroutine headers use std::exchange without including <utility> (GCC 12).
#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>

#include "api/placeholder_page.hpp"

namespace onstage::api {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxHeaderBytes = std::size_t{8} * 1024;
constexpr std::uint64_t kMaxBodyBytes = std::uint64_t{64} * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);

http::response<http::string_body> make_response(const http::request<http::string_body>& req,
                                                http::status status, std::string_view content_type,
                                                std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, "onstage");
    res.set(http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
    res.set(http::field::cache_control, "no-store");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    if (req.method() == http::verb::head) {
        res.body().clear();  // Content-Length stays that of the GET response
    }
    return res;
}

http::response<http::string_body> route(const http::request<http::string_body>& req) {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
        auto res = make_response(req, http::status::method_not_allowed, "application/json",
                                 R"({"error":{"code":"method_not_allowed"}})");
        res.set(http::field::allow, "GET, HEAD");
        return res;
    }
    const std::string_view target(req.target().data(), req.target().size());
    const std::string_view path = target.substr(0, target.find('?'));
    if (path == "/healthz") {
        return make_response(req, http::status::ok, "application/json", R"({"status":"ok"})");
    }
    if (const auto page = placeholder_page(path)) {
        return make_response(req, http::status::ok, "text/html; charset=utf-8", *page);
    }
    return make_response(req, http::status::not_found, "application/json",
                         R"({"error":{"code":"not_found"}})");
}

asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    try {
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(kMaxHeaderBytes);
            parser.body_limit(kMaxBodyBytes);
            stream.expires_after(kIdleTimeout);
            co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
            const auto& req = parser.get();
            auto res = route(req);
            const bool keep_alive = res.keep_alive();
            co_await http::async_write(stream, res, asio::use_awaitable);
            if (!keep_alive) {
                break;
            }
        }
    } catch (const boost::system::system_error& e) {
        // Clients closing, timing out or sending garbage end their own session, nothing else.
        if (e.code() != http::error::end_of_stream && e.code() != beast::error::timeout) {
            spdlog::debug("http session ended: {}", e.code().message());
        }
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor) {
    for (;;) {
        try {
            tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
            asio::co_spawn(acceptor.get_executor(), session(std::move(socket)), asio::detached);
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::operation_aborted || !acceptor.is_open()) {
                co_return;
            }
            // e.g. EMFILE: keep serving the connections we have.
            spdlog::warn("accept failed: {}", e.code().message());
        }
    }
}

}  // namespace

int serve(const ServeOptions& options) {
    asio::io_context ioc{1};
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.bind_address, ec);
    if (ec) {
        spdlog::error("invalid bind address '{}': {}", options.bind_address, ec.message());
        return 2;
    }
    tcp::acceptor acceptor(ioc);
    const tcp::endpoint endpoint{address, options.port};
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        spdlog::error("cannot listen on {}:{}: {}", options.bind_address, options.port,
                      ec.message());
        return 1;
    }
    const auto bound = acceptor.local_endpoint();
    if (options.on_listening) {
        options.on_listening(bound.address().to_string(), bound.port());
    }

    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        spdlog::info("signal {} received: stopping", sig);
        // Nothing here holds state that needs flushing yet: plain HTTP responses are small and
        // synchronous. The realtime API will add a drain (close WebSockets with 1001) here.
        acceptor.close();
        ioc.stop();
    });
    asio::co_spawn(ioc, accept_loop(acceptor), asio::detached);
    ioc.run();
    spdlog::info("stopped");
    return 0;
}

}  // namespace onstage::api
