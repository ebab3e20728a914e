// A WebSocket client for integration tests, single-threaded on its own io_context: a read is
// always pending, and next() runs the context until a message arrives or the time is up.
// WsClient speaks ws://, WssClient wss:// (trusting only the given CA certificate file). The Beast
// stream lives in ws_client.cpp, so that the tests that include this do not parse (or lint) Beast.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace onstage::testing {

class WsClient {
public:
    // Connects to 127.0.0.1:port and upgrades `target` (e.g. "/api/v1/live?e=…").
    WsClient(int port, const std::string& target);
    WsClient(const WsClient&) = delete;
    WsClient& operator=(const WsClient&) = delete;
    virtual ~WsClient();

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
    bool closed() const;

    class Connection;  // the io_context, the WebSocket stream and the messages read

protected:
    explicit WsClient(std::unique_ptr<Connection> connection);

private:
    std::unique_ptr<Connection> connection_;
    int next_id_ = 1;
};

class WssClient : public WsClient {
public:
    // As WsClient, over TLS: the server's certificate must be signed by (or be) `ca_file`.
    WssClient(int port, const std::string& target, const std::string& ca_file);
};

}  // namespace onstage::testing
