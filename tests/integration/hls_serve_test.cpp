// The broadcast's HLS files through the real server: what a player sees for a public event, the
// playback cookie a private event needs (issued at login, refreshed by /me), the names that never
// reach the disk, and the audience count in /metrics.
#include "admin_fixture.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "auth/hls_cookie.hpp"

namespace onstage::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kPlaylist =
    "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:7\n"
    "#EXTINF:1.000,\nr1-00007.ts\n";

// A segment with the bytes a text path would mangle: NUL, CR LF, high bytes.
std::string segment_bytes() {
    return std::string("\x47\x40\x00\x10\r\n\xff\xfe", 8) + std::string(5000, 'S');
}

// The value of header `name` (case-insensitive) in raw response headers; every one if repeated.
std::vector<std::string> header_values(const HttpReply& r, const std::string& name) {
    std::vector<std::string> out;
    std::string lower_headers = r.headers;
    std::transform(lower_headers.begin(), lower_headers.end(), lower_headers.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string needle = "\r\n" + name + ":";
    std::transform(needle.begin(), needle.end(), needle.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto at = lower_headers.find(needle); at != std::string::npos;
         at = lower_headers.find(needle, at + 1)) {
        const auto start = at + needle.size();
        const auto end = r.headers.find("\r\n", start);
        std::string value = r.headers.substr(start, end - start);
        value.erase(0, value.find_first_not_of(' '));
        out.push_back(value);
    }
    return out;
}

std::string header(const HttpReply& r, const std::string& name) {
    const auto all = header_values(r, name);
    return all.empty() ? "" : all.front();
}

// "onstage_hls=<value>; Path=…" → <value>.
std::string cookie_value(const std::string& set_cookie) {
    const std::string prefix = "onstage_hls=";
    if (set_cookie.rfind(prefix, 0) != 0) {
        return "";
    }
    return set_cookie.substr(prefix.size(), set_cookie.find(';') - prefix.size());
}

std::int64_t now_s() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

class HlsServeTest : public AdminTest {
protected:
    // An event with a playlist and one segment on disk, as the compositor leaves them.
    std::string event_with_files(const std::string& name, bool is_public) {
        created_ = create(name, is_public);
        std::string id = created_["event"]["id"];
        const auto dir = tmp / "data" / "hls" / id;
        std::filesystem::create_directories(dir);
        write_file(dir / "index.m3u8", std::string(kPlaylist));
        write_file(dir / "r1-00007.ts", segment_bytes());
        write_file(dir / "notes.txt", "not a playlist");
        return id;
    }

    HttpReply get(const std::string& target, const std::vector<std::string>& headers = {},
                  const std::string& method = "GET") {
        return http_request(port, method, target, headers);
    }

    // Logs in the event's first attendee; returns the response (Set-Cookie, token).
    HttpReply login_attendee(const std::string& id, const json& created) {
        const json body{{"event_id", id},
                        {"participant_id", created["people"]["attendees"][0]["attendeeId"]}};
        return http_post(port, "/api/v1/login", body.dump());
    }

    std::string secret() {
        std::string s = read_file(tmp / "data" / "hls.secret");
        while (!s.empty() && s.back() == '\n') {
            s.pop_back();
        }
        return s;
    }

    json created_;
};

TEST_F(HlsServeTest, PublicEventServesPlaylistAndSegmentsToAnyone) {
    const std::string id = event_with_files("Open day", /*is_public=*/true);
    const std::string base = "/hls/" + id + "/";

    const auto playlist = get(base + "index.m3u8");
    ASSERT_EQ(playlist.status, 200) << playlist.body;
    EXPECT_EQ(playlist.body, kPlaylist);
    EXPECT_EQ(header(playlist, "content-type"), "application/vnd.apple.mpegurl");
    EXPECT_EQ(header(playlist, "cache-control"), "no-cache");

    const auto segment = get(base + "r1-00007.ts");
    ASSERT_EQ(segment.status, 200);
    EXPECT_EQ(segment.body, segment_bytes());
    EXPECT_EQ(header(segment, "content-type"), "video/mp2t");
    EXPECT_EQ(header(segment, "cache-control"), "public, max-age=86400, immutable");

    const auto head = get(base + "r1-00007.ts", {}, "HEAD");
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(header(head, "content-length"), std::to_string(segment_bytes().size()));
    EXPECT_TRUE(head.body.empty());
    EXPECT_EQ(header(get(base + "index.m3u8", {}, "HEAD"), "content-length"),
              std::to_string(kPlaylist.size()));

    EXPECT_EQ(get(base + "index.m3u8?_HLS_msn=7").status, 200) << "a query string is ignored";
    EXPECT_EQ(get(base + "r1-00008.ts").status, 404) << "not (or no longer) on disk";
    EXPECT_EQ(get("/hls/no-such-event-000000/index.m3u8").status, 404);
    EXPECT_EQ(http_post(port, base + "index.m3u8", "{}").status, 405);

    // Viewers get the cookie too: not needed here, but nginx in front may check every event.
    const auto watch = http_post(port, "/api/v1/watch", json{{"event_id", id}}.dump());
    ASSERT_EQ(watch.status, 200) << watch.body;
    EXPECT_NE(header(watch, "set-cookie").find("Path=/hls/" + id + "/"), std::string::npos)
        << watch.headers;
}

TEST_F(HlsServeTest, NamesOutsideThePatternNeverReachTheDisk) {
    const std::string id = event_with_files("Open day", /*is_public=*/true);
    const std::string base = "/hls/" + id + "/";
    // Files that exist (the secret, the database, a text file) behind every spelling.
    for (const std::string& target : std::vector<std::string>{
             base + "notes.txt", base + "../../hls.secret",
             base + std::string("../").append(id).append("/index.m3u8"),
             base + "%2e%2e/%2e%2e/hls.secret", base + "%2e%2e%2findex.m3u8", base + "index%2em3u8",
             base + "sub/index.m3u8", base + "/index.m3u8", base + "a..b.ts", base + ".m3u8",
             base + "", "/hls/" + id, std::string("/hls//index.m3u8"),
             "/hls/../hls/" + id + "/index.m3u8", "/hls/" + id + "%2f/index.m3u8",
             base + std::string(81, 'x') + ".ts", base + "index.m3u8.bak", base + "r1-00007.TS"}) {
        const auto r = get(target);
        EXPECT_EQ(r.status, 404) << target;
        EXPECT_EQ(error_code(r), "hls_not_found") << target;
    }
    EXPECT_EQ(get(base + std::string(80, 'x') + ".ts").status, 404) << "well-formed, absent";
}

TEST_F(HlsServeTest, PrivateEventNeedsTheCookieFromLoginForThatEvent) {
    const std::string id = event_with_files("Board meeting", /*is_public=*/false);
    const json board = created_;
    const json other_created = create("Other board", /*is_public=*/false);
    const std::string other = other_created["event"]["id"];
    const std::string base = "/hls/" + id + "/";

    for (const std::string file : {"index.m3u8", "r1-00007.ts"}) {
        const auto refused = get(base + file);
        EXPECT_EQ(refused.status, 403) << file;
        EXPECT_EQ(error_code(refused), "hls_forbidden") << file;
    }

    const auto login = login_attendee(id, board);
    ASSERT_EQ(login.status, 200) << login.body;
    const std::string set_cookie = header(login, "set-cookie");
    EXPECT_NE(set_cookie.find("; Path=/hls/" + id + "/;"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("; SameSite=Lax"), std::string::npos) << set_cookie;
    EXPECT_NE(set_cookie.find("; Max-Age=43200"), std::string::npos) << set_cookie;
    EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: no Secure";
    const std::string cookie = cookie_value(set_cookie);
    ASSERT_FALSE(cookie.empty()) << set_cookie;
    const std::string with_cookie = "Cookie: theme=dark; onstage_hls=" + cookie;

    const auto playlist = get(base + "index.m3u8", {with_cookie});
    ASSERT_EQ(playlist.status, 200) << playlist.body;
    EXPECT_EQ(playlist.body, kPlaylist);
    EXPECT_EQ(header(playlist, "cache-control"), "no-cache");
    const auto segment = get(base + "r1-00007.ts", {with_cookie});
    ASSERT_EQ(segment.status, 200);
    EXPECT_EQ(segment.body, segment_bytes());
    EXPECT_EQ(header(segment, "cache-control"), "private, max-age=86400, immutable");

    // Crafted with the server's own secret, but expired.
    const std::string expired = auth::hls_cookie_value(secret(), id, now_s() - 10);
    EXPECT_EQ(get(base + "index.m3u8", {"Cookie: onstage_hls=" + expired}).status, 403);
    // Valid, but for another event.
    const auto other_login = login_attendee(other, other_created);
    ASSERT_EQ(other_login.status, 200);
    const std::string foreign = cookie_value(header(other_login, "set-cookie"));
    EXPECT_EQ(get(base + "index.m3u8", {"Cookie: onstage_hls=" + foreign}).status, 403);
    EXPECT_EQ(get(base + "index.m3u8",
                  {"Cookie: onstage_hls=" + auth::hls_cookie_value(secret(), other, now_s() + 60)})
                  .status,
              403);
    // Tampered: the expiry pushed out, or the hash altered.
    const std::string hash = cookie.substr(0, cookie.find(','));
    const std::string longer = hash + "," + std::to_string(now_s() + std::int64_t{86400} * 30);
    EXPECT_EQ(get(base + "index.m3u8", {"Cookie: onstage_hls=" + longer}).status, 403);
    std::string flipped = cookie;
    flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
    EXPECT_EQ(get(base + "r1-00007.ts", {"Cookie: onstage_hls=" + flipped}).status, 403);
    EXPECT_EQ(get(base + "r1-00007.ts", {"Cookie: onstage_hls=garbage"}).status, 403);
    // A valid cookie does not open a bad name.
    EXPECT_EQ(get(base + "notes.txt", {with_cookie}).status, 404);
}

TEST_F(HlsServeTest, MeRefreshesTheCookieAndTheSecretIsPrivateToTheDataDir) {
    const std::string id = event_with_files("Board meeting", /*is_public=*/false);
    const auto login = login_attendee(id, created_);
    ASSERT_EQ(login.status, 200);
    const std::string token = json::parse(login.body)["token"];
    const auto me = http_request(port, "GET", "/api/v1/me", {"Authorization: Bearer " + token});
    ASSERT_EQ(me.status, 200) << me.body;
    const std::string cookie = cookie_value(header(me, "set-cookie"));
    ASSERT_FALSE(cookie.empty()) << me.headers;
    EXPECT_EQ(get("/hls/" + id + "/index.m3u8", {"Cookie: onstage_hls=" + cookie}).status, 200);
    // A refused /me hands out nothing.
    const auto refused = http_request(port, "GET", "/api/v1/me", {"Authorization: Bearer x.y.z"});
    EXPECT_EQ(refused.status, 401);
    EXPECT_TRUE(header_values(refused, "set-cookie").empty());

    struct stat st {};
    ASSERT_EQ(::stat((tmp / "data" / "hls.secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
}

// The gauge line for `id` in /metrics, or "" if there is none.
std::string viewers_line(int port, const std::string& id) {
    const std::string metrics = http_get(port, "/metrics").body;
    const std::string prefix = "onstage_hls_viewers{event=\"" + id + "\"} ";
    const auto at = metrics.find(prefix);
    return at == std::string::npos ? "" : metrics.substr(at, metrics.find('\n', at) - at);
}

TEST_F(HlsServeTest, ViewerCountCountsEachPlayerOnce) {
    const std::string pub = event_with_files("Open day", /*is_public=*/true);
    const std::string priv = event_with_files("Board meeting", /*is_public=*/false);
    const json board = created_;
    EXPECT_EQ(viewers_line(port, pub), "") << "nobody has watched yet";

    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(get("/hls/" + pub + "/index.m3u8", {"User-Agent: PlayerA"}).status, 200);
    }
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(get("/hls/" + pub + "/index.m3u8", {"User-Agent: PlayerB"}).status, 200);
    }
    ASSERT_EQ(get("/hls/" + pub + "/r1-00007.ts", {"User-Agent: PlayerC"}).status, 200);
    EXPECT_EQ(viewers_line(port, pub), "onstage_hls_viewers{event=\"" + pub + "\"} 2")
        << "two players polled the playlist; a segment fetch alone is no viewer";

    // Private: two signed-in people (cookies may coincide within a second; the address and
    // agent still tell them apart), and a refused request that does not count.
    const std::string c1 = cookie_value(header(login_attendee(priv, board), "set-cookie"));
    const json second{{"event_id", priv},
                      {"participant_id", board["people"]["attendees"][1]["attendeeId"]}};
    const std::string c2 =
        cookie_value(header(http_post(port, "/api/v1/login", second.dump()), "set-cookie"));
    ASSERT_FALSE(c1.empty());
    ASSERT_FALSE(c2.empty());
    for (int i = 0; i < 2; ++i) {
        ASSERT_EQ(get("/hls/" + priv + "/index.m3u8",
                      {"User-Agent: PlayerA", "Cookie: onstage_hls=" + c1})
                      .status,
                  200);
        ASSERT_EQ(get("/hls/" + priv + "/index.m3u8",
                      {"User-Agent: PlayerD", "Cookie: onstage_hls=" + c2})
                      .status,
                  200);
    }
    ASSERT_EQ(get("/hls/" + priv + "/index.m3u8", {"User-Agent: Intruder"}).status, 403);
    EXPECT_EQ(viewers_line(port, priv), "onstage_hls_viewers{event=\"" + priv + "\"} 2");
    EXPECT_EQ(viewers_line(port, pub), "onstage_hls_viewers{event=\"" + pub + "\"} 2");
}

// Behind nginx every playlist request comes from the proxy's address. With the proxy trusted
// (server.trusted_proxies) players are told apart by the address it forwards; untrusted, a
// forged X-Forwarded-For changes nothing.
TEST_F(HlsServeTest, BehindATrustedProxyViewersAreToldApartByTheForwardedAddress) {
    const std::string pub = event_with_files("Open day", /*is_public=*/true);
    const std::string playlist = "/hls/" + pub + "/index.m3u8";
    for (const std::string who : {"203.0.113.1", "203.0.113.2", "203.0.113.3"}) {
        ASSERT_EQ(get(playlist, {"User-Agent: Player", "X-Forwarded-For: " + who}).status, 200);
    }
    EXPECT_EQ(viewers_line(port, pub), "onstage_hls_viewers{event=\"" + pub + "\"} 1")
        << "no proxy is trusted by default: one address, one agent, one viewer";

    server.reset();
    start_server(kAdminToken, {{"ONSTAGE_TRUSTED_PROXIES", "127.0.0.1, ::1"}});
    // As nginx's $proxy_add_x_forwarded_for sends it: whatever the client claimed, then the
    // address nginx saw. The last address that is not a trusted proxy is the viewer.
    const std::vector<std::string> forwarded{
        "203.0.113.1",
        "198.51.100.7, 203.0.113.2",  // the left part is the client's own claim
        "203.0.113.3",
        "203.0.113.1",             // the first viewer again
        "203.0.113.2, 127.0.0.1",  // through a second trusted proxy: still the second viewer
    };
    for (const auto& chain : forwarded) {
        ASSERT_EQ(get(playlist, {"User-Agent: Player", "X-Forwarded-For: " + chain}).status, 200);
    }
    EXPECT_EQ(viewers_line(port, pub), "onstage_hls_viewers{event=\"" + pub + "\"} 3");
    // A request without the header is the proxy itself: one more.
    ASSERT_EQ(get(playlist, {"User-Agent: Player"}).status, 200);
    EXPECT_EQ(viewers_line(port, pub), "onstage_hls_viewers{event=\"" + pub + "\"} 4");
}

TEST(HlsSecretCli, AnUnusableSecretStopsServeBeforeItListens) {
    TempDir tmp;
    const auto file = tmp / "onstage.toml";
    write_file(tmp / "short.secret", "too-short\n");
    for (const auto& [secret, code] : std::vector<std::pair<std::string, std::string>>{
             {(tmp / "absent.secret").string(), "hls_secret_unreadable"},
             {(tmp / "short.secret").string(), "hls_secret_invalid"}}) {
        write_file(file, "[server]\nport = 0\n[broadcast]\nhls_secret_file = \"" + secret + "\"\n");
        const auto r = run_onstage(
            {"--data-dir", (tmp / "data").string(), "serve", "--config", file.string()});
        EXPECT_EQ(r.exit_code, 1) << r.out;
        EXPECT_NE(r.err.find("[" + code + "]"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find(secret), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find("listening"), std::string::npos);
    }
}

}  // namespace
}  // namespace onstage::testing
