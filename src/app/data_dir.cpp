#include "app/data_dir.hpp"

#include <sys/stat.h>

#include <array>
#include <chrono>
#include <ctime>

namespace onstage::app {
namespace fs = std::filesystem;

std::unique_ptr<store::Store> open_store(const fs::path& data_dir) {
    std::error_code ec;
    if (fs::create_directories(data_dir, ec)) {
        ::chmod(data_dir.c_str(), 0700);
    }
    if (ec) {
        throw store::StoreError(
            store::StoreErrorCode::io,
            "cannot create data directory " + data_dir.string() + ": " + ec.message());
    }
    return store::open_sqlite_store(data_dir / "onstage.db");
}

domain::TimeMs now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string format_utc(domain::TimeMs ms) {
    const std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    std::array<char, 32> buf{};
    const std::size_t n = std::strftime(buf.data(), buf.size(), "%Y-%m-%d %H:%M:%SZ", &tm);
    return std::string(buf.data(), n);
}

}  // namespace onstage::app
