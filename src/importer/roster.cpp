#include "importer/roster.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>

#include "domain/limits.hpp"
#include "importer/import_limits.hpp"

namespace onstage::importer {
namespace {

constexpr std::string_view kNameColumn = "full_name";
constexpr std::string_view kEmailColumn = "email";
// The missing-column message lists this many header names at most, to stay readable.
constexpr std::size_t kMaxListedColumns = 10;

struct ColumnMap {
    std::optional<std::size_t> full_name;
    std::optional<std::size_t> email;
    std::vector<std::size_t> extra;  // every other column, in file order
};

// parse_csv has already refused duplicate names, so each column is found at most once.
ColumnMap map_columns(const std::vector<std::string>& header) {
    ColumnMap map;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string name = normalize_header_name(header[i]);
        if (name == kNameColumn) {
            map.full_name = i;
        } else if (name == kEmailColumn) {
            map.email = i;
        } else {
            map.extra.push_back(i);
        }
    }
    return map;
}

CsvError missing_full_name(const CsvTable& table, std::string_view file_name) {
    std::string found;
    const std::size_t listed = std::min(table.header.size(), kMaxListedColumns);
    for (std::size_t i = 0; i < listed; ++i) {
        found += (i == 0 ? "" : ", ") + quote_for_message(trim_whitespace(table.header[i]));
    }
    if (table.header.size() > listed) {
        found += " and " + std::to_string(table.header.size() - listed) + " more";
    }
    return CsvError{std::string(file_name), table.header_line, 1, "csv_missing_full_name",
                    "no full_name column; the header has " + found +
                        "; name the column that holds people's names full_name"};
}

std::string take_field(CsvRow& row, std::size_t index) {
    return index < row.fields.size() ? std::move(row.fields[index]) : std::string();
}

std::string trimmed(std::string value) {
    const std::string_view kept = trim_whitespace(value);
    if (kept.size() == value.size()) {
        return value;
    }
    return std::string(kept);
}

// Spreadsheets write a row whose cells were cleared as ",,,"; it holds nobody.
bool is_empty_row(const CsvRow& row) {
    return std::all_of(row.fields.begin(), row.fields.end(),
                       [](const std::string& field) { return trim_whitespace(field).empty(); });
}

struct NameProblem {
    std::string code;
    std::string message;
};

std::optional<NameProblem> check_name(std::string_view name) {
    if (name.empty()) {
        return NameProblem{"csv_empty_name", "full_name is empty; every row needs a name"};
    }
    for (const char c : name) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20U || byte == 0x7FU) {
            constexpr std::string_view kHex = "0123456789ABCDEF";
            std::string code_point = "U+00";
            code_point.push_back(kHex[static_cast<std::size_t>(byte) >> 4U]);
            code_point.push_back(kHex[static_cast<std::size_t>(byte) & 0x0FU]);
            return NameProblem{"csv_bad_name", "full_name contains the control character " +
                                                   code_point +
                                                   "; a name must be one line of plain text"};
        }
    }
    if (name.size() > domain::limits::kMaxNameBytes) {
        return NameProblem{"csv_name_too_long", "full_name is " + std::to_string(name.size()) +
                                                    " bytes long in UTF-8; the limit is " +
                                                    std::to_string(domain::limits::kMaxNameBytes)};
    }
    return std::nullopt;
}

// Moves one row's values into an entry, or says where its name is wrong.
Result<RosterEntry, CsvError> make_entry(CsvRow& row, const ColumnMap& columns,
                                         std::string_view bytes, const std::string& file_name) {
    RosterEntry entry;
    entry.line = row.line;
    entry.full_name = trimmed(take_field(row, *columns.full_name));
    if (auto problem = check_name(entry.full_name)) {
        const CsvPosition at = locate_field(bytes, row.line, *columns.full_name);
        return fail(CsvError{file_name, at.line, at.column, std::move(problem->code),
                             std::move(problem->message)});
    }
    if (columns.email) {
        entry.email = trimmed(take_field(row, *columns.email));
    }
    entry.extra.reserve(columns.extra.size());
    for (const std::size_t index : columns.extra) {
        entry.extra.push_back(take_field(row, index));
    }
    return entry;
}

