#include "support/tls_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <stdexcept>

#include "support/process.hpp"

namespace onstage::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

TestCertificate make_self_signed_certificate(const std::filesystem::path& dir,
                                             const std::string& name) {
    const std::string openssl = "/usr/bin/openssl";
    if (!std::filesystem::exists(openssl)) {
        throw std::runtime_error("the openssl CLI is missing (" + openssl +
                                 "): run scripts/install-deps (Debian package openssl)");
    }
    TestCertificate c{dir / (name + "-cert.pem"), dir / (name + "-key.pem")};
    const auto r = run_process({openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj",
                                "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                                "-keyout", c.key.string(), "-out", c.cert.string()});
    if (r.exit_code != 0) {
        throw std::runtime_error("openssl req failed: " + r.err);
    }
    return c;
}

namespace {

HttpReply https_exchange(int port, http::request<http::string_body> req,
                         const std::filesystem::path& ca_file) {
    asio::io_context ioc;
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.load_verify_file(ca_file.string());
    beast::ssl_stream<beast::tcp_stream> stream(ioc, tls);
    stream.set_verify_mode(asio::ssl::verify_peer);
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    HttpReply reply;
    beast::error_code ec;
    beast::get_lowest_layer(stream).socket().connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
    if (!ec) {
        stream.handshake(asio::ssl::stream_base::client, ec);
    }
    if (ec) {
        return reply;
    }
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::connection, "close");
    req.prepare_payload();
    http::write(stream, req, ec);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    if (!ec) {
        http::read(stream, buffer, res, ec);
    }
    if (ec) {
        return reply;
    }
    reply.status = static_cast<int>(res.result_int());
    for (const auto& field : res.base()) {
        reply.headers +=
            std::string(field.name_string()) + ": " + std::string(field.value()) + "\r\n";
    }
    reply.body = res.body();
    stream.shutdown(ec);  // the server may simply close: not an error here
    return reply;
}

}  // namespace

HttpReply https_get(int port, const std::string& target, const std::filesystem::path& ca_file) {
    return https_exchange(port, http::request<http::string_body>{http::verb::get, target, 11},
                          ca_file);
}

HttpReply https_post(int port, const std::string& target, const std::string& json_body,
                     const std::filesystem::path& ca_file) {
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::content_type, "application/json");
    req.body() = json_body;
    return https_exchange(port, std::move(req), ca_file);
}

}  // namespace onstage::testing
