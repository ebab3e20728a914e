#include "api/placeholder_page.hpp"

#include <array>
#include <utility>

namespace onstage::api {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kApps{{
    {"/", "onstage"},
    {"/attendee", "Attendee"},
    {"/moderator", "Moderator"},
    {"/talent", "Talent"},
    {"/watch", "Viewer"},
}};

}  // namespace

std::optional<std::string> placeholder_page(std::string_view path) {
    for (const auto& [route, title] : kApps) {
        if (route != path) {
            continue;
        }
        std::string html =
            "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>";
        html += title;
        html +=
            " · onstage</title><style>body{font-family:system-ui,sans-serif;max-width:40rem;"
            "margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1d2330}"
            "h1{font-size:1.6rem}</style></head><body><h1>";
        html += title;
        html +=
            "</h1><p>This onstage server is running. The web app for this link is not part of "
            "this build yet; keep your link, it will work once the server is upgraded.</p>"
            "</body></html>\n";
        return html;
    }
    return std::nullopt;
}

}  // namespace onstage::api
