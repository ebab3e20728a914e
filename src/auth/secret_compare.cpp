#include "auth/secret_compare.hpp"

#include <sodium.h>

#include <array>
#include <cstdint>

#include "auth/random.hpp"

namespace onstage::auth {
namespace {

using Digest = std::array<unsigned char, crypto_generichash_BYTES>;

Digest digest_of(std::string_view text) {
    Digest out{};
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): libsodium takes bytes
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    crypto_generichash(out.data(), out.size(), bytes, text.size(), nullptr, 0);
    return out;
}

}  // namespace

bool secrets_equal(std::string_view presented, std::string_view expected) {
    ensure_sodium();
    const Digest a = digest_of(presented);
    const Digest b = digest_of(expected);
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace onstage::auth
