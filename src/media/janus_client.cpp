#include "media/janus_client.hpp"

#include <utility>

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace onstage::media {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
using json = nlohmann::json;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxJanusMessageBytes = std::size_t{4} * 1024 * 1024;
constexpr auto kConnectTimeout = std::chrono::seconds(5);

SfuError unavailable(std::string why) {
    return SfuError{"sfu_unavailable", std::move(why), 0};
}

struct WsUrl {
    std::string host;
    std::string port;
    std::string target;
};

std::optional<WsUrl> parse_ws_url(const std::string& url) {
    const std::string scheme = "ws://";
    if (!url.starts_with(scheme)) {
        return std::nullopt;
    }
    const std::string rest = url.substr(scheme.size());
    const auto slash = rest.find('/');
    const std::string authority = rest.substr(0, slash);
    const std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == authority.size()) {
        return std::nullopt;
    }
    std::string host = authority.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    return WsUrl{host, authority.substr(colon + 1), target};
}

}  // namespace

std::optional<SfuError> janus_error_of(const json& reply) {
    if (reply.value("janus", "") == "error") {
        const auto& e = reply.contains("error") ? reply["error"] : json::object();
        const int code = e.value("code", 0);
        constexpr int kSessionNotFound = 458;
        constexpr int kHandleNotFound = 459;
        const bool gone = code == kSessionNotFound || code == kHandleNotFound;
        return SfuError{gone ? "sfu_gone" : "sfu_refused", e.value("reason", "Janus error"), code};
    }
    const auto pd = reply.find("plugindata");
    if (pd == reply.end() || !pd->is_object() || !pd->contains("data")) {
        return std::nullopt;
    }
    const json& data = (*pd)["data"];
    if (!data.is_object() || !data.contains("error_code")) {
        return std::nullopt;
    }
    const int code = data.value("error_code", 0);
    constexpr int kNoSuchRoom = 426;
    constexpr int kNoSuchFeed = 428;
    const bool gone = code == kNoSuchRoom || code == kNoSuchFeed;
    return SfuError{gone ? "sfu_gone" : "sfu_refused", data.value("error", "VideoRoom error"),
                    code};
}

class JanusClient::Impl {
public:
    explicit Impl(const Strand& strand) : ws(strand) {}
    websocket::stream<beast::tcp_stream> ws;
};

struct JanusClient::Pending {
    explicit Pending(const Strand& strand, bool final_ack)
        : timer(strand), ack_is_final(final_ack) {}
    asio::steady_timer timer;
    bool ack_is_final;
    std::optional<json> reply;
    std::optional<SfuError> failure;
};

JanusClient::JanusClient(Strand strand, JanusClientOptions options, EventListener on_event,
                         LostListener on_lost)
    : strand_(std::move(strand)),
      options_(options),
      on_event_(std::move(on_event)),
      on_lost_(std::move(on_lost)),
      impl_(std::make_unique<Impl>(strand_)),
      keepalive_timer_(strand_) {}

JanusClient::~JanusClient() = default;

asio::awaitable<SfuResult<std::shared_ptr<JanusClient>>> JanusClient::connect(
    Strand strand, std::string url, JanusClientOptions options, EventListener on_event,
    LostListener on_lost) {
    auto client = std::make_shared<JanusClient>(std::move(strand), options, std::move(on_event),
                                                std::move(on_lost));
    auto opened = co_await client->open(std::move(url));
    if (!opened) {
        client->lose(opened.error().message, false);
        co_return fail(opened.error());
    }
    co_return client;
}

