// Who a request is really from when a reverse proxy (nginx) sits in front of onstage: the TCP
// peer is then the proxy, and the client's address is in X-Forwarded-For. Only the proxies the
// config names (server.trusted_proxies) are believed: anyone else can write any X-Forwarded-For.
//
// Immutable after construction: any thread may use it.
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::api {

class TrustedProxies {
public:
    TrustedProxies() = default;
    // IPv4 or IPv6 addresses; anything else is nullopt (the config checks them first).
    static std::optional<TrustedProxies> parse(const std::vector<std::string>& addresses);

    bool empty() const { return addresses_.empty(); }
    bool contains(std::string_view address) const;

    // The client of a request that arrived from `peer` carrying these X-Forwarded-For values (in
    // header order). `peer` itself unless it is a trusted proxy; then, walking the list from its
    // end, the first address that is not a trusted proxy (or the first one, if all are). A
    // malformed list (not addresses, e.g. "unknown" or with ports) leaves `peer`.
    std::string client_of(std::string_view peer,
                          const std::vector<std::string_view>& forwarded_for) const;

private:
    std::vector<boost::asio::ip::address> addresses_;
};

}  // namespace onstage::api
