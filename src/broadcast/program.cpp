#include "broadcast/program.hpp"

#include "broadcast/text_stage.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace onstage::broadcast {

namespace {

constexpr guint kBackgroundRgb = 0xff101318;  // the slate's dark background, ARGB
// Inputs join while the program runs; their jitterbuffers add latency the first latency
// query never saw. Reserving it up front keeps their first buffers from arriving late.
constexpr guint64 kReservedUpstreamLatencyNs = 250000000ULL;
constexpr guint kStopTimeoutS = 10;

void set_arg(GstElement* e, const char* name, const char* value) {
    gst_util_set_object_arg(G_OBJECT(e), name, value);
}

GstElement* caps_element(const std::string& caps) {
    GstElement* f = make_element("capsfilter");
    set_caps(f, caps);
    return f;
}

std::string escape(const std::string& s) {
    gchar* e = g_markup_escape_text(s.c_str(), -1);
    std::string out = e;
    g_free(e);
    return out;
}

void configure_aggregator(GstElement* agg) {
    set_arg(agg, "start-time-selection", "first");  // audio comes before the first keyframe
    g_object_set(agg, "min-upstream-latency", kReservedUpstreamLatencyNs, "ignore-inactive-pads",
                 TRUE, nullptr);
}

}  // namespace

Program::Program(OutputSettings settings, std::string run, EventSink emit,
                 std::function<void(int)> on_finished)
    : settings_(std::move(settings)),
      run_(std::move(run)),
      emit_(std::move(emit)),
      on_finished_(std::move(on_finished)) {}

Program::~Program() {
    if (stop_timer_ != 0) {
        g_source_remove(stop_timer_);
    }
    rtmp_.clear();
    if (pipeline_) {
        gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    }
    if (bus_watch_ != 0) {
        g_source_remove(bus_watch_);
    }
}

void Program::build_video() {
    GstBin* bin = GST_BIN(pipeline_.get());
    const std::string size = ",width=" + std::to_string(settings_.width) +
                             ",height=" + std::to_string(settings_.height) +
                             ",framerate=" + std::to_string(settings_.fps) + "/1";
    GstElement* bg = make_element("videotestsrc", "background");
    g_object_set(bg, "is-live", TRUE, "foreground-color", kBackgroundRgb, nullptr);
    set_arg(bg, "pattern", "solid-color");
    const TextStage slate = make_text_stage("slate-text");
    slate_text_ = slate.overlay;
    set_text_props(slate_text_, "halignment", 1 /*center*/, "valignment", 4 /*center*/, "font-desc",
                   ("Sans Bold " + std::to_string(settings_.height / 9)).c_str());
    compositor_ = make_element("compositor", "program");
    set_arg(compositor_, "background", "black");
    configure_aggregator(compositor_);
    const TextStage title = make_text_stage("title-text");
    title_text_ = title.overlay;
    set_text_props(title_text_, "halignment", 0 /*left*/, "valignment", 2 /*top*/,
                   "shaded-background", TRUE, "xpad", 24, "ypad", 18, "font-desc",
                   ("Sans Bold " + std::to_string(std::max(8, settings_.height / 20))).c_str());
    GstElement* enc = make_element("x264enc", "video-encoder");
    set_arg(enc, "tune", "zerolatency");
    set_arg(enc, "speed-preset", "veryfast");
    const int gop = std::max(1, settings_.fps * settings_.segment_ms / 1000);
    g_object_set(enc, "bitrate", static_cast<guint>(settings_.video_kbps), "key-int-max",
                 static_cast<guint>(gop), "option-string", "scenecut=0", nullptr);
    video_tee_ = make_element("tee", "video-tee");
    g_object_set(video_tee_, "allow-not-linked", TRUE, nullptr);
    const std::string raw = std::string("video/x-raw,") + kProgramVideoFormat + size;
    add_chain(bin, {bg, caps_element(raw), slate.bin});
    add_chain(bin, {compositor_, caps_element(raw), title.bin, make_element("videoconvert"), enc,
                    caps_element("video/x-h264,profile=high"), video_tee_});
    GstPad* bg_pad = gst_element_request_pad_simple(compositor_, "sink_%u");
    GstPad* slate_src = gst_element_get_static_pad(slate.bin, "src");
    const bool linked = gst_pad_link(slate_src, bg_pad) == GST_PAD_LINK_OK;
    g_object_set(bg_pad, "zorder", 0U, nullptr);
    gst_object_unref(slate_src);
    gst_object_unref(bg_pad);
    if (!linked) {
        throw PipelineError("pipeline_failed", "cannot link the background");
    }
}

