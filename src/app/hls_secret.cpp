#include "app/hls_secret.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include "app/event_commands.hpp"
#include "auth/random.hpp"

namespace onstage::app {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMinChars = 32;
constexpr std::size_t kMaxChars = 256;

std::optional<std::string> read_text(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        return std::nullopt;
    }
    std::ifstream in(path, std::ios::binary);
    std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.is_open() || in.bad()) {
        return std::nullopt;
    }
    while (!content.empty() && std::isspace(static_cast<unsigned char>(content.back())) != 0) {
        content.pop_back();
    }
    return content;
}

bool well_formed(const std::string& secret) {
    if (secret.size() < kMinChars || secret.size() > kMaxChars) {
        return false;
    }
    for (const char c : secret) {
        if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '-') {
            return false;
        }
    }
    return true;
}

Result<std::string, HlsSecretError> read_secret(const fs::path& path) {
    auto secret = read_text(path);
    if (!secret) {
        return fail(HlsSecretError{"hls_secret_unreadable",
                                   fmt::format("cannot read the HLS secret {}", path.string())});
    }
    if (!well_formed(*secret)) {
        return fail(HlsSecretError{
            "hls_secret_invalid",
            fmt::format("{}: the HLS secret must be {}..{} characters of A-Z a-z 0-9 _ -",
                        path.string(), kMinChars, kMaxChars)});
    }
    return std::move(*secret);
}

std::string random_hex_secret() {
    std::array<std::uint8_t, kSecretBytes> bytes{};
    auth::random_bytes(bytes);
    std::string hex;
    for (const auto b : bytes) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

// Creates `path` with a fresh secret; false if it exists already (another serve won the race).
// Written to a temporary file and linked into place, so no reader ever sees it half written.
Result<bool, HlsSecretError> create_secret(const fs::path& path) {
    const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
    const std::string content = random_hex_secret() + "\n";
    int error = 0;
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = errno;
    } else {
        const bool written =
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
        if (!written) {
            error = errno;
        }
        if (::close(fd) != 0 && error == 0) {
            error = errno;
        }
        if (error == 0 && ::link(tmp.c_str(), path.c_str()) != 0) {
            error = errno;
        }
        ::unlink(tmp.c_str());
    }
    if (error == EEXIST) {
        return false;
    }
    if (error != 0) {
        return fail(HlsSecretError{
            "hls_secret_unreadable",
            fmt::format("cannot create the HLS secret {}: {}", path.string(),
                        std::strerror(error))});  // NOLINT(concurrency-mt-unsafe): start-up
    }
    return true;
}

}  // namespace

Result<std::string, HlsSecretError> load_or_create_hls_secret(const fs::path& data_dir,
                                                              const fs::path& configured) {
    if (!configured.empty()) {
        return read_secret(configured);
    }
    const fs::path path = data_dir / "hls.secret";
    std::error_code ec;
    if (!fs::exists(path, ec)) {
        auto created = create_secret(path);
        if (!created) {
            return fail(created.error());
        }
    }
    return read_secret(path);
}

int configure_hls(const fs::path& data_dir, const BroadcastSettings& broadcast,
                  api::ServeOptions& serve) {
    auto secret = load_or_create_hls_secret(data_dir, broadcast.hls_secret_file);
    if (!secret) {
        return report_error(secret.error().code, secret.error().message);
    }
    serve.hls.root = std::filesystem::absolute(data_dir / "hls");
    serve.hls.secret = std::move(secret).value();
    serve.hls.cookie_seconds = broadcast.hls_cookie_seconds;
    return 0;
}

}  // namespace onstage::app
