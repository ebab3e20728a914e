// Where `onstage broadcast …` looks for the server when no --server is given.
#include "app/broadcast_command.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace onstage::app {
namespace {

api::ServeOptions serving(std::string bind, std::uint16_t port) {
    api::ServeOptions serve;
    serve.bind_address = std::move(bind);
    serve.port = port;
    return serve;
}

TEST(BroadcastDefaultServer, IsTheListenAddressWithAnyAddressMadeLoopback) {
    EXPECT_EQ(default_server_url(api::ServeOptions{}), "http://127.0.0.1:8080");
    EXPECT_EQ(default_server_url(serving("0.0.0.0", 9000)), "http://127.0.0.1:9000");
    EXPECT_EQ(default_server_url(serving("10.1.2.3", 80)), "http://10.1.2.3:80");
    EXPECT_EQ(default_server_url(serving("::", 8080)), "http://[::1]:8080");
    EXPECT_EQ(default_server_url(serving("fd00::5", 8080)), "http://[fd00::5]:8080");
}

TEST(BroadcastDefaultServer, IsHttpsWhenTlsIsConfigured) {
    auto serve = serving("0.0.0.0", 8443);
    serve.tls.cert = "/etc/onstage/cert.pem";
    serve.tls.key = "/etc/onstage/key.pem";
    EXPECT_EQ(default_server_url(serve), "https://127.0.0.1:8443");
}

}  // namespace
}  // namespace onstage::app
