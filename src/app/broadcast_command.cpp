#include "app/broadcast_command.hpp"

// Boost 1.74's Asio coroutine headers use std::exchange without including <utility> (GCC 12).
#include <utility>

#include <fmt/core.h>
#include <openssl/err.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "app/data_dir.hpp"
#include "app/event_commands.hpp"

namespace onstage::app {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using asio::ip::tcp;
using nlohmann::json;

// Liveness only: a server that accepts but never answers must not hang the command forever.
constexpr std::chrono::seconds kRequestTimeout{30};

struct ServerUrl {
    bool tls = false;
    std::string host;  // without brackets
    std::string port;
    std::string text;  // as given, for messages
};

std::optional<ServerUrl> parse_server_url(std::string_view url) {
    ServerUrl out;
    out.text = std::string(url);
    std::string_view rest;
    if (url.starts_with("http://")) {
        rest = url.substr(7);
    } else if (url.starts_with("https://")) {
        out.tls = true;
        rest = url.substr(8);
    } else {
        return std::nullopt;
    }
    while (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (rest.find('/') != std::string_view::npos || rest.empty()) {
        return std::nullopt;  // a base path is not supported: the API lives at /api/v1
    }
    std::string_view port;
    if (rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        out.host = std::string(rest.substr(1, close - 1));
        const auto after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port = after.substr(1);
        }
    } else {
        const auto colon = rest.rfind(':');
        out.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) {
            port = rest.substr(colon + 1);
        }
    }
    if (out.host.empty()) {
        return std::nullopt;
    }
    if (port.empty()) {
        out.port = out.tls ? "443" : "80";
    } else {
        for (const char c : port) {
            if (c < '0' || c > '9') {
                return std::nullopt;
            }
        }
        out.port = std::string(port);
    }
    return out;
}

// Event and target ids are plain slugs; anything else is escaped so it stays one segment.
std::string path_segment(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~';
        if (plain) {
            out += c;
        } else {
            out += fmt::format("%{:02X}", static_cast<unsigned char>(c));
        }
    }
    return out;
}

struct Reply {
    int status = 0;
    std::string body;
};

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

template <typename Stream>
asio::awaitable<void> exchange(Stream& stream, const Request& request, Reply& reply) {
    co_await http::async_write(stream, request, asio::use_awaitable);
    beast::flat_buffer buffer;
    Response response;
    co_await http::async_read(stream, buffer, response, asio::use_awaitable);
    reply.status = static_cast<int>(response.result_int());
    reply.body = std::move(response.body());
}

asio::awaitable<void> call(const ServerUrl& url, const Request& request, ssl::context& tls,
                           Reply& reply) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    const auto endpoints = co_await resolver.async_resolve(url.host, url.port, asio::use_awaitable);
    if (!url.tls) {
        beast::tcp_stream stream(executor);
        stream.expires_after(kRequestTimeout);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
        co_await exchange(stream, request, reply);
        co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    // SSL_set_tlsext_host_name is a macro with a C cast; this is what it expands to.
    std::string sni = url.host;
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 static_cast<void*>(sni.data())) != 1) {
        throw beast::system_error(beast::error_code(static_cast<int>(::ERR_get_error()),
                                                    asio::error::get_ssl_category()));
    }
    stream.set_verify_callback(ssl::host_name_verification(url.host));
    beast::get_lowest_layer(stream).expires_after(kRequestTimeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    co_await exchange(stream, request, reply);
}

struct Client {
    ServerUrl url;
    std::string token;

    // Sends one request; throws beast::system_error when the server cannot be reached.
    Reply send(http::verb method, const std::string& target, const std::string& body) const {
        Request request{method, target, 11};
        request.set(http::field::host, url.host);
        request.set(http::field::user_agent, "onstage-cli");
        request.set(http::field::authorization, "Bearer " + token);
        request.set(http::field::accept, "application/json");
        if (!body.empty() || method == http::verb::post) {
            request.set(http::field::content_type, "application/json");
            request.body() = body;
        }
        request.prepare_payload();
        ssl::context tls(ssl::context::tls_client);
        tls.set_default_verify_paths();  // honours SSL_CERT_FILE / SSL_CERT_DIR
        tls.set_verify_mode(ssl::verify_peer);
        asio::io_context ioc;
        Reply reply;
        std::exception_ptr failure;
        asio::co_spawn(ioc, call(url, request, tls, reply),
                       [&failure](std::exception_ptr e) { failure = std::move(e); });
        ioc.run();
        if (failure) {
            std::rethrow_exception(failure);
        }
        return reply;
    }
};

