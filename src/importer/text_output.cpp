#include "importer/text_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "auth/random.hpp"

namespace onstage::importer {
namespace fs = std::filesystem;

void append_json_string(std::string& out, std::string_view value) {
    static constexpr std::string_view kHex = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the current run of bytes that need no escaping
    for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(value.substr(run, i - run));
        run = i + 1;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += "\\u00";
            out.push_back(kHex[c >> 4U]);
            out.push_back(kHex[c & 0x0FU]);
        }
    }
    out.append(value.substr(run));
    out.push_back('"');
}

void append_csv_field(std::string& out, std::string_view value) {
    const bool edge_space = !value.empty() && (value.front() == ' ' || value.back() == ' ');
    if (!edge_space && value.find_first_of(",\"\r\n") == std::string_view::npos) {
        out.append(value);
        return;
    }
    out.push_back('"');
    for (char c : value) {
        if (c == '"') {
            out.push_back('"');
        }
        out.push_back(c);
    }
    out.push_back('"');
}

namespace {

[[noreturn]] void throw_io(const std::string& what, const fs::path& path, int err) {
    throw std::runtime_error(what + " " + path.string() + ": " +
                             std::error_code(err, std::generic_category()).message());
}

// An open file that closes itself; write errors throw with the path.
class OutputFile {
public:
    explicit OutputFile(fs::path path) : path_(std::move(path)) {
        fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            throw_io("cannot create", path_, errno);
        }
    }
    ~OutputFile() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = ::write(fd_, data.data(), data.size());
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                throw_io("cannot write", path_, errno);
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
    }
    void sync_and_close() {
        const int rc = ::fsync(fd_);
        const int err = errno;
        ::close(fd_);
        fd_ = -1;
        if (rc != 0) {
            throw_io("cannot flush", path_, err);
        }
    }

private:
    fs::path path_;
    int fd_ = -1;
};

void sync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

StagedFiles::StagedFiles(fs::path dir) : dir_(std::move(dir)) {}

StagedFiles::~StagedFiles() {
    if (committed_) {
        return;
    }
    std::error_code ec;
    for (const auto& e : entries_) {
        fs::remove(e.temp, ec);
    }
    if (created_dir_) {
        fs::remove(dir_, ec);  // only succeeds while empty, which is what we want
    }
}

void StagedFiles::stage(const std::string& name, const std::function<void(TextSink&)>& render) {
    std::error_code ec;
    if (entries_.empty() && !fs::exists(dir_, ec)) {
        created_dir_ = true;
    }
    fs::create_directories(dir_, ec);
    if (ec) {
        throw_io("cannot create directory", dir_, ec.value());
    }
    Entry entry{dir_ / ("." + name + ".tmp-" + auth::random_base32(8)), dir_ / name};
    entries_.push_back(entry);  // before writing, so a half-written temp file is removed too
    OutputFile file(entry.temp);
    TextSink sink([&file](std::string_view data) { file.write(data); });
    render(sink);
    sink.finish();
    file.sync_and_close();
}

void StagedFiles::stage(const std::string& name, std::string_view contents) {
    stage(name, [contents](TextSink& sink) { sink.text().append(contents); });
}

void StagedFiles::commit() {
    for (const auto& e : entries_) {
        std::error_code ec;
        fs::rename(e.temp, e.final, ec);
        if (ec) {
            throw_io("cannot rename into place", e.final, ec.value());
        }
    }
    committed_ = true;
    sync_dir(dir_);
}

std::vector<fs::path> StagedFiles::paths() const {
    std::vector<fs::path> out;
    out.reserve(entries_.size());
    for (const auto& e : entries_) {
        out.push_back(e.final);
    }
    return out;
}

}  // namespace onstage::importer
