#include "broadcast/control.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <limits>
#include <utility>

namespace onstage::broadcast {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::array<std::pair<Layout, std::string_view>, 6> kLayoutNames{{
    {Layout::automatic, "auto"},
    {Layout::slate, "slate"},
    {Layout::solo, "solo"},
    {Layout::side_by_side, "side_by_side"},
    {Layout::grid, "grid"},
    {Layout::focus, "focus"},
}};

// Thrown inside the decoders and turned into a ControlError at their one boundary.
struct DecodeError {
    ControlError error;
};

[[noreturn]] void reject(std::string code, std::string message) {
    throw DecodeError{ControlError{std::move(code), std::move(message)}};
}

// Typed access to the members of one decoded object; absent optional members keep defaults.
class Reader {
public:
    explicit Reader(const Json& object) : object_(object) {}

    const Json* find(const char* key) const {
        auto it = object_.find(key);
        return it == object_.end() || it->is_null() ? nullptr : &*it;
    }

    std::string string(const char* key, bool required, std::string fallback = {}) const {
        const Json* v = find(key);
        if (v == nullptr) {
            if (required) {
                reject("missing_field", std::string(key) + " is required");
            }
            return fallback;
        }
        if (!v->is_string()) {
            reject("bad_field", std::string(key) + " must be a string");
        }
        return v->get<std::string>();
    }

    std::int64_t integer(const char* key, bool required, std::int64_t fallback, std::int64_t min,
                         std::int64_t max) const {
        const Json* v = find(key);
        if (v == nullptr) {
            if (required) {
                reject("missing_field", std::string(key) + " is required");
            }
            return fallback;
        }
        if (!v->is_number_integer()) {
            reject("bad_field", std::string(key) + " must be an integer");
        }
        const auto n = v->get<std::int64_t>();
        if (n < min || n > max) {
            reject("bad_field", std::string(key) + " must be between " + std::to_string(min) +
                                    " and " + std::to_string(max));
        }
        return n;
    }

    int small(const char* key, int fallback, int min, int max) const {
        return static_cast<int>(integer(key, false, fallback, min, max));
    }

    bool boolean(const char* key, bool fallback) const {
        const Json* v = find(key);
        if (v == nullptr) {
            return fallback;
        }
        if (!v->is_boolean()) {
            reject("bad_field", std::string(key) + " must be true or false");
        }
        return v->get<bool>();
    }

    std::vector<std::string> strings(const char* key) const {
        std::vector<std::string> out;
        const Json* v = find(key);
        if (v == nullptr) {
            return out;
        }
        if (!v->is_array()) {
            reject("bad_field", std::string(key) + " must be an array of strings");
        }
        for (const auto& item : *v) {
            if (!item.is_string()) {
                reject("bad_field", std::string(key) + " must be an array of strings");
            }
            out.push_back(item.get<std::string>());
        }
        return out;
    }

private:
    const Json& object_;
};

std::string input_id(const Reader& r, const char* key) {
    std::string id = r.string(key, true);
    if (!valid_input_id(id)) {
        reject("bad_field", std::string(key) + " must match [A-Za-z0-9_-]{1,64}");
    }
    return id;
}

Layout layout_member(const Reader& r, bool required) {
    const std::string name = r.string("layout", required, "auto");
    auto layout = parse_layout(name);
    if (!layout) {
        reject("bad_field", "layout must be one of auto, slate, solo, side_by_side, grid, focus");
    }
    return *layout;
}

Json parse_object(std::string_view line) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded()) {
        reject("bad_json", "not valid JSON");
    }
    if (!j.is_object()) {
        reject("bad_json", "a line must hold one JSON object");
    }
    return j;
}

std::string type_of(const Reader& r) {
    return r.string("type", true);
}

// --- commands -----------------------------------------------------------------------------

constexpr std::int64_t kMaxKbps = 100000;

