#include "api/http_server.hpp"

#include "api/async.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <thread>
#include <type_traits>

#include "api/log_fields.hpp"
#include "api/rest_api.hpp"
#include "api/router.hpp"
#include "api/server_context.hpp"
#include "api/tls_context.hpp"
#include "api/ws_session.hpp"
#include "auth/signing_keyring.hpp"

namespace onstage::api {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxHeaderBytes = std::size_t{8} * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);
constexpr auto kDrainTimeout = std::chrono::seconds(5);
constexpr auto kTlsHandshakeTimeout = std::chrono::seconds(10);
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(2);

// The event id from `?e=` of /api/v1/live (ids are [a-z0-9-]: no decoding needed).
std::string event_param(std::string_view target) {
    const auto q = target.find('?');
    if (q == std::string_view::npos) {
        return {};
    }
    std::string_view query = target.substr(q + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        if (pair.starts_with("e=")) {
            return std::string(pair.substr(2));
        }
        query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    }
    return {};
}

// Ends a connection that did not become a WebSocket: TLS says close_notify (bounded, as the
// peer may never answer), plain TCP half-closes so the client reads everything sent.
template <typename Stream>
asio::awaitable<void> finish(Stream& stream) {
    beast::error_code ec;
    if constexpr (std::is_same_v<Stream, TlsStream>) {
        beast::get_lowest_layer(stream).expires_after(kTlsShutdownTimeout);
        co_await stream.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
        beast::get_lowest_layer(stream).close();
    } else {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    co_return;
}

// HTTP/1.1 requests on one connection, the same over TCP and TLS, until the client leaves,
// keep-alive ends or the connection becomes a WebSocket (which then owns `stream`).
template <typename Stream>
asio::awaitable<void> serve_requests(ServerContext& ctx, Stream& stream, const LogFields& log) {
    beast::flat_buffer buffer;
    try {
        for (;;) {
            http::request_parser<http::string_body> parser;
            parser.header_limit(kMaxHeaderBytes);
            beast::get_lowest_layer(stream).expires_after(kIdleTimeout);
            // The header first: how large a body may be depends on where it goes.
            co_await http::async_read_header(stream, buffer, parser, asio::use_awaitable);
            const auto head_target = parser.get().target();
            const std::size_t limit =
                body_limit_for(ctx, std::string_view(head_target.data(), head_target.size()));
            if (parser.content_length().value_or(0) > limit) {
                // Beast checks Content-Length against the limit only while parsing the header.
                // A named response, not a temporary inside co_await (GCC 12, see async.hpp).
                HttpResponse too_large =
                    error_response(parser.get(), http::status::payload_too_large, "body_too_large",
                                   "The request body is too large.");
                co_await http::async_write(stream, too_large, asio::use_awaitable);
                break;
            }
            parser.body_limit(limit);  // chunked bodies are checked as they arrive
            co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
            HttpRequest req = parser.release();
            if (beast::websocket::is_upgrade(req)) {
                const std::string_view target(req.target().data(), req.target().size());
                if (target.substr(0, target.find('?')) != "/api/v1/live") {
                    HttpResponse not_found =
                        error_response(req, http::status::not_found, "not_found",
                                       "WebSockets live at /api/v1/live.");
                    co_await http::async_write(stream, not_found, asio::use_awaitable);
                    break;
                }
                auto session = std::make_shared<WsConnection<Stream>>(std::move(stream), ctx,
                                                                      event_param(target), log);
                // This coroutine frame lives as long as the socket: give the request buffer back.
                buffer.clear();
                buffer.shrink_to_fit();
                co_await session->run(std::move(req));
                co_return;
            }
            HttpResponse res = co_await route(ctx, req, log.client);
            if (req.method() == http::verb::head) {
                res.body().clear();
            }
            const bool keep_alive = res.keep_alive() && !ctx.draining;
            res.keep_alive(keep_alive);
            co_await http::async_write(stream, res, asio::use_awaitable);
            if (!keep_alive) {
                break;
            }
        }
    } catch (const boost::system::system_error& e) {
        // Clients closing, timing out or sending garbage end their own session, nothing else.
        if (e.code() != http::error::end_of_stream && e.code() != beast::error::timeout) {
            log_with(spdlog::level::debug, log, "http connection failed",
                     {{"error", e.code().message()}});
        }
    }
    co_await finish(stream);
    log_with(spdlog::level::debug, log, "connection closed");
}

// `tls` is null when the port speaks plain HTTP.
asio::awaitable<void> http_session(ServerContext& ctx, tcp::socket socket, ssl::context* tls) {
    beast::error_code ec;
    const auto remote = socket.remote_endpoint(ec);
    LogFields log;
    log.conn = next_connection_id();
    log.client = ec ? "unknown" : remote.address().to_string();
    log_with(spdlog::level::debug, log, "connection opened");
    beast::tcp_stream tcp_stream(std::move(socket));
    if (tls == nullptr) {
        co_await serve_requests(ctx, tcp_stream, log);
        co_return;
    }
    TlsStream stream(std::move(tcp_stream), *tls);
    beast::get_lowest_layer(stream).expires_after(kTlsHandshakeTimeout);
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        // Plain HTTP, a scanner or an old client: nothing to answer in TLS, so just close.
        log_with(spdlog::level::debug, log, "tls handshake failed", {{"error", ec.message()}});
        co_return;
    }
    co_await serve_requests(ctx, stream, log);
}