// Prints the server's error ("onstage: error: <message> [<code>]") and returns 1.
int report_http_error(const Reply& reply) {
    const json body = json::parse(reply.body, nullptr, false);
    if (body.is_object() && body.contains("error") && body["error"].is_object()) {
        const json& e = body["error"];
        return report_error(e.value("code", "http_" + std::to_string(reply.status)),
                            e.value("message", "the server refused the request"));
    }
    return report_error("http_" + std::to_string(reply.status),
                        fmt::format("the server answered HTTP {}", reply.status));
}

std::string text_or(const json& j, const char* key, std::string_view fallback = "-") {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
        return std::string(fallback);
    }
    return it->get<std::string>();
}

void print_status(const std::string& event_id, const json& v) {
    const std::string state = text_or(v, "state", "unknown");
    std::string since = "-";
    if (const auto it = v.find("since");
        it != v.end() && it->is_number_integer() && it->get<std::int64_t>() > 0) {
        since = format_utc(it->get<std::int64_t>());
    }
    fmt::print("Broadcast of {}: {} (since {})\n", event_id, state, since);
    if (state == "failed") {
        fmt::print("Reason:     {}\n", text_or(v, "reason"));
    }
    fmt::print("Layout:     {} (on air: {})\n", text_or(v, "layout"), text_or(v, "applied_layout"));
    const auto viewers = v.find("viewers");
    fmt::print("Viewers:    {}\n",
               viewers != v.end() && viewers->is_number() ? viewers->dump() : std::string("-"));
    const auto recording = v.find("recording");
    fmt::print(
        "Recording:  {}\n",
        recording != v.end() && recording->is_boolean() && recording->get<bool>() ? "yes" : "no");
    fmt::print("HLS:        {}\n", text_or(v, "hls_url"));
    const auto targets = v.find("targets");
    if (targets == v.end() || !targets->is_array() || targets->empty()) {
        fmt::print("RTMP:       no targets\n");
    } else {
        fmt::print("RTMP:\n");
        for (const json& t : *targets) {
            const std::string error = text_or(t, "error", "");
            fmt::print("  {:<14} {:<20} {}{}\n", text_or(t, "id"), text_or(t, "name"),
                       text_or(t, "state"), error.empty() ? "" : " (" + error + ")");
        }
    }
    if (const auto on = v.find("on_program"); on != v.end() && on->is_array() && !on->empty()) {
        std::string ids;
        for (const json& id : *on) {
            ids += (ids.empty() ? "" : ", ") + (id.is_string() ? id.get<std::string>() : id.dump());
        }
        fmt::print("On program: {}\n", ids);
    }
}

void print_targets(const json& body) {
    const auto targets = body.find("targets");
    if (targets == body.end() || !targets->is_array() || targets->empty()) {
        fmt::print("No RTMP targets.\n");
        return;
    }
    fmt::print("{:<14} {:<20} {:<21} {}\n", "ID", "NAME", "ADDED", "URL");
    for (const json& t : *targets) {
        const auto created = t.find("created_at");
        const std::string added = created != t.end() && created->is_number_integer()
                                      ? format_utc(created->get<std::int64_t>())
                                      : std::string("-");
        fmt::print("{:<14} {:<20} {:<21} {}\n", text_or(t, "id"), text_or(t, "name"), added,
                   text_or(t, "url_redacted"));
    }
}

// The URL with its stream key: from --url-file or stdin, first line, without the line end.
std::optional<std::string> read_target_url(const BroadcastOptions& o, std::string& problem) {
    std::string line;
    if (!o.url_file.empty()) {
        std::ifstream in(o.url_file);
        if (!in) {
            problem = "cannot read " + o.url_file;
            return std::nullopt;
        }
        std::getline(in, line);
    } else {
        if (::isatty(STDIN_FILENO) == 1) {
            fmt::print(stderr, "RTMP URL with stream key (not echoed to any log): ");
            std::fflush(stderr);
        }
        if (!std::getline(std::cin, line)) {
            problem = "no RTMP URL on stdin (or pass --url-file FILE)";
            return std::nullopt;
        }
    }
    while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) {
        line.pop_back();
    }
    if (line.empty()) {
        problem = "the RTMP URL is empty";
        return std::nullopt;
    }
    return line;
}

