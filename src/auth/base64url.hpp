// URL-safe base64 without padding (RFC 4648 §5), the encoding of session tokens. Pure functions,
// safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::auth {

std::string base64url_encode(std::span<const std::uint8_t> bytes);
std::string base64url_encode(std::string_view bytes);

// Strict: only the 64 URL-safe symbols, no padding, no whitespace, and the unused low bits of
// the last symbol must be zero. Strictness matters because tokens are signed as text but
// compared as bytes: if two spellings decoded to the same signature, a token could be altered
// without breaking it. nullopt for anything else.
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace onstage::auth
