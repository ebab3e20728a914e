#include "api/log_fields.hpp"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <memory>

namespace onstage::api {
namespace {

// The fields of the line being logged on this thread. The default logger's sinks format
// synchronously on the caller's thread, so the formatters below see them.
struct LineFields {
    const LogFields* fields = nullptr;
    const LogExtra* extra = nullptr;
};
thread_local LineFields current_line;

template <typename Visit>
void for_each_field(const LineFields& line, Visit&& visit) {
    if (line.fields != nullptr) {
        const LogFields& f = *line.fields;
        for (const auto& [key, value] :
             {std::pair<std::string_view, const std::string&>{"conn", f.conn},
              {"client", f.client},
              {"event", f.event},
              {"participant", f.participant},
              {"role", f.role}}) {
            if (!value.empty()) {
                visit(key, value);
            }
        }
    }
    if (line.extra != nullptr) {
        for (const auto& [key, value] : *line.extra) {
            visit(key, value);
        }
    }
}

// `%*` in the text pattern: " conn=c1 client=127.0.0.1 …".
class TextFieldsFlag : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg&, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        for_each_field(current_line, [&dest](std::string_view key, const std::string& value) {
            fmt::format_to(std::back_inserter(dest), " {}={}", key, value);
        });
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<TextFieldsFlag>();
    }
};

// "2026-11-26T14:03:07.123Z"
std::string utc_timestamp(spdlog::log_clock::time_point time) {
    const auto since_epoch = time.time_since_epoch();
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - secs);
    const auto t = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms.count());
}

// One JSON object per line; invalid UTF-8 in a message is replaced rather than dropped.
class JsonFormatter : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        nlohmann::ordered_json line;
        line["ts"] = utc_timestamp(msg.time);
        const auto level = spdlog::level::to_string_view(msg.level);
        line["level"] = std::string(level.data(), level.size());
        line["msg"] = std::string(msg.payload.data(), msg.payload.size());
        for_each_field(current_line, [&line](std::string_view key, const std::string& value) {
            line[std::string(key)] = value;
        });
        const std::string text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        dest.append(text.data(), text.data() + text.size());
        dest.push_back('\n');
    }
    std::unique_ptr<formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

std::atomic<std::uint64_t> connection_counter{0};

}  // namespace

void set_log_format(LogFormat format) {
    if (format == LogFormat::json) {
        spdlog::set_formatter(std::make_unique<JsonFormatter>());
        return;
    }
    auto text = std::make_unique<spdlog::pattern_formatter>();
    text->add_flag<TextFieldsFlag>('*').set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%^%l%$] %v%*");
    spdlog::set_formatter(std::move(text));
}

void log_with(spdlog::level::level_enum level, const LogFields& fields, std::string_view message,
              LogExtra extra) {
    auto* logger = spdlog::default_logger_raw();
    if (!logger->should_log(level)) {
        return;
    }
    current_line = LineFields{&fields, &extra};
    logger->log(level, "{}", message);
    current_line = LineFields{};
}

std::string next_connection_id() {
    return fmt::format("c{}", ++connection_counter);
}

}  // namespace onstage::api
