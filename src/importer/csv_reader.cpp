#include "importer/csv_reader.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <unordered_map>
#include <utility>

#include "importer/import_limits.hpp"

namespace onstage::importer {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::size_t kMaxQuotedChars = 40;

std::string_view strip_bom(std::string_view bytes) {
    if (bytes.starts_with(kBom)) {
        bytes.remove_prefix(kBom.size());
    }
    return bytes;
}

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U;
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_control(unsigned char c) {
    return c < 0x20U || c == 0x7FU;
}

void append_hex_byte(std::string& out, unsigned char byte) {
    constexpr std::string_view kHex = "0123456789ABCDEF";
    out.push_back(kHex[static_cast<std::size_t>(byte) >> 4U]);
    out.push_back(kHex[static_cast<std::size_t>(byte) & 0x0FU]);
}

// Appends `text` with control characters written as escapes, so it stays on one line.
void append_escaped(std::string& out, std::string_view text) {
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\r') {
            out += "\\r";
        } else if (c == '\t') {
            out += "\\t";
        } else if (is_control(byte)) {
            out += "\\x";
            append_hex_byte(out, byte);
        } else {
            out.push_back(c);
        }
    }
}

// Length of the well-formed UTF-8 sequence starting at `i`, or 0 if there is none (Unicode
// table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF, nothing cut short).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80U) {
        return 1;
    }
    // Below C2: a continuation byte or the lead of an overlong 2-byte form; above F4: beyond
    // U+10FFFF or not UTF-8 at all.
    if (lead < 0xC2U || lead > 0xF4U) {
        return 0;
    }
    std::size_t length = 2;
    unsigned char second_min = 0x80U;
    unsigned char second_max = 0xBFU;
    if (lead >= 0xF0U) {
        length = 4;
        second_min = lead == 0xF0U ? 0x90U : second_min;  // overlong
        second_max = lead == 0xF4U ? 0x8FU : second_max;  // above U+10FFFF
    } else if (lead >= 0xE0U) {
        length = 3;
        second_min = lead == 0xE0U ? 0xA0U : second_min;  // overlong
        second_max = lead == 0xEDU ? 0x9FU : second_max;  // surrogates
    }
    if (text.size() - i < length) {
        return 0;
    }
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < second_min || second > second_max) {
        return 0;
    }
    for (std::size_t k = 2; k < length; ++k) {
        if (!is_continuation(text[i + k])) {
            return 0;
        }
    }
    return length;
}

// Offset of the first byte that does not begin a well-formed UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view text) {
    constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.size() - i >= sizeof(std::uint64_t)) {
            std::uint64_t chunk = 0;
            std::memcpy(&chunk, text.data() + i, sizeof chunk);
            if ((chunk & kHighBits) == 0) {  // eight ASCII bytes: the common case
                i += sizeof chunk;
                continue;
            }
        }
        const std::size_t length = utf8_sequence_length(text, i);
        if (length == 0) {
            return i;
        }
        i += length;
    }
    return std::string_view::npos;
}

