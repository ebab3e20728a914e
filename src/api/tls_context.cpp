#include "api/tls_context.hpp"

#include <fmt/core.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <fstream>

namespace onstage::api {
namespace {

namespace ssl = boost::asio::ssl;

// TLS 1.2 suites; TLS 1.3 has only good ones and OpenSSL's defaults for it are kept.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

bool readable(const std::filesystem::path& path) {
    return std::ifstream(path, std::ios::binary).good();
}

// OpenSSL's reason for the last failure, e.g. "no start line" for a file that isn't PEM.
std::string openssl_reason(const boost::system::error_code& ec) {
    ERR_clear_error();
    return ec.message();
}

}  // namespace

Result<std::unique_ptr<ssl::context>, TlsError> make_tls_context(const std::filesystem::path& cert,
                                                                 const std::filesystem::path& key) {
    auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                     ssl::context::no_compression | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(ctx->native_handle(), kTls12Ciphers);

    boost::system::error_code ec;
    if (!readable(cert)) {
        return fail(TlsError{"tls_cert_unreadable",
                             fmt::format("cannot read TLS certificate {}", cert.string())});
    }
    ctx->use_certificate_chain_file(cert.string(), ec);
    if (ec) {
        return fail(TlsError{"tls_cert_unreadable",
                             fmt::format("TLS certificate {} is not a PEM certificate chain: {}",
                                         cert.string(), openssl_reason(ec))});
    }
    if (!readable(key)) {
        return fail(TlsError{"tls_key_unreadable",
                             fmt::format("cannot read TLS private key {}", key.string())});
    }
    // Checks the key against the certificate too: a mismatch fails here.
    ctx->use_private_key_file(key.string(), ssl::context::pem, ec);
    if (ec) {
        const std::string reason = openssl_reason(ec);
        const bool mismatch = reason.find("mismatch") != std::string::npos;
        return fail(TlsError{mismatch ? "tls_key_mismatch" : "tls_key_invalid",
                             fmt::format("TLS private key {} cannot be used with {}: {}",
                                         key.string(), cert.string(), reason)});
    }
    if (SSL_CTX_check_private_key(ctx->native_handle()) != 1) {
        ERR_clear_error();
        return fail(TlsError{"tls_key_mismatch",
                             fmt::format("TLS private key {} does not match certificate {}",
                                         key.string(), cert.string())});
    }
    return ctx;
}

}  // namespace onstage::api
