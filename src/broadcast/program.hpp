// The program pipeline of one broadcast: a dark background (the slate) and every input's tile
// in `compositor`, all inputs' audio in `audiomixer` over a silent bed so audio always flows,
// the title on top, then x264 + AAC into tees that feed HLS, the MP4 recording and each RTMP
// target. Inputs come and go while it runs. Main thread only (the GMainLoop's).
#pragma once

#include "broadcast/control.hpp"
#include "broadcast/layout.hpp"
#include "broadcast/program_input.hpp"
#include "broadcast/program_outputs.hpp"
#include "broadcast/rtmp_output.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace onstage::broadcast {

class Program {
public:
    // `on_finished(exit_code)` runs once the pipeline has stopped (after `stopped`, or after a
    // fatal error event).
    Program(OutputSettings settings, std::string run, EventSink emit,
            std::function<void(int)> on_finished);
    ~Program();
    Program(const Program&) = delete;
    Program& operator=(const Program&) = delete;

    void start();  // throws PipelineError
    void add(const InputSpec& spec);
    void update(const InputSpec& spec);
    void remove(const std::string& id);
    void set_layout(Layout layout, const std::string& focus);
    void set_title(const std::string& title);
    // Finalise every output (EOS), then `stopped`.
    void stop();

private:
    static gboolean on_bus(GstBus* bus, GstMessage* message, gpointer self);
    static gboolean on_stop_timeout(gpointer self);
    void handle(GstMessage* message);
    void handle_error(GstMessage* message);
    void build_video();
    void build_audio();
    void relayout();
    void start_rtmp();
    void apply_title();
    void finish(int exit_code);
    ProgramInput* find(const std::string& id);

    OutputSettings settings_;
    std::string run_;
    EventSink emit_;
    std::function<void(int)> on_finished_;
    ElementRef pipeline_;
    GstElement* compositor_ = nullptr;
    GstElement* mixer_ = nullptr;
    GstElement* video_tee_ = nullptr;
    GstElement* audio_tee_ = nullptr;
    GstElement* slate_text_ = nullptr;
    GstElement* title_text_ = nullptr;
    std::unique_ptr<HlsOutput> hls_;
    std::unique_ptr<Mp4Output> mp4_;
    std::vector<std::unique_ptr<RtmpOutput>> rtmp_;
    std::vector<std::unique_ptr<ProgramInput>> inputs_;  // add order
    Layout requested_ = Layout::automatic;
    std::string focus_;
    std::optional<LayoutEvent> last_layout_;
    guint bus_watch_ = 0;
    guint stop_timer_ = 0;
    bool ready_ = false;
    bool stopping_ = false;
    bool finished_ = false;
};

}  // namespace onstage::broadcast
