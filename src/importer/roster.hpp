// Reads one roster CSV (a participant per row: full_name, optional email, any other columns
// passed through) into plain entries, or into the first problem as one CsvError naming file,
// line and column. read_roster is pure; load_roster_file blocks on file I/O. No shared state:
// safe to call from any thread.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.hpp"
#include "importer/csv_reader.hpp"

namespace onstage::importer {

struct RosterEntry {
    std::size_t line = 0;            // physical line where the row starts
    std::string full_name;           // trimmed; non-empty, no control characters, <= kMaxNameBytes
    std::string email;               // trimmed; empty when there is no email column or no value
    std::vector<std::string> extra;  // verbatim, aligned with Roster::extra_columns
};

struct Roster {
    std::string file;  // the name errors use
    std::size_t header_line = 0;
    // Columns other than full_name and email, in file order, header text trimmed (case kept).
    std::vector<std::string> extra_columns;
    std::vector<std::size_t> extra_column_numbers;  // column of each on header_line
    std::vector<RosterEntry> entries;               // in file order; duplicates are distinct people
};

// Header names are matched ignoring case and surrounding spaces: `full_name` is required,
// `email` is optional. Rows whose every field is empty or whitespace (`,,` as spreadsheets
// write for cleared rows) are skipped like blank lines. Errors: those of parse_csv, plus
// csv_missing_full_name, csv_empty_name, csv_bad_name (a control character), csv_name_too_long.
Result<Roster, CsvError> read_roster(std::string_view bytes, std::string_view file_name);

// Reads the file and then read_roster with the path as given as file name. Adds
// csv_unreadable (missing, a directory, no permission, read error) and csv_file_too_large
// (over import_limits::kMaxCsvBytes), both with line and column 0.
Result<Roster, CsvError> load_roster_file(const std::filesystem::path& path);

}  // namespace onstage::importer
