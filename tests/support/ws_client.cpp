#include "support/ws_client.hpp"

#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <type_traits>

namespace onstage::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;

// What WsClient needs of a connection, whatever its stream: the context to run and what the
// pending read has delivered.
class WsClient::Connection {
public:
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    virtual ~Connection() = default;

    // Starts writing `text`; `done` becomes true when the write completes (or fails).
    virtual void async_write(const std::string& text, bool& done) = 0;

    // Runs at most one handler before `deadline`; a context that ran out of work is restarted.
    void run_one_until(std::chrono::steady_clock::time_point deadline) {
        ioc.run_one_until(deadline);
        if (ioc.stopped()) {
            ioc.restart();
        }
    }

    asio::io_context ioc;
    std::deque<std::string> inbox;
    bool closed = false;
    int close_code = 0;
};

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <typename NextLayer>
beast::websocket::stream<NextLayer> make_stream(asio::io_context& ioc, asio::ssl::context& tls) {
    if constexpr (std::is_same_v<NextLayer, TlsStream>) {
        return beast::websocket::stream<NextLayer>(ioc, tls);
    } else {
        return beast::websocket::stream<NextLayer>(ioc);
    }
}

template <typename NextLayer>
class StreamConnection final : public WsClient::Connection {
public:
    StreamConnection(int port, const std::string& target, const std::string& ca_file)
        : ws_(make_stream<NextLayer>(ioc, tls_)) {
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                               static_cast<unsigned short>(port));
        beast::get_lowest_layer(ws_).connect(endpoint);
        if constexpr (std::is_same_v<NextLayer, TlsStream>) {
            tls_.load_verify_file(ca_file);
            ws_.next_layer().set_verify_mode(asio::ssl::verify_peer);
            ws_.next_layer().handshake(asio::ssl::stream_base::client);
        }
        ws_.handshake("127.0.0.1", target);
        ws_.text(true);
        start_read();
    }

    void async_write(const std::string& text, bool& done) override {
        ws_.async_write(asio::buffer(text),
                        [&done](const beast::error_code&, std::size_t) { done = true; });
    }

private:
    void start_read() {
        ws_.async_read(buffer_, [this](const beast::error_code& ec, std::size_t) {
            if (ec) {
                closed = true;
                close_code = ws_.reason().code;
                return;
            }
            inbox.push_back(beast::buffers_to_string(buffer_.data()));
            buffer_.consume(buffer_.size());
            start_read();
        });
    }

    asio::ssl::context tls_{asio::ssl::context::tls_client};  // TLS only
    beast::websocket::stream<NextLayer> ws_;
    beast::flat_buffer buffer_;
};

}  // namespace

WsClient::WsClient(int port, const std::string& target)
    : WsClient(std::make_unique<StreamConnection<beast::tcp_stream>>(port, target, "")) {}

WsClient::WsClient(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}

WsClient::~WsClient() = default;

WssClient::WssClient(int port, const std::string& target, const std::string& ca_file)
    : WsClient(std::make_unique<StreamConnection<TlsStream>>(port, target, ca_file)) {}

bool WsClient::closed() const {
    return connection_->closed;
}

void WsClient::send_text(const std::string& text) {
    if (connection_->closed) {
        return;
    }
    bool done = false;
    connection_->async_write(text, done);
    auto& ioc = connection_->ioc;
    while (!done && !ioc.stopped()) {
        ioc.run_one_for(std::chrono::seconds(10));
    }
    ioc.restart();
}

std::optional<json> WsClient::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (connection_->inbox.empty() && !connection_->closed &&
           std::chrono::steady_clock::now() < deadline) {
        connection_->run_one_until(deadline);
    }
    if (connection_->inbox.empty()) {
        return std::nullopt;
    }
    const std::string text = std::move(connection_->inbox.front());
    connection_->inbox.pop_front();
    return json::parse(text);
}

std::optional<json> WsClient::wait_for(const std::function<bool(const json&)>& match,
                                       std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t checked = 0;
    for (;;) {
        // Messages that don't match stay queued, in order, for later waits.
        for (; checked < connection_->inbox.size(); ++checked) {
            json message = json::parse(connection_->inbox[checked]);
            if (match(message)) {
                connection_->inbox.erase(connection_->inbox.begin() +
                                         static_cast<std::ptrdiff_t>(checked));
                return message;
            }
        }
        if (connection_->closed || std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        connection_->run_one_until(deadline);
    }
}

std::optional<json> WsClient::reply_to(const std::string& id, std::chrono::milliseconds timeout) {
    return wait_for(
        [&id](const json& m) {
            return (m.value("type", "") == "ack" || m.value("type", "") == "error") &&
                   m.contains("id") && m["id"] == id;
        },
        timeout);
}

json WsClient::command(const std::string& type, json fields) {
    const std::string id = "c" + std::to_string(next_id_++);
    fields["type"] = type;
    fields["id"] = id;
    send(fields);
    auto reply = reply_to(id);
    return reply ? *reply : json{{"type", "timeout"}};
}

int WsClient::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!connection_->closed && std::chrono::steady_clock::now() < deadline) {
        connection_->run_one_until(deadline);
        connection_->inbox.clear();
    }
    return connection_->closed ? connection_->close_code : 0;
}

}  // namespace onstage::testing