asio::awaitable<void> accept_loop(ServerContext& ctx, tcp::acceptor& acceptor, ssl::context* tls) {
    for (;;) {
        try {
            // Each connection gets its own strand: its handlers never run concurrently.
            tcp::socket socket =
                co_await acceptor.async_accept(asio::make_strand(ctx.ioc), asio::use_awaitable);
            const auto ex = socket.get_executor();
            asio::co_spawn(ex, http_session(ctx, std::move(socket), tls), asio::detached);
        } catch (const boost::system::system_error& e) {
            if (e.code() == asio::error::operation_aborted || !acceptor.is_open()) {
                co_return;
            }
            spdlog::warn("accept failed: {}", e.code().message());  // e.g. EMFILE: keep going
        }
    }
}

bool open_acceptor(tcp::acceptor& acceptor, const ServeOptions& options) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(options.bind_address, ec);
    if (ec) {
        spdlog::error("invalid bind address '{}': {}", options.bind_address, ec.message());
        return false;
    }
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
        return false;
    }
    return true;
}

// Stops accepting, asks every WebSocket to close with 1001 (going away: clients reconnect,
// possibly to another node), waits for them up to kDrainTimeout, then stops the I/O threads.
asio::awaitable<void> drain(ServerContext& ctx, tcp::acceptor& acceptor) {
    ctx.draining = true;
    boost::system::error_code ec;
    acceptor.close(ec);
    {
        // Scoped: these references must not keep the sessions alive while the drain waits.
        const auto sessions = ctx.sessions.all();
        log_with(spdlog::level::info, {}, "draining: closing websockets",
                 {{"websockets", std::to_string(sessions.size())}});
        for (const auto& session : sessions) {
            session->shut_down(protocol::kCloseGoingAway, "server shutting down");
        }
    }
    asio::steady_timer tick(ctx.ioc);
    const auto deadline = std::chrono::steady_clock::now() + kDrainTimeout;
    while (!ctx.sessions.all().empty() && std::chrono::steady_clock::now() < deadline) {
        tick.expires_after(std::chrono::milliseconds(20));
        co_await tick.async_wait(asio::use_awaitable);
    }
    log_with(spdlog::level::info, {}, "drained",
             {{"websockets_left", std::to_string(ctx.sessions.all().size())}});
    ctx.ioc.stop();
}

