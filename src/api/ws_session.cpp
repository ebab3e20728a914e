#include "api/ws_session.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <array>

namespace onstage::api {
namespace {

namespace websocket = beast::websocket;

using protocol::kCloseHelloTimeout;
constexpr std::uint16_t kCloseUnauthorized = protocol::kCloseUnauthenticated;
constexpr std::size_t kKeepReadBufferBytes = 512;  // larger read buffers are given back

hub::Payload reply_payload(const std::string& id, const Reply& r) {
    if (r.ok()) {
        return hub::make_payload(r.ack.empty() ? protocol::encode_ack(id) : r.ack);
    }
    return hub::make_payload(protocol::encode_error(id, r.code, r.message));
}

}  // namespace

template <typename NextLayer>
WsConnection<NextLayer>::WsConnection(NextLayer stream, ServerContext& ctx, std::string event_id,
                                      LogFields log)
    : ws_(std::move(stream)),
      ctx_(ctx),
      metrics_(ctx.metrics),
      sessions_(ctx.sessions),
      event_id_(std::move(event_id)),
      log_(std::move(log)),
      hello_timer_(ws_.get_executor()) {
    // The event the tab asked for, until hello proves it (ids are short; a long one is junk).
    constexpr std::size_t kMaxLoggedIdBytes = 64;
    log_.event = event_id_.substr(0, kMaxLoggedIdBytes);
    ++ctx_.metrics.connections_total;
    ++ctx_.metrics.connections_open;
}

template <typename NextLayer>
WsConnection<NextLayer>::~WsConnection() {
    --metrics_.connections_open;
    sessions_.remove(this);
}

template <typename NextLayer>
asio::awaitable<void> WsConnection<NextLayer>::run(
    beast::http::request<beast::http::string_body> upgrade) {
    auto me = self();
    ctx_.sessions.add(me);
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts take over
    // Pings every half idle period; a peer silent for the whole period is dropped (heartbeats).
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(10);
    timeouts.idle_timeout = std::chrono::seconds(30);
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.read_message_max(ctx_.limits.max_ws_message_bytes);
    ws_.text(true);
    try {
        co_await ws_.async_accept(upgrade, asio::use_awaitable);
    } catch (const boost::system::system_error& e) {
        log_with(spdlog::level::debug, log_, "websocket upgrade failed",
                 {{"error", e.code().message()}});
        co_return;
    }
    upgrade = {};  // its headers (cookies, user agent…) are not needed for the session's life
    log_with(spdlog::level::info, log_, "websocket opened");
    hello_timer_.expires_after(std::chrono::milliseconds(ctx_.limits.hello_timeout_ms));
    hello_timer_.async_wait(
        [weak = std::weak_ptr<WsConnection>(self())](const boost::system::error_code& ec) {
            if (auto s = weak.lock(); s && !ec && !s->attached_) {
                s->close_when_drained(kCloseHelloTimeout, "no hello");
            }
        });
    beast::error_code ended_by;
    try {
        co_await serve_commands();
    } catch (const boost::system::system_error& e) {
        ended_by = e.code();
        if (e.code() == websocket::error::message_too_big) {
            ctx_.metrics.count_error("frame_too_large");
            // Beast has already failed the stream; try to say why before the socket goes.
            beast::error_code ignored;
            ws_.close(websocket::close_reason(websocket::close_code::too_big, "frame too large"),
                      ignored);
        }
    }
    hello_timer_.cancel();
    log_closed(ended_by);
    if (attached_ && runtime_) {
        co_await runtime_->detach(who_, this);
    }
}

// Who closed, with which code and reason; or the error that ended the connection.
template <typename NextLayer>
void WsConnection<NextLayer>::log_closed(const beast::error_code& ended_by) {
    if (close_after_drain_) {
        log_with(spdlog::level::info, log_, "websocket closed",
                 {{"by", "server"},
                  {"code", std::to_string(close_after_drain_->first)},
                  {"reason", close_after_drain_->second}});
        return;
    }
    const websocket::close_reason& peer = ws_.reason();
    if (peer.code != websocket::close_code::none) {
        log_with(spdlog::level::info, log_, "websocket closed",
                 {{"by", "client"},
                  {"code", std::to_string(static_cast<unsigned>(peer.code))},
                  {"reason", std::string(peer.reason.data(), peer.reason.size())}});
        return;
    }
    log_with(spdlog::level::info, log_, "websocket closed",
             {{"by", "network"}, {"error", ended_by ? ended_by.message() : "closed"}});
}

template <typename NextLayer>
asio::awaitable<void> WsConnection<NextLayer>::serve_commands() {
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        // An idle tab should not keep its largest message's buffer (up to 16 KiB) for hours.
        if (buffer.capacity() > kKeepReadBufferBytes) {
            buffer.shrink_to_fit();
        }
        co_await ws_.async_read(buffer, asio::use_awaitable);
        ++ctx_.metrics.messages_in;
        if (closing_) {
            continue;  // a close is on its way; ignore what still arrives
        }
        if (!ws_.got_text()) {
            reply("", Reply{"bad_message", "Messages must be JSON text frames."});
            continue;
        }
        const auto data = buffer.data();
        const std::string_view text(static_cast<const char*>(data.data()), data.size());
        auto command = protocol::decode_command(text);
        if (!command) {
            reply(command.error().id, Reply{command.error().code, command.error().message});
            continue;
        }
        if (command->type == protocol::CommandType::hello) {
            if (attached_) {
                reply("", Reply{"already_authenticated", "This connection is already signed in."});
                continue;
            }
            // The client said hello in time; a busy server taking long to attach it must not
            // count against it.
            hello_timer_.cancel();
            if (!co_await authenticate(*command)) {
                co_return;
            }
            continue;
        }
        if (!attached_) {
            reply(command->id, Reply{"not_authenticated", "Send hello with your token first."});
            continue;
        }
        if (now_ms() >= token_expires_at_ms_) {
            reply(command->id, Reply{"token_expired", "Your session has expired; sign in again."});
            close_when_drained(kCloseUnauthorized, "token expired");
            continue;
        }
        if (command->type == protocol::CommandType::raise) {
            ++ctx_.metrics.hand_raises;
        }
        const std::string id = command->id;
        command_in_flight_ = true;  // a close (e.g. sign_out's) waits for this reply
        const Reply r = co_await runtime_->handle(who_, this, std::move(command).value());
        command_in_flight_ = false;
        reply(id, r);
    }
}

