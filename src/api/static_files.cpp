#include "api/static_files.hpp"

#include <array>
#include <fstream>
#include <sstream>

namespace onstage::api {
namespace fs = std::filesystem;

namespace {

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

std::string_view StaticFiles::content_type_for(std::string_view name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes{{
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    }};
    for (const auto& [ext, type] : kTypes) {
        if (name.ends_with(ext)) {
            return type;
        }
    }
    return "application/octet-stream";
}

StaticFiles::StaticFiles(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec)) {
        return;
    }
    for (const auto& entry : fs::recursive_directory_iterator(root, ec)) {
        if (!entry.is_regular_file()) {
            continue;
        }
        const std::string rel = fs::relative(entry.path(), root).generic_string();
        StaticFile file{read_whole(entry.path()), std::string(content_type_for(rel)),
                        rel.starts_with("assets/")};
        // Built with append rather than "/" + rel: GCC 12 at -O2 reports a false -Wrestrict
        // on operator+(const char*, string&&).
        std::string route(1, '/');
        route.append(rel);
        if (rel.ends_with(".html") && rel.find('/') == std::string::npos) {
            // App pages answer at their route without the extension: /attendee, /moderator…
            files_.emplace(route.substr(0, route.size() - 5), file);
        }
        files_.emplace(std::move(route), std::move(file));
    }
}

const StaticFile* StaticFiles::find(std::string_view path) const {
    if (path.find("..") != std::string_view::npos) {
        return nullptr;
    }
    const auto it = files_.find(std::string(path));
    return it == files_.end() ? nullptr : &it->second;
}

}  // namespace onstage::api
