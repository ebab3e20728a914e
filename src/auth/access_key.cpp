#include "auth/access_key.hpp"

#include <sodium.h>

#include <array>
#include <stdexcept>

#include "auth/random.hpp"

namespace onstage::auth {
namespace {

constexpr std::size_t kKeyChars = 28;
constexpr std::size_t kGroup = 4;

}  // namespace

std::string generate_access_key() {
    const std::string raw = random_base32(kKeyChars);
    std::string out;
    out.reserve(kKeyChars + kKeyChars / kGroup);
    for (std::size_t i = 0; i < raw.size(); ++i) {
        if (i > 0 && i % kGroup == 0) {
            out.push_back('-');
        }
        out.push_back(raw[i]);
    }
    return out;
}

std::string normalize_access_key(std::string_view typed) {
    std::string out;
    out.reserve(typed.size());
    for (char c : typed) {
        auto u = static_cast<unsigned char>(c);
        if (c == '-' || c == ' ' || c == '\t') {
            continue;
        }
        if (u >= 'A' && u <= 'Z') {
            u = static_cast<unsigned char>(u - 'A' + 'a');
        }
        if (u == 'o') {
            u = '0';
        } else if (u == 'i' || u == 'l') {
            u = '1';
        }
        out.push_back(static_cast<char>(u));
    }
    return out;
}

std::string hash_access_key(std::string_view key) {
    ensure_sodium();
    const std::string canonical = normalize_access_key(key);
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), canonical.data(), canonical.size(), kArgon2OpsLimit,
                              kArgon2MemLimitBytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        throw std::runtime_error("Argon2id hashing failed: out of memory");
    }
    return std::string(out.data());
}

bool verify_access_key(std::string_view stored_hash, std::string_view typed) {
    ensure_sodium();
    if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) {
        return false;
    }
    std::array<char, crypto_pwhash_STRBYTES> hash{};
    stored_hash.copy(hash.data(), stored_hash.size());
    const std::string canonical = normalize_access_key(typed);
    return crypto_pwhash_str_verify(hash.data(), canonical.data(), canonical.size()) == 0;
}

}  // namespace onstage::auth