CsvError whole_file_error(const std::filesystem::path& path, std::string code,
                          std::string message) {
    return CsvError{path.string(), 0, 0, std::move(code), std::move(message)};
}

CsvError unreadable(const std::filesystem::path& path, const std::string& reason) {
    return whole_file_error(path, "csv_unreadable", "cannot read the file: " + reason);
}

CsvError too_large(const std::filesystem::path& path) {
    return whole_file_error(path, "csv_file_too_large",
                            "the file is larger than " +
                                std::to_string(import_limits::kMaxCsvBytes >> 20U) +
                                " MiB; is it the right file?");
}

struct FileCloser {
    void operator()(std::FILE* file) const { static_cast<void>(std::fclose(file)); }
};

// The whole file, refusing directories and anything over the size limit before reading it all.
Result<std::string, CsvError> read_file_bytes(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec) {
        return fail(unreadable(path, ec.message()));
    }
    if (std::filesystem::is_directory(status)) {
        return fail(unreadable(path, std::make_error_code(std::errc::is_a_directory).message()));
    }
    std::uintmax_t expected = 0;
    if (std::filesystem::is_regular_file(status)) {
        expected = std::filesystem::file_size(path, ec);
        if (ec) {
            return fail(unreadable(path, ec.message()));
        }
        if (expected > import_limits::kMaxCsvBytes) {
            return fail(too_large(path));
        }
    }
    errno = 0;
    const std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        return fail(unreadable(path, std::generic_category().message(errno)));
    }
    // Not only regular files (a pipe has no size), so read until end of file, within the limit.
    constexpr std::size_t kChunk = std::size_t{1} << 16U;
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(expected) + kChunk);
    std::size_t got = kChunk;
    while (got == kChunk && bytes.size() <= import_limits::kMaxCsvBytes) {
        const std::size_t old_size = bytes.size();
        bytes.resize(old_size + kChunk);
        got = std::fread(bytes.data() + old_size, 1, kChunk, file.get());
        bytes.resize(old_size + got);
    }
    if (std::ferror(file.get()) != 0) {
        return fail(unreadable(path, std::generic_category().message(errno)));
    }
    if (bytes.size() > import_limits::kMaxCsvBytes) {
        return fail(too_large(path));
    }
    return bytes;
}

}  // namespace

Result<Roster, CsvError> read_roster(std::string_view bytes, std::string_view file_name) {
    auto parsed = parse_csv(bytes, file_name);
    if (!parsed) {
        return fail(parsed.error());
    }
    CsvTable& table = parsed.value();
    const ColumnMap columns = map_columns(table.header);
    if (!columns.full_name) {
        return fail(missing_full_name(table, file_name));
    }
    Roster roster;
    roster.file = std::string(file_name);
    roster.header_line = table.header_line;
    roster.extra_columns.reserve(columns.extra.size());
    roster.extra_column_numbers.reserve(columns.extra.size());
    for (const std::size_t index : columns.extra) {
        roster.extra_columns.emplace_back(trim_whitespace(table.header[index]));
        roster.extra_column_numbers.push_back(table.header_positions[index].column);
    }
    roster.entries.reserve(table.rows.size());
    for (CsvRow& row : table.rows) {
        if (is_empty_row(row)) {
            continue;
        }
        auto entry = make_entry(row, columns, bytes, roster.file);
        if (!entry) {
            return fail(entry.error());
        }
        roster.entries.push_back(std::move(entry).value());
    }
    return roster;
}

Result<Roster, CsvError> load_roster_file(const std::filesystem::path& path) {
    auto bytes = read_file_bytes(path);
    if (!bytes) {
        return fail(bytes.error());
    }
    return read_roster(bytes.value(), path.string());
}

}  // namespace onstage::importer
