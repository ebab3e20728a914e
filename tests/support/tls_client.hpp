// TLS for integration tests: a throwaway self-signed certificate made with the openssl CLI, and
// an HTTPS GET that trusts only that certificate. Loopback only.
#pragma once

#include <filesystem>
#include <string>

#include "support/child.hpp"

namespace onstage::testing {

struct TestCertificate {
    std::filesystem::path cert;  // PEM, CN and subjectAltName 127.0.0.1, valid for a day
    std::filesystem::path key;
};

// Writes cert.pem and key.pem into `dir`. Throws (failing the test) if openssl is missing.
TestCertificate make_self_signed_certificate(const std::filesystem::path& dir,
                                             const std::string& name = "server");

// GET, or POST with a JSON body, over HTTPS to 127.0.0.1:port; status 0 if the connection or
// the handshake fails.
HttpReply https_get(int port, const std::string& target, const std::filesystem::path& ca_file);
HttpReply https_post(int port, const std::string& target, const std::string& json_body,
                     const std::filesystem::path& ca_file);

}  // namespace onstage::testing