asio::awaitable<SfuResult<Ok>> JanusClient::open(std::string url) {
    const auto where = parse_ws_url(url);
    if (!where) {
        co_return fail(SfuError{"sfu_unavailable", "not a ws://host:port/ URL: " + url, 0});
    }
    boost::system::error_code ec;
    tcp::resolver resolver(strand_);
    const auto endpoints = co_await resolver.async_resolve(
        where->host, where->port, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return fail(unavailable(fmt::format("cannot resolve {}: {}", url, ec.message())));
    }
    auto& ws = impl_->ws;
    beast::get_lowest_layer(ws).expires_after(kConnectTimeout);
    co_await beast::get_lowest_layer(ws).async_connect(
        endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return fail(unavailable(fmt::format("cannot connect to {}: {}", url, ec.message())));
    }
    ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
        req.set(beast::http::field::sec_websocket_protocol, "janus-protocol");
    }));
    ws.read_message_max(kMaxJanusMessageBytes);
    const std::string host = where->host + ":" + where->port;
    co_await ws.async_handshake(host, where->target, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
        co_return fail(
            unavailable(fmt::format("WebSocket handshake with {}: {}", url, ec.message())));
    }
    // Liveness is ours to judge (keepalives), not a stream timer's.
    beast::get_lowest_layer(ws).expires_never();
    alive_ = true;
    auto self = shared_from_this();
    auto reader = [self]() { return self->read_loop(); };
    asio::co_spawn(strand_, reader, asio::detached);

    json create{{"janus", "create"}};
    auto created = co_await transact(create, false, options_.request_timeout);
    if (!created) {
        co_return fail(created.error());
    }
    session_ = created->at("data").value("id", std::uint64_t{0});
    if (session_ == 0) {
        co_return fail(SfuError{"sfu_refused", "Janus created no session", 0});
    }
    auto keeper = [self]() { return self->keepalive_loop(); };
    asio::co_spawn(strand_, keeper, asio::detached);
    co_return Ok{};
}

asio::awaitable<SfuResult<HandleId>> JanusClient::attach(std::string plugin) {
    json request{{"janus", "attach"}, {"session_id", session_}, {"plugin", plugin}};
    auto reply = co_await transact(request, false, options_.request_timeout);
    if (!reply) {
        co_return fail(reply.error());
    }
    const HandleId handle = reply->at("data").value("id", HandleId{0});
    if (handle == 0) {
        co_return fail(SfuError{"sfu_refused", "Janus attached no handle", 0});
    }
    co_return handle;
}

asio::awaitable<SfuResult<Ok>> JanusClient::detach(HandleId handle) {
    json request{{"janus", "detach"}, {"session_id", session_}, {"handle_id", handle}};
    auto reply = co_await transact(request, false, options_.request_timeout);
    if (!reply) {
        co_return fail(reply.error());
    }
    co_return Ok{};
}

asio::awaitable<SfuResult<PluginReply>> JanusClient::message(HandleId handle, json body,
                                                             std::optional<json> jsep) {
    json request{{"janus", "message"},
                 {"session_id", session_},
                 {"handle_id", handle},
                 {"body", std::move(body)}};
    if (jsep) {
        request["jsep"] = std::move(*jsep);
    }
    auto reply = co_await transact(request, false, options_.request_timeout);
    if (!reply) {
        co_return fail(reply.error());
    }
    if (auto error = janus_error_of(*reply)) {
        co_return fail(std::move(*error));
    }
    PluginReply out;
    if (reply->contains("plugindata") && (*reply)["plugindata"].contains("data")) {
        out.data = (*reply)["plugindata"]["data"];
    }
    if (reply->contains("jsep")) {
        out.jsep = (*reply)["jsep"];
    }
    co_return out;
}

asio::awaitable<SfuResult<Ok>> JanusClient::trickle(HandleId handle, json candidate) {
    json request{{"janus", "trickle"},
                 {"session_id", session_},
                 {"handle_id", handle},
                 {"candidate", std::move(candidate)}};
    auto reply = co_await transact(request, true, options_.request_timeout);
    if (!reply) {
        co_return fail(reply.error());
    }
    co_return Ok{};
}

asio::awaitable<void> JanusClient::close() {
    if (!alive_) {
        co_return;
    }
    if (session_ != 0) {
        json destroy{{"janus", "destroy"}, {"session_id", session_}};
        auto ignored = co_await transact(destroy, false, options_.keepalive_timeout);
        (void)ignored;
    }
    lose("closed by onstage", false);
}