struct Call {
    http::verb method = http::verb::get;
    std::string target;
    std::string body;
};

// The admin API call for the action; nullopt (after reporting) if its input is missing.
std::optional<Call> plan_call(const BroadcastOptions& o) {
    const std::string event_path = "/api/v1/admin/events/" + path_segment(o.event_id);
    switch (o.action) {
    case BroadcastAction::start: {
        json body = json::object();  // neither flag: the server's broadcast.record decides
        if (o.record || o.no_record) {
            body["record"] = o.record;
        }
        return Call{http::verb::post, event_path + "/broadcast/start", body.dump()};
    }
    case BroadcastAction::stop:
        return Call{http::verb::post, event_path + "/broadcast/stop", "{}"};
    case BroadcastAction::status:
        return Call{http::verb::get, event_path + "/broadcast", ""};
    case BroadcastAction::targets_list:
        return Call{http::verb::get, event_path + "/rtmp-targets", ""};
    case BroadcastAction::targets_add: {
        std::string problem;
        const auto url = read_target_url(o, problem);
        if (!url) {
            report_error("bad_input", problem);
            return std::nullopt;
        }
        return Call{http::verb::post, event_path + "/rtmp-targets",
                    json{{"name", o.target_name}, {"url", *url}}.dump()};
    }
    case BroadcastAction::targets_remove:
        return Call{http::verb::delete_, event_path + "/rtmp-targets/" + path_segment(o.target_id),
                    ""};
    }
    return std::nullopt;
}

// Prints a successful answer as text or JSON; returns the exit code.
int print_answer(const BroadcastOptions& o, const Reply& reply) {
    if (o.action == BroadcastAction::targets_remove) {
        if (!o.json) {
            fmt::print("Removed RTMP target {}.\n", o.target_id);
        }
        return 0;
    }
    const json answer = json::parse(reply.body, nullptr, false);
    if (answer.is_discarded()) {
        return report_error("bad_reply", "the server's answer is not JSON");
    }
    if (o.json) {
        fmt::print("{}\n", answer.dump());
        return 0;
    }
    switch (o.action) {
    case BroadcastAction::targets_list:
        print_targets(answer);
        break;
    case BroadcastAction::targets_add:
        fmt::print("Added RTMP target {} ({}, {}).\n", text_or(answer, "id"),
                   text_or(answer, "name"), text_or(answer, "url_redacted"));
        break;
    default:
        print_status(o.event_id, answer);
        break;
    }
    return 0;
}

int run(const Client& client, const BroadcastOptions& o) {
    const auto call = plan_call(o);
    if (!call) {
        return 1;
    }
    const Reply reply = client.send(call->method, call->target, call->body);
    if (reply.status < 200 || reply.status > 299) {
        return report_http_error(reply);
    }
    return print_answer(o, reply);
}

}  // namespace

std::string default_server_url(const api::ServeOptions& serve) {
    std::string host = serve.bind_address;
    if (host.empty() || host == "0.0.0.0") {
        host = "127.0.0.1";
    } else if (host == "::" || host == "[::]") {
        host = "::1";
    }
    if (host.find(':') != std::string::npos && host.front() != '[') {
        host = "[" + host + "]";
    }
    return fmt::format("{}://{}:{}", serve.tls.enabled() ? "https" : "http", host, serve.port);
}

int broadcast_command(const Config& config, const BroadcastOptions& options) {
    if (config.serve.admin_token.empty()) {
        return report_error("admin_api_off",
                            "no admin token is configured (admin.token or admin.token_file in the "
                            "config, or $ONSTAGE_ADMIN_TOKEN): the admin API is off");
    }
    const std::string server =
        options.server.empty() ? default_server_url(config.serve) : options.server;
    const auto url = parse_server_url(server);
    if (!url) {
        return report_error(
            "bad_server_url",
            "--server must be http://host[:port] or https://host[:port], not " + server);
    }
    const Client client{*url, config.serve.admin_token};
    try {
        return run(client, options);
    } catch (const beast::system_error& e) {
        return report_error("server_unreachable",
                            fmt::format("cannot reach onstage at {} ({}); is `onstage serve` "
                                        "running there? Pass --server URL otherwise",
                                        url->text, e.code().message()));
    }
}

}  // namespace onstage::app
