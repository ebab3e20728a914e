#include "auth/base64url.hpp"

#include <sodium.h>

#include "auth/random.hpp"

namespace onstage::auth {
namespace {

int symbol_value(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-') {
        return 62;
    }
    if (c == '_') {
        return 63;
    }
    return -1;
}

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
    ensure_sodium();
    constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    // The length libsodium reports includes the terminating NUL it writes.
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
    out.pop_back();
    return out;
}

std::string base64url_encode(std::string_view bytes) {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    return base64url_encode(std::span<const std::uint8_t>(data, bytes.size()));
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
    // Our own decoder rather than libsodium's: 1.0.18 (Debian 12) decodes every byte >= 0x80 as an
    // alphabet symbol, so flipping the top bit of a signature character could leave a token valid.
    if (text.size() % 4 == 1) {
        return std::nullopt;  // a lone trailing symbol holds 6 bits: not a whole byte
    }
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3 + 2);
    std::uint32_t pending = 0;  // bits read but not yet emitted, right-aligned
    unsigned pending_bits = 0;
    for (char c : text) {
        const int value = symbol_value(c);
        if (value < 0) {
            return std::nullopt;
        }
        pending = (pending << 6U) | static_cast<std::uint32_t>(value);
        pending_bits += 6;
        if (pending_bits >= 8) {
            pending_bits -= 8;
            out.push_back(static_cast<std::uint8_t>(pending >> pending_bits));
            pending &= (1U << pending_bits) - 1U;
        }
    }
    if (pending != 0) {
        return std::nullopt;  // non-zero spare bits: another spelling of the same bytes
    }
    return out;
}

}  // namespace onstage::auth