asio::awaitable<SfuResult<json>> JanusClient::transact(json request, bool ack_is_final,
                                                       std::chrono::milliseconds timeout) {
    if (!alive_) {
        co_return fail(unavailable("not connected to Janus"));
    }
    const std::string transaction = fmt::format("t{}", next_transaction_++);
    request["transaction"] = transaction;
    auto pending = std::make_shared<Pending>(strand_, ack_is_final);
    pending->timer.expires_after(timeout);
    pending_[transaction] = pending;
    send(request.dump());
    boost::system::error_code ec;
    co_await pending->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    pending_.erase(transaction);
    if (pending->reply) {
        if (auto error = janus_error_of(*pending->reply);
            error && pending->reply->value("janus", "") == "error") {
            co_return fail(std::move(*error));
        }
        co_return std::move(*pending->reply);
    }
    if (pending->failure) {
        co_return fail(std::move(*pending->failure));
    }
    co_return fail(SfuError{"sfu_timeout",
                            fmt::format("Janus did not answer '{}' within {} ms",
                                        request.value("janus", ""), timeout.count()),
                            0});
}

void JanusClient::send(std::string text) {
    outbox_.push_back(std::move(text));
    if (!writing_) {
        writing_ = true;
        auto self = shared_from_this();
        auto writer = [self]() { return self->write_loop(); };
        asio::co_spawn(strand_, writer, asio::detached);
    }
}

asio::awaitable<void> JanusClient::write_loop() {
    while (!outbox_.empty() && alive_) {
        const std::string text = std::move(outbox_.front());
        outbox_.pop_front();
        boost::system::error_code ec;
        co_await impl_->ws.async_write(asio::buffer(text),
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            lose("write to Janus failed: " + ec.message(), true);
            break;
        }
    }
    outbox_.clear();
    writing_ = false;
}

asio::awaitable<void> JanusClient::read_loop() {
    auto self = shared_from_this();  // the loop keeps the client alive while connected
    beast::flat_buffer buffer;
    while (alive_) {
        boost::system::error_code ec;
        co_await impl_->ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            lose("connection to Janus lost: " + ec.message(), true);
            break;
        }
        const std::string text = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        json message = json::parse(text, nullptr, false);
        if (message.is_discarded() || !message.is_object()) {
            spdlog::warn("janus: ignoring a message that is not a JSON object");
            continue;
        }
        dispatch(message);
    }
}

asio::awaitable<void> JanusClient::keepalive_loop() {
    auto self = shared_from_this();
    while (alive_) {
        keepalive_timer_.expires_after(options_.keepalive_interval);
        boost::system::error_code ec;
        co_await keepalive_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (!alive_) {
            break;
        }
        json keepalive{{"janus", "keepalive"}, {"session_id", session_}};
        auto answered = co_await transact(keepalive, true, options_.keepalive_timeout);
        if (!answered && alive_) {
            lose("keepalive unanswered: " + answered.error().message, true);
        }
    }
}

void JanusClient::dispatch(const json& message) {
    const std::string kind = message.value("janus", "");
    if (message.contains("transaction") && message["transaction"].is_string()) {
        const auto it = pending_.find(message["transaction"].get<std::string>());
        if (it != pending_.end()) {
            if (kind == "ack" && !it->second->ack_is_final) {
                return;  // an asynchronous request: its result comes later
            }
            it->second->reply = message;
            it->second->timer.cancel();
            return;
        }
    }
    if (kind == "timeout") {
        lose("Janus timed the session out", true);
        return;
    }
    if (message.contains("sender") && on_event_) {
        on_event_(message);
    }
}

void JanusClient::lose(const std::string& reason, bool tell_owner) {
    if (!alive_ && pending_.empty()) {
        return;
    }
    const bool was_alive = alive_;
    alive_ = false;
    for (auto& [transaction, pending] : pending_) {
        pending->failure = unavailable(reason);
        pending->timer.cancel();
    }
    keepalive_timer_.cancel();
    boost::system::error_code ignored;
    beast::get_lowest_layer(impl_->ws).socket().shutdown(tcp::socket::shutdown_both, ignored);
    beast::get_lowest_layer(impl_->ws).socket().close(ignored);
    if (was_alive && tell_owner && on_lost_) {
        auto listener = std::move(on_lost_);
        on_lost_ = nullptr;
        listener(reason);
    }
}

}  // namespace onstage::media
