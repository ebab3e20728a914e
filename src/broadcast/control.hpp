// The control channel between `onstage serve` and one `onstage compositor` worker: commands go
// to the worker's stdin and events come back on its stdout, one JSON object per line with
// `type` first. Pure (no I/O); both sides use it. Decoding ignores unknown members so either
// side may grow fields without breaking the other.
#pragma once

#include "domain/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace onstage::broadcast {

enum class Layout : std::uint8_t { automatic, slate, solo, side_by_side, grid, focus };

// "auto", "slate", "solo", "side_by_side", "grid", "focus".
std::string_view layout_name(Layout layout);
std::optional<Layout> parse_layout(std::string_view name);

struct RtmpTarget {
    std::string id;
    std::string url;  // carries the stream key: never log it whole
    bool operator==(const RtmpTarget&) const = default;
};

struct OutputSettings {
    int width = 1280, height = 720, fps = 30;
    int segment_ms = 1000;      // HLS segment length; keyframe interval = fps*segment_ms/1000
    int playlist_segments = 6;  // rolling window
    int video_kbps = 2500, audio_kbps = 128;
    std::string hls_dir;      // absolute; index.m3u8 + segments go here
    std::string record_path;  // empty = no MP4
    std::vector<RtmpTarget> rtmp;
    // Failed connection attempts in a row (no success between them) after which an RTMP target
    // is reported `failed` and no longer retried.
    int rtmp_attempts = 8;
    std::string title;    // event title drawn on the program and on the slate
    bool resume = false;  // continue an existing playlist after a crash (DISCONTINUITY)
    bool operator==(const OutputSettings&) const = default;
};

struct InputSpec {
    std::string id;                   // [A-Za-z0-9_-]{1,64}, chosen by serve
    std::string name;                 // lower-third line 1
    std::string role;                 // "talent" | "guest" | "moderator" (lower-third line 2)
    std::string kind = "camera";      // "camera" | "screen" (screen is shown large)
    bool audio = true, video = true;  // which streams will be forwarded
    bool audio_muted = false, video_muted = false;  // muted = silent / name card instead of video
    bool operator==(const InputSpec&) const = default;
};

struct StartCommand {
    OutputSettings settings;
    bool operator==(const StartCommand&) const = default;
};
struct AddCommand {
    InputSpec input;
    bool operator==(const AddCommand&) const = default;
};
struct UpdateCommand {  // same id; name/role/muted flags change
    InputSpec input;
    bool operator==(const UpdateCommand&) const = default;
};
struct RemoveCommand {
    std::string input;
    bool operator==(const RemoveCommand&) const = default;
};
struct LayoutCommand {
    Layout layout = Layout::automatic;
    std::string focus;  // input id or ""
    bool operator==(const LayoutCommand&) const = default;
};
struct TitleCommand {
    std::string title;
    bool operator==(const TitleCommand&) const = default;
};
struct StopCommand {
    bool operator==(const StopCommand&) const = default;
};
using Command = std::variant<StartCommand, AddCommand, UpdateCommand, RemoveCommand, LayoutCommand,
                             TitleCommand, StopCommand>;

struct ReadyEvent {
    bool operator==(const ReadyEvent&) const = default;
};
struct InputReadyEvent {
    std::string input;
    int video_port = 0;  // 0 for a stream not requested
    int audio_port = 0;
    bool operator==(const InputReadyEvent&) const = default;
};
struct SegmentEvent {  // emitted after the segment is listed in index.m3u8
    std::int64_t sequence = 0;
    std::string uri;
    int duration_ms = 0;
    bool operator==(const SegmentEvent&) const = default;
};
struct RtmpEvent {
    std::string id;
    std::string state;  // connecting | live | retrying | failed
    std::string error;
    bool operator==(const RtmpEvent&) const = default;
};
struct LayoutEvent {
    Layout applied = Layout::slate;
    std::vector<std::string> inputs;  // input ids on the program, in tile order
    bool operator==(const LayoutEvent&) const = default;
};
struct ErrorEvent {
    std::string code;
    std::string message;
    bool fatal = false;
    bool operator==(const ErrorEvent&) const = default;
};
struct StoppedEvent {
    std::string recording;  // path of the finished MP4, or ""
    bool operator==(const StoppedEvent&) const = default;
};
using WorkerEvent = std::variant<ReadyEvent, InputReadyEvent, SegmentEvent, RtmpEvent, LayoutEvent,
                                 ErrorEvent, StoppedEvent>;

// codes: bad_json, missing_field, bad_field, unknown_type
struct ControlError {
    std::string code;
    std::string message;
};

std::string encode_command(const Command& command);  // one line, no '\n'
std::string encode_event(const WorkerEvent& event);
Result<Command, ControlError> decode_command(std::string_view line);
Result<WorkerEvent, ControlError> decode_event(std::string_view line);

// Input ids are [A-Za-z0-9_-]{1,64}; decode_command rejects others with bad_field.
bool valid_input_id(std::string_view id);

}  // namespace onstage::broadcast
