// libFuzzer target for the roster reader: organisers' CSV files are untrusted bytes. Beyond "no
// crash, no sanitizer report" it checks what callers rely on: a roster's names are usable, its
// rows line up with its columns, errors point somewhere, and a parsed table survives being
// written back out and read again. Built and run by tests/fuzz/run-fuzzer (single-threaded).
// fuzz-sources: src/importer/csv_reader.cpp src/importer/roster.cpp
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "domain/limits.hpp"
#include "importer/csv_reader.hpp"
#include "importer/roster.hpp"

namespace {

using onstage::importer::CsvError;
using onstage::importer::CsvPosition;
using onstage::importer::CsvTable;
using onstage::importer::Roster;

void check(bool holds, const char* invariant) {
    if (!holds) {
        std::fprintf(stderr, "invariant violated: %s\n", invariant);
        std::abort();
    }
}

// Written independently of the reader's validator, so the two check each other.
bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        std::size_t length = 1;
        std::uint32_t cp = lead;
        if (lead >= 0xF0U) {
            length = 4;
            cp = lead & 0x07U;
        } else if (lead >= 0xE0U) {
            length = 3;
            cp = lead & 0x0FU;
        } else if (lead >= 0xC0U) {
            length = 2;
            cp = lead & 0x1FU;
        } else if (lead >= 0x80U) {
            return false;
        }
        if (text.size() - i < length) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(text[i + k]);
            if ((next & 0xC0U) != 0x80U) {
                return false;
            }
            cp = (cp << 6U) | (next & 0x3FU);
        }
        constexpr std::uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMinForLength[length] || cp > 0x10FFFFU || (cp >= 0xD800U && cp <= 0xDFFFU)) {
            return false;
        }
        i += length;
    }
    return true;
}

bool has_edge_space(std::string_view text) {
    return onstage::importer::trim_whitespace(text).size() != text.size();
}

void check_error(const CsvError& error) {
    check(error.file == "fuzz.csv", "error names the file");
    check(error.code.starts_with("csv_") && error.code != "csv_unreadable",
          "error code is a csv_ code other than csv_unreadable");
    check(error.line >= 1 && error.column >= 1, "error has a line and column");
    check(!error.message.empty(), "error has a message");
    const std::string line = error.to_string();
    check(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos,
          "to_string is one line");
}

void check_roster(const Roster& roster) {
    check(roster.extra_columns.size() == roster.extra_column_numbers.size(),
          "every extra column has a column number");
    std::size_t previous_line = roster.header_line;
    for (const auto& entry : roster.entries) {
        check(!entry.full_name.empty(), "full_name is not empty");
        check(is_valid_utf8(entry.full_name), "full_name is valid UTF-8");
        check(entry.full_name.size() <= onstage::domain::limits::kMaxNameBytes,
              "full_name is within the byte limit");
        for (const char c : entry.full_name) {
            const auto byte = static_cast<unsigned char>(c);
            check(byte >= 0x20U && byte != 0x7FU, "full_name has no control characters");
        }
        check(!has_edge_space(entry.full_name) && !has_edge_space(entry.email),
              "full_name and email are trimmed");
        check(entry.extra.size() == roster.extra_columns.size(),
              "extra values line up with extra columns");
        check(entry.line > previous_line, "entries are in file order");
        previous_line = entry.line;
    }
}

// Every field quoted: the one spelling that must read back as exactly the same fields.
std::string write_quoted(const CsvTable& table) {
    std::string out;
    const auto append_record = [&out](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            out += i == 0 ? "\"" : ",\"";
            for (const char c : fields[i]) {
                out += c == '"' ? "\"\"" : std::string_view(&c, 1);
            }
            out += '"';
        }
        out += "\r\n";
    };
    append_record(table.header);
    for (const auto& row : table.rows) {
        append_record(row.fields);
    }
    return out;
}

void check_table(std::string_view bytes, const CsvTable& table) {
    check(!table.header.empty() && table.header_positions.size() == table.header.size(),
          "header cells have positions");
    for (const auto& row : table.rows) {
        check(row.fields.size() <= table.header.size(), "no row is wider than the header");
        check(row.line > table.header_line, "rows come after the header");
    }
    if (!table.rows.empty()) {
        const std::size_t line = table.rows.back().line;
        check(onstage::importer::locate_field(bytes, line, 0) == CsvPosition{line, 1},
              "a record's first field starts its line");
    }
    auto again = onstage::importer::parse_csv(write_quoted(table), "fuzz.csv");
    check(again.ok(), "a written-back table parses");
    check(again->header == table.header && again->rows.size() == table.rows.size(),
          "a written-back table has the same header and row count");
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        check(again->rows[i].fields == table.rows[i].fields, "a written-back row reads the same");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto roster = onstage::importer::read_roster(bytes, "fuzz.csv");
    if (roster) {
        check_roster(*roster);
    } else {
        check_error(roster.error());
    }
    auto table = onstage::importer::parse_csv(bytes, "fuzz.csv");
    if (table) {
        check_table(bytes, *table);
    } else {
        check_error(table.error());
        check(!roster.ok(), "a file the CSV reader refuses is no roster");
    }
    return 0;
}