void Program::build_audio() {
    GstBin* bin = GST_BIN(pipeline_.get());
    GstElement* bed = make_element("audiotestsrc", "silence");
    g_object_set(bed, "is-live", TRUE, "samplesperbuffer", 960, nullptr);  // 20 ms
    set_arg(bed, "wave", "silence");
    mixer_ = make_element("audiomixer", "mixer");
    configure_aggregator(mixer_);
    GstElement* enc = make_element("avenc_aac", "audio-encoder");
    g_object_set(enc, "bitrate", settings_.audio_kbps * 1000, nullptr);
    audio_tee_ = make_element("tee", "audio-tee");
    g_object_set(audio_tee_, "allow-not-linked", TRUE, nullptr);
    add_chain(bin, {bed, caps_element("audio/x-raw,rate=48000,channels=2"), mixer_,
                    caps_element("audio/x-raw,rate=48000,channels=2"), make_element("audioconvert"),
                    make_element("audioresample"), enc, audio_tee_});
}

void Program::start() {
    pipeline_ = ElementRef(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new("program"))));
    build_video();
    build_audio();
    hls_ = std::make_unique<HlsOutput>(settings_, run_, emit_);
    hls_->prepare();
    GstBin* bin = GST_BIN(pipeline_.get());
    hls_->branch().attach(bin, video_tee_, audio_tee_);
    if (!settings_.record_path.empty()) {
        mp4_ = std::make_unique<Mp4Output>(settings_.record_path);
        mp4_->branch().attach(bin, video_tee_, audio_tee_);
    }
    GstBus* bus = gst_element_get_bus(pipeline_.get());
    bus_watch_ = gst_bus_add_watch(bus, &Program::on_bus, this);
    gst_object_unref(bus);
    apply_title();
    relayout();
    if (gst_element_set_state(pipeline_.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        throw PipelineError("pipeline_failed", "the program pipeline would not start");
    }
}

void Program::start_rtmp() {
    const TeePoint tees{GST_BIN(pipeline_.get()), video_tee_, audio_tee_};
    for (const auto& target : settings_.rtmp) {
        rtmp_.push_back(std::make_unique<RtmpOutput>(target, tees, emit_, settings_.rtmp_attempts));
        rtmp_.back()->start();
    }
}

ProgramInput* Program::find(const std::string& id) {
    for (auto& in : inputs_) {
        if (in->spec().id == id) {
            return in.get();
        }
    }
    return nullptr;
}

void Program::add(const InputSpec& spec) {
    if (find(spec.id) != nullptr) {
        emit_(ErrorEvent{"duplicate_input", "input " + spec.id + " is already on", false});
        return;
    }
    auto input = std::make_unique<ProgramInput>(spec);
    input->attach(GST_BIN(pipeline_.get()), compositor_, mixer_);
    spdlog::info("input {} added (video port {}, audio port {})", spec.id, input->video_port(),
                 input->audio_port());
    emit_(InputReadyEvent{spec.id, input->video_port(), input->audio_port()});
    inputs_.push_back(std::move(input));
    relayout();
}

void Program::update(const InputSpec& spec) {
    ProgramInput* input = find(spec.id);
    if (input == nullptr) {
        emit_(ErrorEvent{"unknown_input", "no input " + spec.id, false});
        return;
    }
    input->update(spec);
    relayout();
}

void Program::remove(const std::string& id) {
    const auto it = std::find_if(inputs_.begin(), inputs_.end(),
                                 [&](const auto& in) { return in->spec().id == id; });
    if (it == inputs_.end()) {
        emit_(ErrorEvent{"unknown_input", "no input " + id, false});
        return;
    }
    (*it)->detach(GST_BIN(pipeline_.get()), compositor_, mixer_);
    inputs_.erase(it);
    spdlog::info("input {} removed", id);
    relayout();
}

void Program::set_layout(Layout layout, const std::string& focus) {
    requested_ = layout;
    focus_ = focus;
    relayout();
}

void Program::set_title(const std::string& title) {
    settings_.title = title;
    apply_title();
    relayout();
}

void Program::apply_title() {
    set_text_props(title_text_, "text", escape(settings_.title).c_str());
}

void Program::relayout() {
    std::vector<LayoutInput> layout_inputs;
    for (const auto& in : inputs_) {
        layout_inputs.push_back(LayoutInput{in->spec().id, in->spec().role, in->spec().kind});
    }
    const LayoutPlan plan =
        plan_layout(layout_inputs, requested_, focus_, settings_.width, settings_.height);
    LayoutEvent event{plan.applied, {}};
    for (const auto& in : inputs_) {
        const auto tile = std::find_if(plan.tiles.begin(), plan.tiles.end(),
                                       [&](const Tile& t) { return t.id == in->spec().id; });
        in->place(tile == plan.tiles.end() ? nullptr : &*tile);
    }
    for (const auto& t : plan.tiles) {
        event.inputs.push_back(t.id);
    }
    const std::string slate =
        plan.applied == Layout::slate
            ? "We'll be right back\n<small>" + escape(settings_.title) + "</small>"
            : "";
    set_text_props(slate_text_, "text", slate.c_str());
    if (!last_layout_ || !(*last_layout_ == event)) {
        last_layout_ = event;
        emit_(event);
    }
}

