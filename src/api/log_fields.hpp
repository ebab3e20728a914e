// Structured log lines: a message plus who it is about (connection, client address, event,
// participant, role) and a few extra key/values. With the text format the fields follow the
// message as `key=value`; with the json format every line is one JSON object
// {"ts","level","msg", ...fields}. Both go through the default spdlog logger (stderr).
//
// Threading: log_with() may be called from any thread; set_log_format() once at start-up.
#pragma once

#include <spdlog/common.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace onstage::api {

struct LogFields {
    std::string conn;    // connection id, "c42"
    std::string client;  // remote address
    std::string event;
    std::string participant;
    std::string role;
};

using LogExtra = std::initializer_list<std::pair<std::string_view, std::string>>;

enum class LogFormat { text, json };

// Installs the line format (and with it the fields) on the default logger.
void set_log_format(LogFormat format);

// Logs `message` with `fields` and `extra` on the default logger, if `level` is enabled.
void log_with(spdlog::level::level_enum level, const LogFields& fields, std::string_view message,
              LogExtra extra = {});

// A short id for a new connection: "c1", "c2", … (unique within this process).
std::string next_connection_id();

}  // namespace onstage::api