OutputSettings decode_settings(const Reader& r) {
    OutputSettings s;
    s.width = r.small("width", s.width, 16, 7680);
    s.height = r.small("height", s.height, 16, 4320);
    if (s.width % 2 != 0 || s.height % 2 != 0) {
        reject("bad_field", "width and height must be even");
    }
    s.fps = r.small("fps", s.fps, 1, 120);
    s.segment_ms = r.small("segment_ms", s.segment_ms, 200, 60000);
    s.playlist_segments = r.small("playlist_segments", s.playlist_segments, 1, 1000);
    s.video_kbps = static_cast<int>(r.integer("video_kbps", false, s.video_kbps, 50, kMaxKbps));
    s.audio_kbps = r.small("audio_kbps", s.audio_kbps, 8, 512);
    s.hls_dir = r.string("hls_dir", true);
    if (s.hls_dir.empty() || s.hls_dir.front() != '/') {
        reject("bad_field", "hls_dir must be an absolute path");
    }
    s.record_path = r.string("record_path", false);
    if (!s.record_path.empty() && s.record_path.front() != '/') {
        reject("bad_field", "record_path must be an absolute path or empty");
    }
    if (const Json* targets = r.find("rtmp")) {
        if (!targets->is_array()) {
            reject("bad_field", "rtmp must be an array");
        }
        for (const auto& t : *targets) {
            if (!t.is_object()) {
                reject("bad_field", "rtmp entries must be objects");
            }
            Reader tr(t);
            RtmpTarget target{tr.string("id", true), tr.string("url", true)};
            if (target.id.empty() || target.url.empty()) {
                reject("bad_field", "rtmp entries need a non-empty id and url");
            }
            s.rtmp.push_back(std::move(target));
        }
    }
    s.rtmp_attempts = r.small("rtmp_attempts", s.rtmp_attempts, 1, 1000);
    s.title = r.string("title", false);
    s.resume = r.boolean("resume", false);
    return s;
}

InputSpec decode_input(const Reader& r) {
    InputSpec in;
    in.id = input_id(r, "input");
    in.name = r.string("name", false);
    in.role = r.string("role", false, "guest");
    if (in.role != "talent" && in.role != "guest" && in.role != "moderator") {
        reject("bad_field", "role must be talent, guest or moderator");
    }
    in.kind = r.string("kind", false, "camera");
    if (in.kind != "camera" && in.kind != "screen") {
        reject("bad_field", "kind must be camera or screen");
    }
    in.audio = r.boolean("audio", true);
    in.video = r.boolean("video", true);
    in.audio_muted = r.boolean("audio_muted", false);
    in.video_muted = r.boolean("video_muted", false);
    return in;
}

Command decode_command_object(const Json& j) {
    const Reader r(j);
    const std::string type = type_of(r);
    if (type == "start") {
        return StartCommand{decode_settings(r)};
    }
    if (type == "add") {
        return AddCommand{decode_input(r)};
    }
    if (type == "update") {
        return UpdateCommand{decode_input(r)};
    }
    if (type == "remove") {
        return RemoveCommand{input_id(r, "input")};
    }
    if (type == "layout") {
        LayoutCommand c{layout_member(r, true), r.string("focus", false)};
        if (!c.focus.empty() && !valid_input_id(c.focus)) {
            reject("bad_field", "focus must be an input id or empty");
        }
        return c;
    }
    if (type == "title") {
        return TitleCommand{r.string("title", true)};
    }
    if (type == "stop") {
        return StopCommand{};
    }
    reject("unknown_type", "unknown command type: " + type.substr(0, 64));
}

void put_input(Json& j, const InputSpec& in) {
    j["input"] = in.id;
    j["name"] = in.name;
    j["role"] = in.role;
    j["kind"] = in.kind;
    j["audio"] = in.audio;
    j["video"] = in.video;
    j["audio_muted"] = in.audio_muted;
    j["video_muted"] = in.video_muted;
}

struct CommandEncoder {
    Json operator()(const StartCommand& c) const {
        const OutputSettings& s = c.settings;
        Json j{{"type", "start"}};
        j["width"] = s.width;
        j["height"] = s.height;
        j["fps"] = s.fps;
        j["segment_ms"] = s.segment_ms;
        j["playlist_segments"] = s.playlist_segments;
        j["video_kbps"] = s.video_kbps;
        j["audio_kbps"] = s.audio_kbps;
        j["hls_dir"] = s.hls_dir;
        j["record_path"] = s.record_path;
        j["rtmp"] = Json::array();
        for (const auto& t : s.rtmp) {
            j["rtmp"].push_back(Json{{"id", t.id}, {"url", t.url}});
        }
        j["rtmp_attempts"] = s.rtmp_attempts;
        j["title"] = s.title;
        j["resume"] = s.resume;
        return j;
    }
    Json operator()(const AddCommand& c) const {
        Json j{{"type", "add"}};
        put_input(j, c.input);
        return j;
    }
    Json operator()(const UpdateCommand& c) const {
        Json j{{"type", "update"}};
        put_input(j, c.input);
        return j;
    }
    Json operator()(const RemoveCommand& c) const {
        return Json{{"type", "remove"}, {"input", c.input}};
    }
    Json operator()(const LayoutCommand& c) const {
        return Json{{"type", "layout"}, {"layout", layout_name(c.layout)}, {"focus", c.focus}};
    }
    Json operator()(const TitleCommand& c) const {
        return Json{{"type", "title"}, {"title", c.title}};
    }
    Json operator()(const StopCommand&) const { return Json{{"type", "stop"}}; }
};