// `onstage demo`: the demo event broadcasts from the start, so its attendees see the program.
asio::awaitable<void> start_broadcast(EventRegistry& events, std::string event_id) {
    const std::shared_ptr<EventRuntime> runtime = co_await events.get(event_id);
    if (!runtime) {
        co_return;
    }
    const std::optional<bool> record;
    auto started = co_await runtime->broadcast_start(record);
    if (!started) {
        spdlog::warn("event={} the demo broadcast did not start: {} ({})", event_id,
                     started.error().message, started.error().code);
    }
}

}  // namespace

int serve(const ServeOptions& options, std::unique_ptr<store::Store> store) {
    // Before anything else, and outliving every connection (declared before the io_context).
    std::unique_ptr<ssl::context> tls;
    if (options.tls.enabled()) {
        auto made = make_tls_context(options.tls.cert, options.tls.key);
        if (!made) {
            spdlog::error("{} [{}]", made.error().message, made.error().code);
            return 1;
        }
        tls = std::move(made).value();
    }
    const auto keys = auth::load_or_create_signing_keys(*store, now_ms());
    const auth::TokenSigner signer(keys);
    const int threads = options.io_threads > 0
                            ? options.io_threads
                            : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    // Declared before the io_context: sessions still queued in it when it is destroyed report
    // to these on their way out.
    Metrics metrics;
    SessionSet sessions;
    asio::io_context ioc{threads};
    StoreWorker store_worker(std::move(store));
    asio::thread_pool crypto(1);
    const ServerLimits& limits = options.limits;
    // Before the registry: runtimes ask it for their viewer count until they are destroyed.
    HlsViewers hls_viewers;
    auto viewers_of = [&hls_viewers](const std::string& event_id) {
        return hls_viewers.viewers(event_id, now_ms());
    };
    EventRegistry events(
        ioc, store_worker, metrics, limits.invite_timeout_ms,
        MediaSettings{options.sfu, options.ice_servers_json, options.broadcast, viewers_of});
    LoginThrottle logins;
    const StaticFiles web(options.web_root);
    if (web.empty()) {
        spdlog::warn("no web apps at '{}': serving placeholder pages", options.web_root.string());
    }
    HlsSettings hls = options.hls;
    hls.secure_cookie = options.tls.enabled();
    asio::thread_pool files(2);
    auto proxies = TrustedProxies::parse(options.trusted_proxies);
    if (!proxies) {
        spdlog::error("server.trusted_proxies: not a list of IP addresses");
        return 1;
    }
    ServerContext ctx{ioc,
                      store_worker,
                      signer,
                      events,
                      logins,
                      crypto,
                      metrics,
                      sessions,
                      web,
                      hls,
                      hls_viewers,
                      files,
                      limits,
                      options.admin_token,
                      std::move(*proxies)};

    tcp::acceptor acceptor(ioc);
    if (!open_acceptor(acceptor, options)) {
        return 1;
    }
    const auto bound = acceptor.local_endpoint();
    spdlog::info("listening on {}://{}:{}", tls ? "https" : "http", bound.address().to_string(),
                 bound.port());
    // Catch SIGTERM before announcing the port: whoever reads the announcement may stop us at
    // once (the default action would kill the process, and with it the Janus child).
    asio::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int sig) {
        spdlog::info("signal {} received: draining", sig);
        asio::co_spawn(ioc, drain(ctx, acceptor), asio::detached);
    });
    if (options.on_listening) {
        options.on_listening(bound.address().to_string(), bound.port());
    }
    asio::co_spawn(ioc, accept_loop(ctx, acceptor, tls.get()), asio::detached);
    if (!options.start_broadcast_of.empty()) {
        asio::co_spawn(ioc, start_broadcast(events, options.start_broadcast_of), asio::detached);
    }

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) {
        pool.emplace_back([&ioc] { ioc.run(); });
    }
    ioc.run();
    for (auto& t : pool) {
        t.join();
    }
    crypto.join();
    files.join();
    store_worker.flush();
    spdlog::info("stopped");
    return 0;
}

}  // namespace onstage::api
