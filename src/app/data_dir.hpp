// Where onstage keeps its state: the SQLite database and (later) signing keys and HLS output.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "domain/event.hpp"
#include "store/store.hpp"

namespace onstage::app {

// Creates the directory (mode 0700: it holds key hashes and signing keys) and opens the store.
std::unique_ptr<store::Store> open_store(const std::filesystem::path& data_dir);

domain::TimeMs now_ms();

// "2026-11-26 14:03:07Z"
std::string format_utc(domain::TimeMs ms);

}  // namespace onstage::app