void Program::stop() {
    if (stopping_ || finished_) {
        return;
    }
    stopping_ = true;
    if (!pipeline_) {
        emit_(StoppedEvent{""});
        finish(0);
        return;
    }
    // RTMP targets and inputs go first so only the two always-live sources remain to end.
    for (auto& out : rtmp_) {
        out->stop();
    }
    for (auto& in : inputs_) {
        in->detach(GST_BIN(pipeline_.get()), compositor_, mixer_);
    }
    inputs_.clear();
    gst_element_send_event(pipeline_.get(), gst_event_new_eos());
    stop_timer_ = g_timeout_add_seconds(kStopTimeoutS, &Program::on_stop_timeout, this);
}

gboolean Program::on_stop_timeout(gpointer self) {
    auto* p = static_cast<Program*>(self);
    p->stop_timer_ = 0;
    spdlog::warn("outputs did not finish within {} s; stopping anyway", kStopTimeoutS);
    p->hls_->finish();
    p->emit_(StoppedEvent{p->settings_.record_path});
    p->finish(0);
    return G_SOURCE_REMOVE;
}

gboolean Program::on_bus(GstBus* /*bus*/, GstMessage* message, gpointer self) {
    static_cast<Program*>(self)->handle(message);
    return G_SOURCE_CONTINUE;
}

void Program::handle(GstMessage* message) {
    if (finished_) {
        return;
    }
    switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
        handle_error(message);
        break;
    case GST_MESSAGE_WARNING: {
        GError* err = nullptr;
        gst_message_parse_warning(message, &err, nullptr);
        spdlog::warn("{}: {}", GST_OBJECT_NAME(GST_MESSAGE_SRC(message)), err->message);
        g_error_free(err);
        break;
    }
    case GST_MESSAGE_ELEMENT:
        if (const GstStructure* s = gst_message_get_structure(message); s != nullptr && hls_) {
            (void)hls_->handle_element_message(s);
        }
        break;
    case GST_MESSAGE_STATE_CHANGED:
        if (GST_MESSAGE_SRC(message) == GST_OBJECT(pipeline_.get()) && !ready_) {
            GstState next = GST_STATE_NULL;
            gst_message_parse_state_changed(message, nullptr, &next, nullptr);
            if (next == GST_STATE_PLAYING) {
                ready_ = true;
                emit_(ReadyEvent{});
                // Added to a running pipeline: a target that fails while the pipeline is
                // still going to PLAYING would hold that state change up.
                start_rtmp();
            }
        }
        break;
    case GST_MESSAGE_EOS:
        if (stopping_) {
            hls_->finish();
            emit_(StoppedEvent{settings_.record_path});
            finish(0);
        }
        break;
    default:
        break;
    }
}

void Program::handle_error(GstMessage* message) {
    GError* err = nullptr;
    gchar* debug = nullptr;
    gst_message_parse_error(message, &err, &debug);
    const std::string text = err->message;
    GstObject* src = GST_MESSAGE_SRC(message);
    spdlog::error("{}: {} ({})", GST_OBJECT_NAME(src), text, debug != nullptr ? debug : "");
    g_error_free(err);
    g_free(debug);
    for (auto& out : rtmp_) {
        if (out->owns(src)) {
            out->fail(text);
            return;
        }
    }
    if (mp4_ && mp4_->branch().contains(src)) {
        emit_(ErrorEvent{"recording_failed", text, false});
        mp4_->branch().detach(GST_BIN(pipeline_.get()), video_tee_, audio_tee_);
        return;
    }
    for (auto& in : inputs_) {
        if (gst_object_has_as_ancestor(src, GST_OBJECT(in->bin()))) {
            emit_(ErrorEvent{"input_failed", in->spec().id + ": " + text, false});
            return;
        }
    }
    emit_(ErrorEvent{"pipeline_failed", text, true});
    finish(1);
}

void Program::finish(int exit_code) {
    if (finished_) {
        return;
    }
    finished_ = true;
    if (stop_timer_ != 0) {
        g_source_remove(stop_timer_);
        stop_timer_ = 0;
    }
    rtmp_.clear();
    if (pipeline_) {
        gst_element_set_state(pipeline_.get(), GST_STATE_NULL);
    }
    on_finished_(exit_code);
}

}  // namespace onstage::broadcast
