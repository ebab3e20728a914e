// A WebSocket client for integration tests, single-threaded on its own io_context: a read is
// always pending, and next() runs the context until a message arrives or the time is up.
// WsClient speaks ws://, WssClient wss:// (trusting only the given CA certificate file).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace onstage::testing {

template <typename NextLayer>
class BasicWsClient {
public:
    // Connects to 127.0.0.1:port and upgrades `target` (e.g. "/api/v1/live?e=…"). Over TLS the
    // server's certificate must be signed by (or be) `ca_file`.
    BasicWsClient(int port, const std::string& target, const std::string& ca_file = "");
    BasicWsClient(const BasicWsClient&) = delete;
    BasicWsClient& operator=(const BasicWsClient&) = delete;

    void send_text(const std::string& text);
    void send(const nlohmann::json& message) { send_text(message.dump()); }

    // The next message (parsed), or nullopt if the connection closed or `timeout` passed.
    std::optional<nlohmann::json> next(
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The first message, queued or arriving, that satisfies `match` (taken out of the queue;
    // the others stay for later calls); nullopt on close or timeout.
    std::optional<nlohmann::json> wait_for(
        const std::function<bool(const nlohmann::json&)>& match,
        std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The reply (ack or error) to the command with this id.
    std::optional<nlohmann::json> reply_to(
        const std::string& id, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Sends a command {"type": type, "id": <fresh>, ...fields} and returns its reply.
    nlohmann::json command(const std::string& type,
                           nlohmann::json fields = nlohmann::json::object());

    // Waits for the server to close; returns the close code (0 if it did not close in time).
    int wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool closed() const { return closed_; }

private:
    void start_read();

    boost::asio::io_context ioc_;
    boost::asio::ssl::context tls_{boost::asio::ssl::context::tls_client};  // TLS only
    boost::beast::websocket::stream<NextLayer> ws_;
    boost::beast::flat_buffer buffer_;
    std::deque<std::string> inbox_;
    bool closed_ = false;
    int close_code_ = 0;
    int next_id_ = 1;
};

using WsClient = BasicWsClient<boost::beast::tcp_stream>;
using WssClient = BasicWsClient<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
extern template class BasicWsClient<boost::beast::tcp_stream>;
extern template class BasicWsClient<boost::beast::ssl_stream<boost::beast::tcp_stream>>;

}  // namespace onstage::testing
