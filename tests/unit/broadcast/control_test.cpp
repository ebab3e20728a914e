// The control channel between serve and the compositor worker: every command and event survives
// an encode/decode round trip, the wire shape matches the spec (type first, one line), unknown
// members are ignored and each kind of bad line gets its stable error code.
#include "broadcast/control.hpp"

#include <gtest/gtest.h>

#include <string>

namespace onstage::broadcast {
namespace {

Command decoded_command(const std::string& line) {
    auto r = decode_command(line);
    EXPECT_TRUE(r.ok()) << line << " -> "
                        << (r.ok() ? "" : r.error().code + ": " + r.error().message);
    return r.ok() ? r.value() : Command{StopCommand{}};
}

std::string command_error(const std::string& line) {
    auto r = decode_command(line);
    return r.ok() ? "ok" : r.error().code;
}

std::string event_error(const std::string& line) {
    auto r = decode_event(line);
    return r.ok() ? "ok" : r.error().code;
}

OutputSettings full_settings() {
    OutputSettings s;
    s.width = 1920;
    s.height = 1080;
    s.fps = 25;
    s.segment_ms = 2000;
    s.playlist_segments = 8;
    s.video_kbps = 4000;
    s.audio_kbps = 96;
    s.hls_dir = "/d/hls/ev";
    s.record_path = "/d/recordings/ev/ev-20260101T000000Z.mp4";
    s.rtmp = {{"t1", "rtmp://a.example/live/KEY"}, {"t2", "rtmps://b.example/app/k2?x=1"}};
    s.rtmp_attempts = 3;
    s.title = "Town \"Hall\"\nline two";
    s.resume = true;
    return s;
}

OutputSettings settings_in(std::string hls_dir) {
    OutputSettings s;
    s.hls_dir = std::move(hls_dir);
    return s;
}

InputSpec input(std::string id, std::string name, std::string role) {
    InputSpec in;
    in.id = std::move(id);
    in.name = std::move(name);
    in.role = std::move(role);
    return in;
}

InputSpec full_input() {
    return InputSpec{"i-1_x", "Ada Lovelace", "talent", "screen", true, false, true, false};
}

TEST(ControlCommands, EveryCommandRoundTrips) {
    const std::vector<Command> commands{
        StartCommand{full_settings()},
        StartCommand{settings_in("/tmp/x")},
        AddCommand{full_input()},
        UpdateCommand{input("i2", "Bo", "moderator")},
        RemoveCommand{"i2"},
        LayoutCommand{Layout::focus, "i-1_x"},
        LayoutCommand{Layout::automatic, ""},
        TitleCommand{"Ünïcode title ✓"},
        StopCommand{},
    };
    for (const auto& c : commands) {
        const std::string line = encode_command(c);
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
        EXPECT_EQ(line.rfind("{\"type\":", 0), 0U) << line;
        EXPECT_EQ(decoded_command(line), c) << line;
    }
}

TEST(ControlCommands, WireShapeMatchesTheSpec) {
    EXPECT_EQ(encode_command(RemoveCommand{"i1"}), R"({"type":"remove","input":"i1"})");
    EXPECT_EQ(encode_command(LayoutCommand{Layout::grid, ""}),
              R"({"type":"layout","layout":"grid","focus":""})");
    EXPECT_EQ(encode_command(AddCommand{input("i1", "Ada", "guest")}),
              R"({"type":"add","input":"i1","name":"Ada","role":"guest","kind":"camera",)"
              R"("audio":true,"video":true,"audio_muted":false,"video_muted":false})");
    OutputSettings s;
    s.hls_dir = "/d/hls/ev";
    s.rtmp = {{"t1", "rtmp://x/live/k"}};
    s.title = "Town Hall";
    EXPECT_EQ(encode_command(StartCommand{s}),
              R"({"type":"start","width":1280,"height":720,"fps":30,"segment_ms":1000,)"
              R"("playlist_segments":6,"video_kbps":2500,"audio_kbps":128,"hls_dir":"/d/hls/ev",)"
              R"("record_path":"","rtmp":[{"id":"t1","url":"rtmp://x/live/k"}],)"
              R"("rtmp_attempts":8,"title":"Town Hall","resume":false})");
}

TEST(ControlCommands, AbsentOptionalMembersTakeDefaults) {
    const auto c = decoded_command(R"({"type":"start","hls_dir":"/h"})");
    const auto& s = std::get<StartCommand>(c).settings;
    EXPECT_EQ(s.width, 1280);
    EXPECT_EQ(s.fps, 30);
    EXPECT_EQ(s.segment_ms, 1000);
    EXPECT_TRUE(s.rtmp.empty());
    EXPECT_EQ(s.rtmp_attempts, 8);
    EXPECT_FALSE(s.resume);
    const auto a = std::get<AddCommand>(decoded_command(R"({"type":"add","input":"i1"})"));
    EXPECT_EQ(a.input.kind, "camera");
    EXPECT_TRUE(a.input.audio);
    EXPECT_TRUE(a.input.video);
    EXPECT_FALSE(a.input.audio_muted);
}

TEST(ControlCommands, UnknownMembersAreIgnored) {
    const auto c = decoded_command(R"({"type":"remove","input":"i1","future":{"x":[1,2]},"z":1})");
    EXPECT_EQ(std::get<RemoveCommand>(c).input, "i1");
    const auto s = decoded_command(
        R"({"type":"start","hls_dir":"/h","rtmp":[{"id":"t","url":"rtmp://h/a/k","extra":1}]})");
    EXPECT_EQ(std::get<StartCommand>(s).settings.rtmp.size(), 1U);
}

TEST(ControlCommands, BadJson) {
    EXPECT_EQ(command_error("{"), "bad_json");
    EXPECT_EQ(command_error(""), "bad_json");
    EXPECT_EQ(command_error("[1,2]"), "bad_json");
    EXPECT_EQ(command_error("\"stop\""), "bad_json");
}

TEST(ControlCommands, MissingField) {
    EXPECT_EQ(command_error(R"({"input":"i1"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"add"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"remove"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"start"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"layout"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"title"})"), "missing_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","rtmp":[{"id":"t"}]})"),
              "missing_field");
}

TEST(ControlCommands, BadField) {
    EXPECT_EQ(command_error(R"({"type":7})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":"has space"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":""})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":")" + std::string(65, 'a') + "\"}"),
              "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":"i1","role":"boss"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":"i1","kind":"window"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"add","input":"i1","audio":"yes"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"layout","layout":"mosaic"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"layout","layout":"focus","focus":"a/b"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"relative"})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","width":0})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","width":1281})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","fps":30.5})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","rtmp":{}})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","resume":1})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","rtmp_attempts":0})"), "bad_field");
    EXPECT_EQ(command_error(R"({"type":"start","hls_dir":"/h","rtmp_attempts":"2"})"), "bad_field");
}

