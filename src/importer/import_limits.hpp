// Size limits for the files `onstage event create` imports, in one place (shared/STYLE.md
// practice 5). Constants only; safe from any thread.
#pragma once

#include <cstddef>

namespace onstage::importer::import_limits {

// A roster of a million people is well under 100 MiB of CSV. Anything bigger is almost surely
// the wrong file, and the whole file is held in memory while it is parsed.
inline constexpr std::size_t kMaxCsvBytes = std::size_t{256} * 1024 * 1024;

}  // namespace onstage::importer::import_limits