// --- events -------------------------------------------------------------------------------

int port_member(const Reader& r, const char* key) {
    return static_cast<int>(r.integer(key, false, 0, 0, 65535));
}

WorkerEvent decode_event_object(const Json& j) {
    const Reader r(j);
    const std::string type = type_of(r);
    if (type == "ready") {
        return ReadyEvent{};
    }
    if (type == "input_ready") {
        return InputReadyEvent{input_id(r, "input"), port_member(r, "video_port"),
                               port_member(r, "audio_port")};
    }
    if (type == "segment") {
        return SegmentEvent{
            r.integer("sequence", true, 0, 0, std::numeric_limits<std::int64_t>::max()),
            r.string("uri", true),
            static_cast<int>(r.integer("duration_ms", false, 0, 0, 3600000))};
    }
    if (type == "rtmp") {
        RtmpEvent e{r.string("id", true), r.string("state", true), r.string("error", false)};
        if (e.state != "connecting" && e.state != "live" && e.state != "retrying" &&
            e.state != "failed") {
            reject("bad_field", "state must be connecting, live, retrying or failed");
        }
        return e;
    }
    if (type == "layout") {
        return LayoutEvent{layout_member(r, true), r.strings("inputs")};
    }
    if (type == "error") {
        return ErrorEvent{r.string("code", true), r.string("message", false),
                          r.boolean("fatal", false)};
    }
    if (type == "stopped") {
        return StoppedEvent{r.string("recording", false)};
    }
    reject("unknown_type", "unknown event type: " + type.substr(0, 64));
}

struct EventEncoder {
    Json operator()(const ReadyEvent&) const { return Json{{"type", "ready"}}; }
    Json operator()(const InputReadyEvent& e) const {
        return Json{{"type", "input_ready"},
                    {"input", e.input},
                    {"video_port", e.video_port},
                    {"audio_port", e.audio_port}};
    }
    Json operator()(const SegmentEvent& e) const {
        return Json{{"type", "segment"},
                    {"sequence", e.sequence},
                    {"uri", e.uri},
                    {"duration_ms", e.duration_ms}};
    }
    Json operator()(const RtmpEvent& e) const {
        return Json{{"type", "rtmp"}, {"id", e.id}, {"state", e.state}, {"error", e.error}};
    }
    Json operator()(const LayoutEvent& e) const {
        return Json{{"type", "layout"}, {"layout", layout_name(e.applied)}, {"inputs", e.inputs}};
    }
    Json operator()(const ErrorEvent& e) const {
        return Json{
            {"type", "error"}, {"code", e.code}, {"message", e.message}, {"fatal", e.fatal}};
    }
    Json operator()(const StoppedEvent& e) const {
        return Json{{"type", "stopped"}, {"recording", e.recording}};
    }
};

// dump() escapes control characters, so the line never holds a raw '\n'; invalid UTF-8 is
// replaced rather than thrown on.
std::string one_line(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string_view layout_name(Layout layout) {
    for (const auto& [l, name] : kLayoutNames) {
        if (l == layout) {
            return name;
        }
    }
    return "auto";
}

std::optional<Layout> parse_layout(std::string_view name) {
    for (const auto& [l, n] : kLayoutNames) {
        if (n == name) {
            return l;
        }
    }
    return std::nullopt;
}

bool valid_input_id(std::string_view id) {
    if (id.empty() || id.size() > 64) {
        return false;
    }
    for (char c : id) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string encode_command(const Command& command) {
    return one_line(std::visit(CommandEncoder{}, command));
}

std::string encode_event(const WorkerEvent& event) {
    return one_line(std::visit(EventEncoder{}, event));
}

Result<Command, ControlError> decode_command(std::string_view line) {
    try {
        return decode_command_object(parse_object(line));
    } catch (const DecodeError& e) {
        return fail(e.error);
    } catch (const nlohmann::json::exception& e) {
        return fail(ControlError{"bad_field", e.what()});
    }
}

Result<WorkerEvent, ControlError> decode_event(std::string_view line) {
    try {
        return decode_event_object(parse_object(line));
    } catch (const DecodeError& e) {
        return fail(e.error);
    } catch (const nlohmann::json::exception& e) {
        return fail(ControlError{"bad_field", e.what()});
    }
}

}  // namespace onstage::broadcast
