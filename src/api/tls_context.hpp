// The TLS settings of `onstage serve --tls-cert … --tls-key …`: TLS 1.2 and 1.3 only, forward-
// secret AEAD ciphers (close to Mozilla's "intermediate" profile), certificate and key checked
// against each other before the server listens.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <filesystem>
#include <memory>
#include <string>

#include "domain/result.hpp"

namespace onstage::api {

struct TlsError {
    // tls_cert_unreadable, tls_key_unreadable, tls_key_invalid, tls_key_mismatch
    std::string code;
    std::string message;
};

Result<std::unique_ptr<boost::asio::ssl::context>, TlsError> make_tls_context(
    const std::filesystem::path& cert, const std::filesystem::path& key);

}  // namespace onstage::api
