#include "api/hls_route.hpp"

#include <fstream>
#include <iterator>
#include <optional>

#include "api/async.hpp"
#include "auth/hls_cookie.hpp"

namespace onstage::api {
namespace {

namespace http = boost::beast::http;

constexpr std::size_t kMaxEventIdChars = 128;
constexpr std::size_t kMaxFileNameChars = 80;  // before the extension, as the spec's pattern

struct HlsTarget {
    std::string_view event_id;
    std::string_view file;
    bool playlist = false;
};

bool is_name_char(char c, bool dot_allowed) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || c == '_' || c == '-' || (dot_allowed && c == '.');
}

// "/hls/<event>/<file>" with <file> ^[A-Za-z0-9_.-]{1,80}\.(m3u8|ts)$ and no "..": anything
// else (percent-escapes, more slashes) is nullopt, so no name ever leaves the event's directory.
std::optional<HlsTarget> parse_target(std::string_view path) {
    constexpr std::string_view kPrefix = "/hls/";
    if (!path.starts_with(kPrefix)) {
        return std::nullopt;
    }
    path.remove_prefix(kPrefix.size());
    const auto slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash > kMaxEventIdChars) {
        return std::nullopt;
    }
    HlsTarget t{path.substr(0, slash), path.substr(slash + 1)};
    for (const char c : t.event_id) {
        if (!is_name_char(c, false)) {
            return std::nullopt;
        }
    }
    std::string_view stem;
    if (t.file.ends_with(".m3u8")) {
        stem = t.file.substr(0, t.file.size() - 5);
        t.playlist = true;
    } else if (t.file.ends_with(".ts")) {
        stem = t.file.substr(0, t.file.size() - 3);
    } else {
        return std::nullopt;
    }
    if (stem.empty() || stem.size() > kMaxFileNameChars ||
        t.file.find("..") != std::string_view::npos) {
        return std::nullopt;
    }
    for (const char c : stem) {
        if (!is_name_char(c, true)) {
            return std::nullopt;
        }
    }
    return t;
}

struct FileRead {
    bool found = false;
    std::uint64_t size = 0;
    std::string body;  // empty for HEAD
};

FileRead read_file(const std::filesystem::path& path, bool with_body) {
    FileRead out;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return out;
    }
    if (!with_body) {
        out.size = std::filesystem::file_size(path, ec);
        out.found = !ec;
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    // Deleted between the check and the read (the rolling window moved on): not found.
    out.found = in.is_open() && !in.bad();
    out.size = out.body.size();
    return out;
}

// The first onstage_hls cookie valid for `event_id`, or nullopt.
std::optional<std::string> valid_cookie(const ServerContext& ctx, const HttpRequest& req,
                                        std::string_view event_id) {
    if (ctx.hls.secret.empty()) {
        return std::nullopt;
    }
    const std::int64_t now_s = now_ms() / 1000;
    const auto [first, last] = req.equal_range(http::field::cookie);
    for (auto field = first; field != last; ++field) {
        const std::string_view header(field->value().data(), field->value().size());
        for (const std::string_view value : auth::hls_cookie_values(header)) {
            if (auth::check_hls_cookie(ctx.hls.secret, event_id, value, now_s)) {
                return std::string(value);
            }
        }
    }
    return std::nullopt;
}

HttpResponse not_found(const HttpRequest& req) {
    // Its own code, not the router's not_found: a player (and docs/openapi.yaml's test) can tell
    // "no such segment (yet, or any more)" from "no such route".
    return error_response(req, http::status::not_found, "hls_not_found",
                          "No such HLS file (not yet written, or rolled out of the playlist).");
}

}  // namespace

bool is_hls_path(std::string_view path) {
    return path.starts_with("/hls/");
}

asio::awaitable<HttpResponse> handle_hls(ServerContext& ctx, const HttpRequest& req,
                                         const std::string& client) {
    const std::string_view target(req.target().data(), req.target().size());
    const auto t = parse_target(target.substr(0, target.find('?')));
    if (!t) {
        co_return not_found(req);
    }
    std::string event_id(t->event_id);  // named: no temporary inside co_await (GCC 12)
    const std::shared_ptr<EventRuntime> runtime = co_await ctx.events.get(std::move(event_id));
    if (!runtime) {
        co_return not_found(req);
    }
    const bool is_public = runtime->event().is_public;
    std::optional<std::string> cookie;
    if (!is_public) {
        cookie = valid_cookie(ctx, req, t->event_id);
        if (!cookie) {
            ctx.metrics.count_error("hls_forbidden");
            co_return error_response(req, http::status::forbidden, "hls_forbidden",
                                     "This broadcast needs the playback cookie of a signed-in "
                                     "participant; sign in again.");
        }
    }
    if (t->playlist) {
        const auto agent = req.find(http::field::user_agent);
        const std::string_view ua =
            agent == req.end() ? std::string_view()
                               : std::string_view(agent->value().data(), agent->value().size());
        ctx.hls_viewers.record(t->event_id, HlsViewers::viewer_key(client, ua, cookie.value_or("")),
                               now_ms());
    }
    auto read = [path = ctx.hls.root / std::string(t->event_id) / std::string(t->file),
                 with_body = req.method() != http::verb::head] {
        return read_file(path, with_body);
    };
    FileRead file = co_await run_on(ctx.files.get_executor(), std::move(read));
    if (!file.found) {
        co_return not_found(req);
    }
    HttpResponse res{http::status::ok, req.version()};
    res.set(http::field::server, "onstage");
    res.set(http::field::content_type,
            t->playlist ? "application/vnd.apple.mpegurl" : "video/mp2t");
    // Segment names are never reused (a new run prefix per compositor start): cacheable forever.
    res.set(http::field::cache_control, t->playlist ? "no-cache"
                                        : is_public ? "public, max-age=86400, immutable"
                                                    : "private, max-age=86400, immutable");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(file.body);
    res.content_length(file.size);
    co_return res;
}

void add_hls_cookie(const ServerContext& ctx, HttpResponse& res, std::string_view event_id) {
    if (ctx.hls.secret.empty()) {
        return;
    }
    res.insert(http::field::set_cookie,
               auth::hls_set_cookie(ctx.hls.secret, event_id, now_ms() / 1000,
                                    ctx.hls.cookie_seconds, ctx.hls.secure_cookie));
}

}  // namespace onstage::api
