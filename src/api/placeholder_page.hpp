// The page every app route shows until the web apps are built into the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace onstage::api {

// HTML for "/", "/attendee", "/moderator", "/talent" and "/watch"; nullopt for other paths.
std::optional<std::string> placeholder_page(std::string_view path);

}  // namespace onstage::api