// Length of the physical line break at `i` (LF, CRLF or a lone CR), 0 if there is none.
std::size_t break_length(std::string_view text, std::size_t i) {
    if (text[i] == '\n') {
        return 1;
    }
    if (text[i] == '\r') {
        return (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
    }
    return 0;
}

// Turns byte offsets into line and column. Scans forward only, so a series of increasing
// offsets (the cells of a header) costs one pass. `text` must be valid UTF-8 up to the offsets.
class PositionTracker {
public:
    explicit PositionTracker(std::string_view text) : text_(text) {}

    CsvPosition at(std::size_t offset) {
        offset = std::min(offset, text_.size());
        while (pos_ < offset) {
            const std::size_t length = break_length(text_, pos_);
            if (length == 0) {
                ++pos_;
                continue;
            }
            pos_ += length;
            ++line_;
            counted_to_ = pos_;
            column_ = 1;
        }
        for (; counted_to_ < offset; ++counted_to_) {
            column_ += is_continuation(text_[counted_to_]) ? 0U : 1U;
        }
        return {line_, column_};
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t counted_to_ = 0;  // column_ is the column of this offset
    std::size_t column_ = 1;
};

std::size_t offset_of_line(std::string_view text, std::size_t line) {
    std::size_t i = 0;
    for (std::size_t current = 1; current < line && i < text.size();) {
        const std::size_t length = break_length(text, i);
        if (length == 0) {
            ++i;
        } else {
            i += length;
            ++current;
        }
    }
    return i;
}

// A problem found while scanning, before it is turned into a line and column.
struct ScanFailure {
    std::size_t offset = 0;
    std::string code;
    std::string message;
};

enum class FieldEnd : std::uint8_t { comma, record };

// Reads fields one at a time, keeping the physical line number. `text` is BOM-free, valid UTF-8.
class FieldScanner {
public:
    explicit FieldScanner(std::string_view text, std::size_t pos = 0, std::size_t line = 1)
        : text_(text), pos_(pos), line_(line) {}

    bool at_end() const { return pos_ >= text_.size(); }
    std::size_t pos() const { return pos_; }
    std::size_t line() const { return line_; }
    // Offset just after the content of the last field read (before its comma or line break).
    std::size_t field_end() const { return field_end_; }
    bool starts_quoted(std::size_t offset) const {
        return offset < text_.size() && text_[offset] == '"';
    }

    // Replaces `out` with the field at the current position and moves past its separator.
    Result<FieldEnd, ScanFailure> read_field(std::string& out) {
        if (!at_end() && text_[pos_] == '"') {
            return read_quoted(out);
        }
        // A quote that does not open the field is kept as text: spreadsheets write O"Brien so.
        const std::size_t start = pos_;
        while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '\n' &&
               text_[pos_] != '\r') {
            ++pos_;
        }
        out.assign(text_.data() + start, pos_ - start);
        field_end_ = pos_;
        return finish_field();
    }

private:
    Result<FieldEnd, ScanFailure> read_quoted(std::string& out) {
        const std::size_t open = pos_++;
        out.clear();
        std::size_t segment = pos_;  // appended in runs between doubled quotes, not per byte
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c == '"') {
                if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
                    out.append(text_.data() + segment, pos_ + 1 - segment);
                    pos_ += 2;
                    segment = pos_;
                    continue;
                }
                out.append(text_.data() + segment, pos_ - segment);
                field_end_ = ++pos_;
                if (at_end() || text_[pos_] == ',' || text_[pos_] == '\n' || text_[pos_] == '\r') {
                    return finish_field();
                }
                return fail(ScanFailure{pos_, "csv_bad_quote",
                                        "text after the closing quote of a quoted field; write "
                                        "a quote inside a quoted field as two quotes (\"\")"});
            }
            const std::size_t length = break_length(text_, pos_);
            if (length != 0) {
                pos_ += length;
                ++line_;
            } else {
                ++pos_;
            }
        }
        return fail(
            ScanFailure{open, "csv_unterminated_quote", "unterminated quoted field (starts here)"});
    }

    FieldEnd finish_field() {
        if (at_end()) {
            return FieldEnd::record;
        }
        if (text_[pos_] == ',') {
            ++pos_;
            return FieldEnd::comma;
        }
        pos_ += break_length(text_, pos_);
        ++line_;
        return FieldEnd::record;
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
    std::size_t field_end_ = 0;
};

// Reads one record into `fields` (cleared first). `starts`, if given, receives the offset of
// each field. A record with more than `max_fields` fields fails (0: no limit).
Result<Ok, ScanFailure> read_record(FieldScanner& scanner, std::vector<std::string>& fields,
                                    std::vector<std::size_t>* starts, std::size_t max_fields) {
    fields.clear();
    for (;;) {
        if (max_fields != 0 && fields.size() == max_fields) {
            return fail(ScanFailure{scanner.pos(), "csv_too_many_fields",
                                    "this row has more fields than the header's " +
                                        std::to_string(max_fields) +
                                        " columns; the first extra field starts here"});
        }
        if (starts != nullptr) {
            starts->push_back(scanner.pos());
        }
        auto end = scanner.read_field(fields.emplace_back());
        if (!end) {
            return fail(end.error());
        }
        if (*end == FieldEnd::record) {
            return Ok{};
        }
    }
}

// A blank line: one unquoted field of only spaces and tabs (an empty line is one empty field).
bool is_blank_record(const FieldScanner& scanner, std::size_t start,
                     const std::vector<std::string>& fields) {
    return fields.size() == 1 && !scanner.starts_quoted(start) &&
           std::all_of(fields[0].begin(), fields[0].end(),
                       [](char c) { return c == ' ' || c == '\t'; });
}

CsvError to_error(std::string_view text, std::string_view file_name, ScanFailure failure) {
    const CsvPosition at = PositionTracker(text).at(failure.offset);
    return CsvError{std::string(file_name), at.line, at.column, std::move(failure.code),
                    std::move(failure.message)};
}

std::optional<ScanFailure> check_header(const std::vector<std::string>& header,
                                        const std::vector<std::size_t>& starts) {
    std::unordered_map<std::string, std::size_t> seen;
    seen.reserve(header.size());
    for (std::size_t i = 0; i < header.size(); ++i) {
        std::string name = normalize_header_name(header[i]);
        if (name.empty()) {
            return ScanFailure{
                starts[i], "csv_empty_header",
                "header cell " + std::to_string(i + 1) + " is empty; every column needs a name"};
        }
        const auto [it, inserted] = seen.emplace(std::move(name), i);
        if (!inserted) {
            return ScanFailure{starts[i], "csv_duplicate_header",
                               "column name " + quote_for_message(header[i]) +
                                   " repeats header cell " + std::to_string(it->second + 1) + " (" +
                                   quote_for_message(header[it->second]) +
                                   "); names are compared ignoring case and edge spaces"};
        }
    }
    return std::nullopt;
}

