#include "support/ws_client.hpp"

#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <stdexcept>
#include <type_traits>

namespace onstage::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;

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

}  // namespace

template <typename NextLayer>
BasicWsClient<NextLayer>::BasicWsClient(int port, const std::string& target,
                                        const std::string& ca_file)
    : ws_(make_stream<NextLayer>(ioc_, tls_)) {
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

template <typename NextLayer>
void BasicWsClient<NextLayer>::start_read() {
    ws_.async_read(buffer_, [this](const beast::error_code& ec, std::size_t) {
        if (ec) {
            closed_ = true;
            close_code_ = ws_.reason().code;
            return;
        }
        inbox_.push_back(beast::buffers_to_string(buffer_.data()));
        buffer_.consume(buffer_.size());
        start_read();
    });
}

template <typename NextLayer>
void BasicWsClient<NextLayer>::send_text(const std::string& text) {
    if (closed_) {
        return;
    }
    bool done = false;
    ws_.async_write(asio::buffer(text),
                    [&done](const beast::error_code&, std::size_t) { done = true; });
    while (!done && !ioc_.stopped()) {
        ioc_.run_one_for(std::chrono::seconds(10));
    }
    ioc_.restart();
}

template <typename NextLayer>
std::optional<json> BasicWsClient<NextLayer>::next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty() && !closed_ && std::chrono::steady_clock::now() < deadline) {
        ioc_.run_one_until(deadline);
        if (ioc_.stopped()) {
            ioc_.restart();
        }
    }
    if (inbox_.empty()) {
        return std::nullopt;
    }
    const std::string text = std::move(inbox_.front());
    inbox_.pop_front();
    return json::parse(text);
}

template <typename NextLayer>
std::optional<json> BasicWsClient<NextLayer>::wait_for(
    const std::function<bool(const json&)>& match, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t checked = 0;
    for (;;) {
        // Messages that don't match stay queued, in order, for later waits.
        for (; checked < inbox_.size(); ++checked) {
            json message = json::parse(inbox_[checked]);
            if (match(message)) {
                inbox_.erase(inbox_.begin() + static_cast<std::ptrdiff_t>(checked));
                return message;
            }
        }
        if (closed_ || std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        ioc_.run_one_until(deadline);
        if (ioc_.stopped()) {
            ioc_.restart();
        }
    }
}

template <typename NextLayer>
std::optional<json> BasicWsClient<NextLayer>::reply_to(const std::string& id,
                                                       std::chrono::milliseconds timeout) {
    return wait_for(
        [&id](const json& m) {
            return (m.value("type", "") == "ack" || m.value("type", "") == "error") &&
                   m.contains("id") && m["id"] == id;
        },
        timeout);
}

template <typename NextLayer>
json BasicWsClient<NextLayer>::command(const std::string& type, json fields) {
    const std::string id = "c" + std::to_string(next_id_++);
    fields["type"] = type;
    fields["id"] = id;
    send(fields);
    auto reply = reply_to(id);
    return reply ? *reply : json{{"type", "timeout"}};
}

template <typename NextLayer>
int BasicWsClient<NextLayer>::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        ioc_.run_one_until(deadline);
        if (ioc_.stopped()) {
            ioc_.restart();
        }
        inbox_.clear();
    }
    return closed_ ? close_code_ : 0;
}

template class BasicWsClient<beast::tcp_stream>;
template class BasicWsClient<TlsStream>;

}  // namespace onstage::testing