template <typename NextLayer>
asio::awaitable<bool> WsConnection<NextLayer>::authenticate(const protocol::Command& hello) {
    auto refuse = [this](const std::string& code, const std::string& message,
                         std::uint16_t close_code) {
        log_with(spdlog::level::info, log_, "hello refused", {{"code", code}});
        reply("", Reply{code, message});
        close_when_drained(close_code, code);
        return false;
    };
    const auto claims = ctx_.signer.verify(hello.token, now_ms());
    if (!claims) {
        co_return refuse(std::string(auth::to_string(claims.error().code)), claims.error().message,
                         kCloseUnauthorized);
    }
    if (claims->event_id != event_id_) {
        co_return refuse("token_wrong_event", "This token belongs to another event.",
                         kCloseUnauthorized);
    }
    const std::string pid = claims->participant_id;
    // Work for another thread is always a named lambda, never a temporary inside the co_await:
    // GCC 12 destroys such temporaries twice (see api/async.hpp).
    auto read_version = [event = event_id_, pid](store::Store& s) {
        return s.session_version(event, pid);
    };
    const std::int64_t version = co_await ctx_.store.run(std::move(read_version));
    if (version != claims->session_version) {
        co_return refuse("token_revoked", "This session was ended; sign in again.",
                         kCloseUnauthorized);
    }
    runtime_ = co_await ctx_.events.get(event_id_);
    if (!runtime_) {
        co_return refuse("token_wrong_event", "This event no longer exists.", kCloseUnauthorized);
    }
    who_ = Identity{pid, claims->role};
    token_expires_at_ms_ = claims->expires_at_ms;
    // A named copy, not a temporary argument: see run_on about GCC 12 and coroutine arguments.
    const std::shared_ptr<Tab> me = shared_from_this();
    AttachResult attached = co_await runtime_->attach(who_, me, hello.since);
    if (!attached.refused.ok()) {
        co_return refuse(attached.refused.code, attached.refused.message, attached.refused_close);
    }
    attached_ = true;
    if (who_.role != domain::Role::attendee) {
        outbox_.set_bounds(hub::limits::kStaffOutboxMaxFrames, hub::limits::kStaffOutboxMaxBytes);
    }
    log_.event = event_id_;
    log_.participant = pid;
    log_.role = std::string(domain::to_string(who_.role));
    log_with(spdlog::level::info, log_, "signed in");
    enqueue(hub::Frame{0, hub::make_payload(std::move(attached.welcome))});
    for (auto& frame : attached.frames) {
        enqueue(std::move(frame));
    }
    enqueue(hub::Frame{0, hub::make_payload(std::move(attached.media))});
    enqueue(hub::Frame{0, hub::make_payload(std::move(attached.broadcast))});
    co_return true;
}

