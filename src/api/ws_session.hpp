// One browser tab's WebSocket at /api/v1/live (docs/protocol.md). Runs on its own strand: a
// read loop (hello first, then commands, each answered with ack or error) and exactly one write
// in flight with a bounded hub::Outbox behind it; a tab that can't keep up is closed, never
// allowed to grow memory. Stream frames arrive from the event's strand through deliver().
//
// WsConnection is written once for any byte stream and instantiated for plain TCP and for TLS;
// the rest of the server sees only WsSession.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "api/event_runtime.hpp"
#include "api/log_fields.hpp"
#include "api/server_context.hpp"
#include "hub/outbox.hpp"

namespace onstage::api {

namespace beast = boost::beast;

class WsSession : public Tab, public std::enable_shared_from_this<WsSession> {
public:
    // Any thread: closes with `close_code` once what is queued has been written.
    virtual void shut_down(std::uint16_t close_code, std::string reason) = 0;
};

template <typename NextLayer>
class WsConnection final : public WsSession {
public:
    WsConnection(NextLayer stream, ServerContext& ctx, std::string event_id, LogFields log);
    ~WsConnection() override;

    // Completes the upgrade and serves the tab until it closes.
    asio::awaitable<void> run(beast::http::request<beast::http::string_body> upgrade);

    // Any thread.
    void deliver(const hub::Frame& frame) override;
    void revoke(std::uint16_t close_code, std::string_view reason) override;
    void shut_down(std::uint16_t close_code, std::string reason) override;

private:
    std::shared_ptr<WsConnection> self() {
        return std::static_pointer_cast<WsConnection>(shared_from_this());
    }
    asio::awaitable<bool> authenticate(const protocol::Command& hello);
    asio::awaitable<void> serve_commands();
    void reply(const std::string& id, const Reply& r);
    void enqueue(hub::Frame frame);  // on the strand
    void do_write();
    void close_when_drained(std::uint16_t code, std::string reason);
    void do_close();
    void log_closed(const beast::error_code& ended_by);

    beast::websocket::stream<NextLayer> ws_;
    ServerContext& ctx_;
    Metrics& metrics_;      // used by the destructor, which may run after ctx_ is gone
    SessionSet& sessions_;  // likewise
    std::string event_id_;
    LogFields log_;
    std::shared_ptr<EventRuntime> runtime_;
    Identity who_;
    domain::TimeMs token_expires_at_ms_ = 0;
    bool attached_ = false;
    hub::Outbox outbox_;
    std::string write_prefix_;  // `{"seq":N,` of the frame being written
    std::optional<std::pair<std::uint16_t, std::string>> close_after_drain_;
    bool closing_ = false;
    bool command_in_flight_ = false;  // between a command's arrival and its reply
    asio::steady_timer hello_timer_;
};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;
extern template class WsConnection<beast::tcp_stream>;
extern template class WsConnection<TlsStream>;

}  // namespace onstage::api
