#include "auth/random.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

namespace onstage::auth {
namespace {

constexpr std::string_view kBase32 = "0123456789abcdefghjkmnpqrstvwxyz";
constexpr std::size_t kMaxSlugChars = 40;
constexpr std::size_t kEventSuffixChars = 6;

}  // namespace

void ensure_sodium() {
    // sodium_init is thread-safe and idempotent; it fails only if no entropy source exists.
    static const int rc = sodium_init();
    if (rc < 0) {
        throw std::runtime_error("libsodium could not be initialised (no entropy source?)");
    }
}

void random_bytes(std::span<std::uint8_t> out) {
    ensure_sodium();
    randombytes_buf(out.data(), out.size());
}

namespace {

constexpr std::size_t kUuidBytes = 16;

std::string format_uuid_v4(std::span<std::uint8_t, kUuidBytes> b) {
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0FU) | 0x40U);  // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3FU) | 0x80U);  // RFC 4122 variant
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            out.push_back('-');
        }
        out.push_back(kHex[b[i] >> 4U]);
        out.push_back(kHex[b[i] & 0x0FU]);
    }
    return out;
}

}  // namespace

std::string uuid_v4() {
    std::array<std::uint8_t, kUuidBytes> b{};
    random_bytes(b);
    return format_uuid_v4(b);
}

std::vector<std::string> uuid_v4_batch(std::size_t count) {
    std::array<std::uint8_t, randombytes_SEEDBYTES> seed{};
    random_bytes(seed);
    std::vector<std::uint8_t> bytes(count * kUuidBytes);
    randombytes_buf_deterministic(bytes.data(), bytes.size(), seed.data());
    sodium_memzero(seed.data(), seed.size());
    std::vector<std::string> ids;
    ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        ids.push_back(format_uuid_v4(
            std::span<std::uint8_t, kUuidBytes>(bytes.data() + i * kUuidBytes, kUuidBytes)));
    }
    return ids;
}

std::string random_base32(std::size_t chars) {
    std::vector<std::uint8_t> bytes(chars);
    random_bytes(bytes);
    std::string out;
    out.reserve(chars);
    for (std::uint8_t b : bytes) {
        // 32 divides 256, so the low five bits of a uniform byte are uniform: no modulo bias.
        out.push_back(kBase32[b & 0x1FU]);
    }
    return out;
}

std::string slugify(std::string_view name) {
    std::string slug;
    bool pending_dash = false;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        const bool alnum = (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9');
        const bool upper = u >= 'A' && u <= 'Z';
        if (alnum || upper) {
            if (pending_dash && !slug.empty()) {
                slug.push_back('-');
            }
            pending_dash = false;
            slug.push_back(upper ? static_cast<char>(u - 'A' + 'a') : c);
            if (slug.size() >= kMaxSlugChars) {
                break;
            }
        } else if (u < 0x80) {
            pending_dash = true;  // ASCII punctuation and spaces separate words
        }
        // Bytes of non-ASCII characters are dropped: the slug is for reading, not identity.
    }
    return slug.empty() ? std::string("event") : slug;
}

std::string event_id_for(std::string_view name) {
    return slugify(name) + "-" + random_base32(kEventSuffixChars);
}

}  // namespace onstage::auth
