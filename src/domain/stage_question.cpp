#include "domain/stage.hpp"

// The hand-raise question: validated as UTF-8 and measured in code points, because the limit is
// what a person sees ("500 characters"), not bytes (an emoji is 4 bytes).

#include <cstdint>
#include <optional>

namespace onstage::domain {
namespace {

// The first byte of a UTF-8 sequence: its length and the allowed range of the second byte.
// The narrowed second-byte ranges after E0, ED, F0 and F4 are what exclude overlong forms,
// UTF-16 surrogates and code points beyond U+10FFFF (Unicode Table 3-7).
struct Lead {
    std::size_t length;
    std::uint8_t value_bits;  // the payload of the first byte
    unsigned char second_min;
    unsigned char second_max;
};

std::optional<Lead> lead_of(unsigned char byte) {
    if (byte < 0x80) {
        return Lead{1, byte, 0, 0};
    }
    const auto bits = [byte](unsigned mask) { return static_cast<std::uint8_t>(byte & mask); };
    if (byte >= 0xC2 && byte <= 0xDF) {
        return Lead{2, bits(0x1F), 0x80, 0xBF};
    }
    if (byte >= 0xE0 && byte <= 0xEF) {
        const unsigned char min = byte == 0xE0 ? 0xA0 : 0x80;
        const unsigned char max = byte == 0xED ? 0x9F : 0xBF;
        return Lead{3, bits(0x0F), min, max};
    }
    if (byte >= 0xF0 && byte <= 0xF4) {
        const unsigned char min = byte == 0xF0 ? 0x90 : 0x80;
        const unsigned char max = byte == 0xF4 ? 0x8F : 0xBF;
        return Lead{4, bits(0x07), min, max};
    }
    return std::nullopt;  // a continuation byte, C0/C1 (always overlong) or F5..FF
}

// Decodes the code point starting at text[pos]. Returns its length in bytes, or 0 if the
// bytes there are not well-formed UTF-8.
std::size_t decode(std::string_view text, std::size_t pos, char32_t& code_point) {
    const auto lead = lead_of(static_cast<unsigned char>(text[pos]));
    if (!lead || text.size() - pos < lead->length) {
        return 0;
    }
    char32_t value = lead->value_bits;
    for (std::size_t i = 1; i < lead->length; ++i) {
        const auto byte = static_cast<unsigned char>(text[pos + i]);
        const unsigned char min = i == 1 ? lead->second_min : 0x80;
        const unsigned char max = i == 1 ? lead->second_max : 0xBF;
        if (byte < min || byte > max) {
            return 0;
        }
        value = (value << 6U) | static_cast<char32_t>(byte & 0x3FU);
    }
    code_point = value;
    return lead->length;
}

// Unicode White_Space, plus the invisible U+200B and U+FEFF that pasted text often carries:
// a question made only of these would show as blank.
bool is_space(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200B) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

Result<std::string, Error> validate_question(std::string_view raw) {
    std::size_t begin = std::string_view::npos;  // first byte of the first non-space
    std::size_t end = 0;                         // one past the last non-space
    std::size_t pos = 0;
    while (pos < raw.size()) {
        char32_t code_point = 0;
        const std::size_t length = decode(raw, pos, code_point);
        if (length == 0) {
            return fail(Error{ErrorCode::invalid_utf8, "The question is not valid UTF-8 text."});
        }
        if (!is_space(code_point)) {
            if (begin == std::string_view::npos) {
                begin = pos;
            }
            end = pos + length;
        }
        pos += length;
    }
    if (begin == std::string_view::npos) {
        return fail(Error{ErrorCode::question_empty, "Please type a question."});
    }
    const std::string_view trimmed = raw.substr(begin, end - begin);
    std::size_t chars = 0;
    for (const char byte : trimmed) {
        // Count lead bytes only; the text is known to be well-formed here.
        if ((static_cast<unsigned char>(byte) & 0xC0U) != 0x80U) {
            ++chars;
        }
    }
    if (chars > limits::kMaxQuestionChars) {
        return fail(Error{ErrorCode::question_too_long,
                          "The question is too long: at most " +
                              std::to_string(limits::kMaxQuestionChars) + " characters."});
    }
    return std::string(trimmed);
}

}  // namespace onstage::domain