TEST(ControlCommands, UnknownType) {
    EXPECT_EQ(command_error(R"({"type":"explode"})"), "unknown_type");
    // An event type is not a command.
    EXPECT_EQ(command_error(R"({"type":"ready"})"), "unknown_type");
}

TEST(ControlEvents, EveryEventRoundTrips) {
    const std::vector<WorkerEvent> events{
        ReadyEvent{},
        InputReadyEvent{"i1", 40002, 40004},
        InputReadyEvent{"i2", 0, 40006},
        SegmentEvent{17, "r1a2-00017.ts", 1000},
        SegmentEvent{9000000000LL, "r-9000000000.ts", 1001},
        RtmpEvent{"t1", "retrying", "connection refused"},
        RtmpEvent{"t1", "live", ""},
        LayoutEvent{Layout::grid, {"i1", "i2", "i3"}},
        LayoutEvent{Layout::slate, {}},
        ErrorEvent{"pipeline_failed", "x264enc: out of memory", true},
        StoppedEvent{"/d/recordings/ev/ev.mp4"},
        StoppedEvent{""},
    };
    for (const auto& e : events) {
        const std::string line = encode_event(e);
        EXPECT_EQ(line.find('\n'), std::string::npos) << line;
        auto r = decode_event(line);
        ASSERT_TRUE(r.ok()) << line << " -> " << r.error().code;
        EXPECT_EQ(r.value(), e) << line;
    }
}

TEST(ControlEvents, WireShapeMatchesTheSpec) {
    EXPECT_EQ(encode_event(ReadyEvent{}), R"({"type":"ready"})");
    EXPECT_EQ(encode_event(InputReadyEvent{"i1", 40002, 40004}),
              R"({"type":"input_ready","input":"i1","video_port":40002,"audio_port":40004})");
    EXPECT_EQ(encode_event(SegmentEvent{17, "r1a2-00017.ts", 1000}),
              R"({"type":"segment","sequence":17,"uri":"r1a2-00017.ts","duration_ms":1000})");
    EXPECT_EQ(encode_event(RtmpEvent{"t1", "retrying", "connection refused"}),
              R"({"type":"rtmp","id":"t1","state":"retrying","error":"connection refused"})");
    EXPECT_EQ(encode_event(LayoutEvent{Layout::grid, {"i1", "i2", "i3"}}),
              R"({"type":"layout","layout":"grid","inputs":["i1","i2","i3"]})");
    EXPECT_EQ(encode_event(ErrorEvent{"pipeline_failed", "…", true}),
              R"({"type":"error","code":"pipeline_failed","message":"…","fatal":true})");
    EXPECT_EQ(encode_event(StoppedEvent{"/d/r.mp4"}),
              R"({"type":"stopped","recording":"/d/r.mp4"})");
}

TEST(ControlEvents, ErrorsAndUnknownMembers) {
    EXPECT_EQ(event_error(R"({"type":"ready","extra":[1]})"), "ok");
    EXPECT_EQ(event_error("nope"), "bad_json");
    EXPECT_EQ(event_error(R"({"type":"segment","uri":"a.ts"})"), "missing_field");
    EXPECT_EQ(event_error(R"({"type":"input_ready","input":"i1","video_port":70000})"),
              "bad_field");
    EXPECT_EQ(event_error(R"({"type":"rtmp","id":"t1","state":"sleeping"})"), "bad_field");
    EXPECT_EQ(event_error(R"({"type":"layout","layout":"grid","inputs":[1]})"), "bad_field");
    EXPECT_EQ(event_error(R"({"type":"add","input":"i1"})"), "unknown_type");
}

TEST(ControlLayouts, NamesRoundTrip) {
    for (Layout l : {Layout::automatic, Layout::slate, Layout::solo, Layout::side_by_side,
                     Layout::grid, Layout::focus}) {
        EXPECT_EQ(parse_layout(layout_name(l)), l);
    }
    EXPECT_EQ(layout_name(Layout::automatic), "auto");
    EXPECT_EQ(parse_layout("automatic"), std::nullopt);
}

}  // namespace
}  // namespace onstage::broadcast