template <typename NextLayer>
void WsConnection<NextLayer>::reply(const std::string& id, const Reply& r) {
    if (!r.ok()) {
        ctx_.metrics.count_error(r.code);
    }
    enqueue(hub::Frame{0, reply_payload(id, r)});
}

template <typename NextLayer>
void WsConnection<NextLayer>::deliver(const hub::Frame& frame) {
    asio::post(ws_.get_executor(), [me = self(), frame] { me->enqueue(frame); });
}

template <typename NextLayer>
void WsConnection<NextLayer>::revoke(std::uint16_t close_code, std::string_view reason) {
    asio::post(ws_.get_executor(), [me = self(), close_code, r = std::string(reason)]() mutable {
        me->close_when_drained(close_code, std::move(r));
    });
}

template <typename NextLayer>
void WsConnection<NextLayer>::shut_down(std::uint16_t close_code, std::string reason) {
    asio::post(ws_.get_executor(), [me = self(), close_code, r = std::move(reason)]() mutable {
        me->close_when_drained(close_code, std::move(r));
    });
}

template <typename NextLayer>
void WsConnection<NextLayer>::enqueue(hub::Frame frame) {
    if (closing_) {
        return;
    }
    if (!outbox_.push(std::move(frame))) {
        // The tab can't keep up: end it with a reason rather than buffer without bound.
        ctx_.metrics.count_error("too_slow");
        log_with(spdlog::level::warn, log_, "websocket too slow: closing",
                 {{"queued", std::to_string(outbox_.size())}});
        closing_ = true;
        beast::get_lowest_layer(ws_).close();
        return;
    }
    do_write();
}

template <typename NextLayer>
void WsConnection<NextLayer>::do_write() {
    if (outbox_.writing()) {
        return;
    }
    auto frame = outbox_.start_write();
    if (!frame) {
        if (close_after_drain_ && !command_in_flight_) {
            do_close();
        }
        return;
    }
    const std::string& payload = *frame->payload;
    std::array<asio::const_buffer, 2> buffers{};
    if (frame->seq > 0) {
        // Splice the recipient's seq in front of the shared payload: `{"seq":N,` + rest.
        write_prefix_ = protocol::frame_prefix(frame->seq);
        buffers = {asio::buffer(write_prefix_),
                   asio::buffer(payload.data() + 1, payload.size() - 1)};
    } else {
        buffers = {asio::const_buffer(), asio::buffer(payload)};
    }
    ws_.async_write(buffers, [me = self(), keep = frame->payload](

                                 const beast::error_code& ec, std::size_t) {
        me->outbox_.finish_write();
        if (ec) {
            me->closing_ = true;
            return;
        }
        ++me->ctx_.metrics.messages_out;
        me->do_write();
    });
}

template <typename NextLayer>
void WsConnection<NextLayer>::close_when_drained(std::uint16_t code, std::string reason) {
    if (close_after_drain_ || closing_) {
        return;
    }
    close_after_drain_ = {code, std::move(reason)};
    if (!outbox_.writing()) {
        do_write();
    }
}

template <typename NextLayer>
void WsConnection<NextLayer>::do_close() {
    if (closing_) {
        return;
    }
    closing_ = true;
    const auto [code, reason] = *close_after_drain_;
    ws_.async_close(websocket::close_reason(static_cast<websocket::close_code>(code), reason),
                    [me = self()](const beast::error_code&) {});
}

template class WsConnection<beast::tcp_stream>;
template class WsConnection<TlsStream>;

}  // namespace onstage::api
