// The participants.extra column: a participant's uninterpreted CSV columns as compact JSON,
// [["name","value"],...]. An array of pairs (not an object) keeps the column order and allows a
// name twice. A tiny codec of our own: this one shape is all the store needs, and encoding must
// not allocate per row during a 100,000-row import.
//
// Threading: pure functions, safe from any thread.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "domain/event.hpp"

namespace onstage::store::sqlite {

// Appends the JSON text of `fields` to `out` (so many rows can share one buffer). UTF-8 passes
// through unchanged; quotes, backslashes and control characters are escaped.
void append_extra_fields(std::span<const domain::ExtraField> fields, std::string& out);

// Parses what append_extra_fields wrote (any valid JSON of that shape, with whitespace and
// escapes); nullopt if the text is not that shape.
std::optional<std::vector<domain::ExtraField>> decode_extra_fields(std::string_view json);

}  // namespace onstage::store::sqlite
