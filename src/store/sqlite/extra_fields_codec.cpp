#include "store/sqlite/extra_fields_codec.hpp"

#include <array>
#include <cstdint>

namespace onstage::store::sqlite {
namespace {

void append_json_string(std::string_view text, std::string& out) {
    constexpr std::string_view kHex = "0123456789abcdef";
    out += '"';
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (byte < 0x20) {
            out += "\\u00";
            out += kHex[byte >> 4U];
            out += kHex[byte & 0x0fU];
        } else {
            out += c;
        }
    }
    out += '"';
}

void append_utf8(std::uint32_t code_point, std::string& out) {
    if (code_point < 0x80) {
        out += static_cast<char>(code_point);
    } else if (code_point < 0x800) {
        out += static_cast<char>(0xc0U | (code_point >> 6U));
        out += static_cast<char>(0x80U | (code_point & 0x3fU));
    } else if (code_point < 0x10000) {
        out += static_cast<char>(0xe0U | (code_point >> 12U));
        out += static_cast<char>(0x80U | ((code_point >> 6U) & 0x3fU));
        out += static_cast<char>(0x80U | (code_point & 0x3fU));
    } else {
        out += static_cast<char>(0xf0U | (code_point >> 18U));
        out += static_cast<char>(0x80U | ((code_point >> 12U) & 0x3fU));
        out += static_cast<char>(0x80U | ((code_point >> 6U) & 0x3fU));
        out += static_cast<char>(0x80U | (code_point & 0x3fU));
    }
}

// A cursor over the JSON text; every parse_* returns false on malformed input.
class Parser {
public:
    explicit Parser(std::string_view text) : text_(text) {}

    bool parse_fields(std::vector<domain::ExtraField>& fields) {
        if (!expect('[')) {
            return false;
        }
        if (peek(']')) {
            return expect(']');
        }
        do {
            domain::ExtraField field;
            if (!expect('[') || !parse_string(field.name) || !expect(',') ||
                !parse_string(field.value) || !expect(']')) {
                return false;
            }
            fields.push_back(std::move(field));
        } while (accept(','));
        return expect(']');
    }

    bool at_end() {
        skip_whitespace();
        return pos_ == text_.size();
    }

private:
    void skip_whitespace() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                       text_[pos_] == '\r' || text_[pos_] == '\t')) {
            ++pos_;
        }
    }
    bool peek(char c) {
        skip_whitespace();
        return pos_ < text_.size() && text_[pos_] == c;
    }
    bool accept(char c) {
        if (!peek(c)) {
            return false;
        }
        ++pos_;
        return true;
    }
    bool expect(char c) { return accept(c); }

    bool parse_hex4(std::uint32_t& value) {
        if (text_.size() - pos_ < 4) {
            return false;
        }
        value = 0;
        for (int i = 0; i < 4; ++i) {
            char c = text_[pos_++];
            std::uint32_t digit = 0;
            if (c >= '0' && c <= '9') {
                digit = static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                digit = static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                digit = static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                return false;
            }
            value = (value << 4U) | digit;
        }
        return true;
    }

    // After "\u": one code point, joining a UTF-16 surrogate pair.
    bool parse_unicode_escape(std::string& out) {
        std::uint32_t unit = 0;
        if (!parse_hex4(unit)) {
            return false;
        }
        if (unit >= 0xdc00 && unit <= 0xdfff) {
            return false;  // a low surrogate cannot come first
        }
        if (unit >= 0xd800 && unit <= 0xdbff) {
            std::uint32_t low = 0;
            if (text_.substr(pos_, 2) != "\\u") {
                return false;
            }
            pos_ += 2;
            if (!parse_hex4(low) || low < 0xdc00 || low > 0xdfff) {
                return false;
            }
            unit = 0x10000 + ((unit - 0xd800) << 10U) + (low - 0xdc00);
        }
        append_utf8(unit, out);
        return true;
    }

    bool parse_escape(std::string& out) {
        if (pos_ >= text_.size()) {
            return false;
        }
        char c = text_[pos_++];
        constexpr std::array<std::pair<char, char>, 8> kSimple{{{'"', '"'},
                                                                {'\\', '\\'},
                                                                {'/', '/'},
                                                                {'b', '\b'},
                                                                {'f', '\f'},
                                                                {'n', '\n'},
                                                                {'r', '\r'},
                                                                {'t', '\t'}}};
        for (const auto& [escape, value] : kSimple) {
            if (c == escape) {
                out += value;
                return true;
            }
        }
        return c == 'u' && parse_unicode_escape(out);
    }

    bool parse_string(std::string& out) {
        if (!expect('"')) {
            return false;
        }
        while (pos_ < text_.size()) {
            char c = text_[pos_++];
            if (c == '"') {
                return true;
            }
            if (c == '\\') {
                if (!parse_escape(out)) {
                    return false;
                }
            } else if (static_cast<unsigned char>(c) < 0x20) {
                return false;  // JSON forbids raw control characters in strings
            } else {
                out += c;
            }
        }
        return false;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

void append_extra_fields(std::span<const domain::ExtraField> fields, std::string& out) {
    out += '[';
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += '[';
        append_json_string(fields[i].name, out);
        out += ',';
        append_json_string(fields[i].value, out);
        out += ']';
    }
    out += ']';
}

std::optional<std::vector<domain::ExtraField>> decode_extra_fields(std::string_view json) {
    std::vector<domain::ExtraField> fields;
    Parser parser(json);
    if (!parser.parse_fields(fields) || !parser.at_end()) {
        return std::nullopt;
    }
    return fields;
}

}  // namespace onstage::store::sqlite
