#include "api/trusted_proxies.hpp"

#include <algorithm>

namespace onstage::api {
namespace {

namespace ip = boost::asio::ip;

// "::ffff:10.0.0.1" (an IPv4 client on a dual-stack socket) is 10.0.0.1.
std::optional<ip::address> parse_address(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    boost::system::error_code ec;
    const ip::address address = ip::make_address(std::string(text), ec);
    if (ec) {
        return std::nullopt;
    }
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
        return ip::make_address_v4(ip::v4_mapped, address.to_v6());
    }
    return address;
}

// Every entry of the comma-separated values, in order; nullopt if one is not an address.
std::optional<std::vector<ip::address>> forwarded_addresses(
    const std::vector<std::string_view>& values) {
    std::vector<ip::address> out;
    for (std::string_view value : values) {
        for (;;) {
            const auto comma = value.find(',');
            const auto address = parse_address(value.substr(0, comma));
            if (!address) {
                return std::nullopt;
            }
            out.push_back(*address);
            if (comma == std::string_view::npos) {
                break;
            }
            value.remove_prefix(comma + 1);
        }
    }
    return out;
}

}  // namespace

std::optional<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& addresses) {
    TrustedProxies out;
    for (const auto& text : addresses) {
        const auto address = parse_address(text);
        if (!address) {
            return std::nullopt;
        }
        out.addresses_.push_back(*address);
    }
    return out;
}

bool TrustedProxies::contains(std::string_view address) const {
    const auto parsed = parse_address(address);
    return parsed && std::find(addresses_.begin(), addresses_.end(), *parsed) != addresses_.end();
}

std::string TrustedProxies::client_of(std::string_view peer,
                                      const std::vector<std::string_view>& forwarded_for) const {
    if (forwarded_for.empty() || !contains(peer)) {
        return std::string(peer);
    }
    const auto chain = forwarded_addresses(forwarded_for);
    if (!chain || chain->empty()) {
        return std::string(peer);
    }
    for (auto it = chain->rbegin(); it != chain->rend(); ++it) {
        if (std::find(addresses_.begin(), addresses_.end(), *it) == addresses_.end()) {
            return it->to_string();
        }
    }
    return chain->front().to_string();
}

}  // namespace onstage::api
