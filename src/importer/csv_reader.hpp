// RFC 4180 CSV reading for the roster files organisers export from spreadsheets. Turns bytes in
// memory into a header and rows, or into exactly one error that names the file, line, column
// and a stable code, so the organiser can fix the spreadsheet. Pure functions: no I/O, no
// shared state; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"

namespace onstage::importer {

struct CsvRow {
    std::size_t line = 0;             // 1-based physical line on which the record starts
    std::vector<std::string> fields;  // verbatim; never more than the header, possibly fewer
};

// Where something is in a CSV file, as an editor shows it: 1-based physical line (LF, CRLF
// and a lone CR each end one) and 1-based column counted in Unicode code points.
struct CsvPosition {
    std::size_t line = 0;
    std::size_t column = 0;
    bool operator==(const CsvPosition&) const = default;
};

struct CsvTable {
    std::size_t header_line = 0;                // physical line of the header record
    std::vector<std::string> header;            // verbatim cells of the header record
    std::vector<CsvPosition> header_positions;  // where each header cell starts
    std::vector<CsvRow> rows;                   // blank lines are not rows
};

struct CsvError {
    std::string file;
    // Both 1-based. Both 0 when the error concerns the whole file (csv_unreadable,
    // csv_file_too_large).
    std::size_t line = 0;
    std::size_t column = 0;
    std::string code;  // stable snake_case, e.g. "csv_unterminated_quote"
    std::string message;

    // One line: "attendees.csv:12:5: unterminated quoted field (starts here)
    // [csv_unterminated_quote]", or "attendees.csv: message [code]" for whole-file errors.
    // Control characters from the file name or the data are escaped, so it never breaks a line.
    std::string to_string() const;
    // The same without the trailing " [code]", for callers that print the code themselves.
    std::string describe() const;
};

// Parses a whole CSV file. The first non-blank record is the header; a blank line (nothing, or
// only spaces and tabs, and no comma) is skipped wherever it is. A leading UTF-8 BOM is
// ignored and does not count as a column. Errors: csv_invalid_utf8, csv_unterminated_quote,
// csv_bad_quote, csv_too_many_fields, csv_empty_file, csv_empty_header, csv_duplicate_header,
// csv_file_too_large. Invalid UTF-8 is reported before any other problem: a file saved in the
// wrong encoding is the first thing to fix.
Result<CsvTable, CsvError> parse_csv(std::string_view bytes, std::string_view file_name);

// Where field `index` (0-based) of the record starting on physical line `line` begins in
// `bytes` (the same bytes parse_csv accepted). For a field the record does not have (a short
// row), the place just after its last field. Scans from the start of `bytes`: meant for
// reporting errors, not for every row.
CsvPosition locate_field(std::string_view bytes, std::size_t line, std::size_t index);

// `text` without surrounding ASCII whitespace (space, tab, CR, LF, VT, FF).
std::string_view trim_whitespace(std::string_view text);

// The form in which header names are compared: trimmed, ASCII letters lower-cased.
std::string normalize_header_name(std::string_view name);

// `text` in double quotes for an error message: control characters, quotes and backslashes
// escaped, cut after 40 code points. `text` must be valid UTF-8.
std::string quote_for_message(std::string_view text);

}  // namespace onstage::importer
