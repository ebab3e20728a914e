// Writers for the files onstage hands to organisers: JSON string escaping and RFC 4180 CSV
// fields, appended to a buffer that streams to its file as it fills (no per-value allocation,
// memory independent of the file's size), plus a set of files that appear in their directory
// only after everything else succeeded.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::importer {

// Appends `value` as a JSON string literal (quotes included). `value` must be valid UTF-8.
void append_json_string(std::string& out, std::string_view value);

// Appends one CSV field, quoted only when it holds a comma, quote, CR, LF or edge spaces.
void append_csv_field(std::string& out, std::string_view value);

// Text being rendered into a file: append to text(), call record_done() after each record so a
// full buffer is handed on. Without a flush function it just accumulates (tests, small files).
class TextSink {
public:
    using Flush = std::function<void(std::string_view)>;
    explicit TextSink(Flush flush = {}, std::size_t buffer_bytes = std::size_t{1} << 20U)
        : flush_(std::move(flush)), buffer_bytes_(buffer_bytes) {
        text_.reserve(flush_ ? buffer_bytes_ + (buffer_bytes_ >> 2U) : 0);
    }
    std::string& text() { return text_; }
    void record_done() {
        if (flush_ && text_.size() >= buffer_bytes_) {
            finish();
        }
    }
    // Hands on whatever is buffered.
    void finish() {
        if (flush_ && !text_.empty()) {
            flush_(text_);
            text_.clear();
        }
    }

private:
    Flush flush_;
    std::size_t buffer_bytes_;
    std::string text_;
};

// Files staged under temporary names in one directory, fsynced, then renamed into place by
// commit(). Destroying an uncommitted set removes what it staged, so a failure anywhere before
// commit() leaves the directory as it was.
class StagedFiles {
public:
    explicit StagedFiles(std::filesystem::path dir);
    ~StagedFiles();
    StagedFiles(const StagedFiles&) = delete;
    StagedFiles& operator=(const StagedFiles&) = delete;

    // Creates the directory if needed and streams what `render` writes into a temporary file
    // beside `name`, then fsyncs it. Throws std::runtime_error naming the path on I/O failure.
    void stage(const std::string& name, const std::function<void(TextSink&)>& render);
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
