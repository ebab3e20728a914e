// Writers for the files onstage hands to organisers: JSON string escaping and RFC 4180 CSV
// fields, appended to one buffer (no per-value allocation), plus a set of files that appear
// in their directory all together or not at all.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::importer {

// Appends `value` as a JSON string literal (quotes included). `value` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view value);

// Appends one CSV field, quoted only when it holds a comma, quote, CR, LF or edge spaces.
void append_csv_field(std::string& out, std::string_view value);

// Files staged under temporary names in one directory, fsynced, then renamed into place by
// commit(). Destroying an uncommitted set removes what it staged, so a failure anywhere before
// commit() leaves the directory as it was.
class StagedFiles {
public:
    explicit StagedFiles(std::filesystem::path dir);
    ~StagedFiles();
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    // Creates the directory if needed and writes `contents` to a temporary file beside `name`.
    // Throws std::runtime_error naming the path on any I/O failure.
    void stage(const std::string& name, std::string_view contents);
    // Renames every staged file to its final name and fsyncs the directory.
    void commit();
    // Final paths of the staged files, in staging order.
    std::vector<std::filesystem::path> paths() const;

private:
    struct Entry {
        std::filesystem::path temp;
        std::filesystem::path final;
    };
    std::filesystem::path dir_;
    std::vector<Entry> entries_;
    bool created_dir_ = false;  // removed again (if still empty) when nothing is committed
    bool committed_ = false;
};

}  // namespace onstage::importer