// Skips blank lines, reads the header record and checks its names.
Result<Ok, ScanFailure> read_header(FieldScanner& scanner, std::string_view text, CsvTable& table) {
    std::vector<std::size_t> starts;
    while (!scanner.at_end()) {
        const std::size_t line = scanner.line();
        const std::size_t start = scanner.pos();
        starts.clear();
        if (auto read = read_record(scanner, table.header, &starts, 0); !read) {
            return read;
        }
        if (is_blank_record(scanner, start, table.header)) {
            continue;
        }
        if (auto failure = check_header(table.header, starts)) {
            return fail(std::move(*failure));
        }
        table.header_line = line;
        PositionTracker tracker(text);
        table.header_positions.reserve(starts.size());
        for (const std::size_t offset : starts) {
            table.header_positions.push_back(tracker.at(offset));
        }
        return Ok{};
    }
    return fail(ScanFailure{0, "csv_empty_file",
                            "the file has no header row (it is empty or only blank lines)"});
}

// Rows are at most one per line break; blank lines make that an overestimate, so the guess is
// capped to keep a file of empty lines from reserving many times its own size.
std::size_t estimated_rows(std::string_view text) {
    const auto breaks = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
    return std::min(breaks + 1, text.size() / 16 + 1);
}

}  // namespace

std::string CsvError::describe() const {
    std::string out;
    out.reserve(file.size() + message.size() + 32);
    append_escaped(out, file);
    if (line != 0) {
        out += ':' + std::to_string(line) + ':' + std::to_string(column);
    }
    out += ": ";
    append_escaped(out, message);
    return out;
}

std::string CsvError::to_string() const {
    std::string out = describe();
    out += " [";
    append_escaped(out, code);
    out += ']';
    return out;
}

Result<CsvTable, CsvError> parse_csv(std::string_view bytes, std::string_view file_name) {
    if (bytes.size() > import_limits::kMaxCsvBytes) {
        return fail(CsvError{std::string(file_name), 0, 0, "csv_file_too_large",
                             "the file is larger than " +
                                 std::to_string(import_limits::kMaxCsvBytes >> 20U) +
                                 " MiB; is it the right file?"});
    }
    const std::string_view text = strip_bom(bytes);
    if (const std::size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
        std::string message = "invalid UTF-8 (byte 0x";
        append_hex_byte(message, static_cast<unsigned char>(text[bad]));
        message += "); save the file as UTF-8 (\"CSV UTF-8\" in spreadsheet programs)";
        return fail(
            to_error(text, file_name, ScanFailure{bad, "csv_invalid_utf8", std::move(message)}));
    }
    FieldScanner scanner(text);
    CsvTable table;
    if (auto header = read_header(scanner, text, table); !header) {
        return fail(to_error(text, file_name, header.error()));
    }
    const std::size_t columns = table.header.size();
    table.rows.reserve(estimated_rows(text.substr(scanner.pos())));
    while (!scanner.at_end()) {
        CsvRow row;
        row.line = scanner.line();
        const std::size_t start = scanner.pos();
        row.fields.reserve(columns);
        if (auto read = read_record(scanner, row.fields, nullptr, columns); !read) {
            return fail(to_error(text, file_name, read.error()));
        }
        if (!is_blank_record(scanner, start, row.fields)) {
            table.rows.push_back(std::move(row));
        }
    }
    return table;
}

CsvPosition locate_field(std::string_view bytes, std::size_t line, std::size_t index) {
    const std::string_view text = strip_bom(bytes);
    const std::size_t record_start = offset_of_line(text, line);
    FieldScanner scanner(text, record_start, line);
    std::size_t target = record_start;
    std::string scratch;
    for (std::size_t i = 0; i < index; ++i) {
        const auto end = scanner.read_field(scratch);
        if (!end || *end == FieldEnd::record) {
            target = end ? scanner.field_end() : scanner.pos();
            break;
        }
        target = scanner.pos();
    }
    return PositionTracker(text).at(target);
}

std::string_view trim_whitespace(std::string_view text) {
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::string normalize_header_name(std::string_view name) {
    std::string out(trim_whitespace(name));
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string quote_for_message(std::string_view text) {
    std::string out = "\"";
    std::size_t chars = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        if (!is_continuation(text[i]) && ++chars > kMaxQuotedChars) {
            break;
        }
        if (text[i] == '"' || text[i] == '\\') {
            out.push_back('\\');
        }
        append_escaped(out, text.substr(i, 1));
    }
    out += i < text.size() ? "...\"" : "\"";
    return out;
}

}  // namespace onstage::importer
