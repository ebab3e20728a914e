// Reading the query string of a request target (`/path?a=1&b=x%20y`). Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace onstage::api {

// The value of the first `name=` parameter, percent-decoded ('+' is a space); nullopt if the
// parameter is absent or its encoding is broken.
std::optional<std::string> query_param(std::string_view target, std::string_view name);

// A parameter that must be an integer in [min, max], or `fallback` when absent.
// nullopt when present but not such an integer.
std::optional<std::int64_t> query_int(std::string_view target, std::string_view name,
                                      std::int64_t fallback, std::int64_t min, std::int64_t max);

}  // namespace onstage::api
