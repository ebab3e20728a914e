#include "support/ws_client.hpp"

#include <utility>

#include <boost/asio/ip/tcp.hpp>

#include <stdexcept>

namespace onstage::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
using nlohmann::json;

WsClient::WsClient(int port, const std::string& target) : ws_(ioc_) {
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"),
                                           static_cast<unsigned short>(port));
    beast::get_lowest_layer(ws_).connect(endpoint);
    ws_.handshake("127.0.0.1", target);
    ws_.text(true);
    start_read();
}

void WsClient::start_read() {
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

void WsClient::send_text(const std::string& text) {
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

std::optional<json> WsClient::next(std::chrono::milliseconds timeout) {
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

std::optional<json> WsClient::wait_for(const std::function<bool(const json&)>& match,
                                       std::chrono::milliseconds timeout) {
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
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        ioc_.run_one_until(deadline);
        if (ioc_.stopped()) {
            ioc_.restart();
        }
        inbox_.clear();
    }
    return closed_ ? close_code_ : 0;
}

}  // namespace onstage::testing
