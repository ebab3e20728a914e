// The built web apps (web/dist), loaded into memory once at start-up: a few hundred KiB that
// every page load asks for, so no disk I/O on the I/O threads. Hashed assets are cached for a
// year; the HTML pages are revalidated on every load so a new release shows at once.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace onstage::api {

struct StaticFile {
    std::string body;
    std::string content_type;
    bool immutable = false;  // hashed asset: Cache-Control immutable
};

class StaticFiles {
public:
    // Loads every file under `root`; an absent root leaves the set empty (the server then
    // shows placeholder pages).
    explicit StaticFiles(const std::filesystem::path& root);

    bool empty() const { return files_.empty(); }
    // The file for a request path: "/attendee" → attendee.html, "/assets/x-1a2b.js" → that
    // asset. nullptr for anything else (including any path with "..").
    const StaticFile* find(std::string_view path) const;

    static std::string_view content_type_for(std::string_view file_name);

private:
    std::unordered_map<std::string, StaticFile> files_;  // by URL path
};

}  // namespace onstage::api
