#include "broadcast/program_outputs.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace onstage::broadcast {

namespace fs = std::filesystem;

namespace {

constexpr guint64 kMillisecond = 1000000;
constexpr guint64 kSecond = 1000 * kMillisecond;

std::string read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

GstElement* plain_queue() {
    GstElement* q = make_element("queue");
    g_object_set(q, "max-size-buffers", 0U, "max-size-bytes", 0U, "max-size-time", 3 * kSecond,
                 nullptr);
    return q;
}

}  // namespace

GstElement* leaky_queue(guint64 max_ns) {
    GstElement* q = make_element("queue");
    g_object_set(q, "max-size-buffers", 0U, "max-size-bytes", 0U, "max-size-time", max_ns, "leaky",
                 2 /*downstream: drop old*/, nullptr);
    return q;
}

HlsOutput::HlsOutput(const OutputSettings& settings, std::string run, EventSink emit)
    : settings_(settings),
      run_(std::move(run)),
      emit_(std::move(emit)),
      playlist_(settings.segment_ms, settings.playlist_segments) {}

void HlsOutput::prepare() {
    const fs::path dir(settings_.hls_dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
        throw PipelineError("hls_dir_failed",
                            "cannot create " + dir.string() + ": " + ec.message());
    }
    const fs::path index = dir / "index.m3u8";
    if (settings_.resume && fs::exists(index)) {
        playlist_.resume_from(parse_playlist(read_file(index)));
    } else {
        // A new broadcast: the previous one's files go (their names are never reused anyway).
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const auto ext = entry.path().extension();
            if (ext == ".ts" || ext == ".m3u8" || ext == ".tmp") {
                fs::remove(entry.path(), ec);
            }
        }
    }

    GstElement* vq = plain_queue();
    GstElement* aq = plain_queue();
    GstElement* vparse = make_element("h264parse");
    GstElement* aparse = make_element("aacparse");
    splitmux_ = make_element("splitmuxsink", "hls-splitmux");
    GstElement* mux = make_element("mpegtsmux");
    const std::string location = (dir / (run_ + "-%05d.ts")).string();
    const guint64 segment_ns = static_cast<guint64>(settings_.segment_ms) * kMillisecond;
    g_object_set(splitmux_, "location", location.c_str(), "muxer", mux, "max-size-time", segment_ns,
                 "send-keyframe-requests", TRUE, "start-index",
                 static_cast<gint>(playlist_.next_sequence()), nullptr);
    GstBin* bin = branch_.bin();
    add_chain(bin, {vq, vparse});
    add_chain(bin, {aq, aparse});
    gst_bin_add(bin, splitmux_);
    GstPad* vsink = gst_element_request_pad_simple(splitmux_, "video");
    GstPad* asink = gst_element_request_pad_simple(splitmux_, "audio_%u");
    GstPad* vsrc = gst_element_get_static_pad(vparse, "src");
    GstPad* asrc = gst_element_get_static_pad(aparse, "src");
    const bool linked = gst_pad_link(vsrc, vsink) == GST_PAD_LINK_OK &&
                        gst_pad_link(asrc, asink) == GST_PAD_LINK_OK;
    for (GstPad* p : {vsink, asink, vsrc, asrc}) {
        gst_object_unref(p);
    }
    if (!linked) {
        throw PipelineError("pipeline_failed", "cannot link the HLS muxer");
    }
    branch_.expose(vq, aq, /*isolate=*/false);  // HLS is the broadcast: its failure is fatal
}

bool HlsOutput::handle_element_message(const GstStructure* s) {
    const bool opened = gst_structure_has_name(s, "splitmuxsink-fragment-opened");
    const bool closed = gst_structure_has_name(s, "splitmuxsink-fragment-closed");
    if (!opened && !closed) {
        return false;
    }
    const gchar* location = gst_structure_get_string(s, "location");
    GstClockTime running = 0;
    if (location == nullptr || !gst_structure_get_clock_time(s, "running-time", &running)) {
        return true;
    }
    if (opened) {
        opened_[location] = running;
        return true;
    }
    const auto it = opened_.find(location);
    const GstClockTime start = it == opened_.end() ? running : it->second;
    if (it != opened_.end()) {
        opened_.erase(it);
    }
    const int duration_ms = static_cast<int>((running - start + 500000) / 1000000);
    const std::string uri = fs::path(location).filename().string();
    if (duration_ms <= 0) {
        return true;  // an empty fragment (stopped right at a boundary) is never listed
    }
    const std::int64_t sequence = playlist_.next_sequence();
    for (const auto& old : playlist_.add(uri, duration_ms)) {
        std::error_code ec;
        fs::remove(fs::path(settings_.hls_dir) / old, ec);
    }
    write_playlist();
    emit_(SegmentEvent{sequence, uri, duration_ms});
    // How long after its last frame was captured the segment became fetchable: the number
    // bench/run-compositor reports.
    spdlog::info("segment {} listed {} ms after its end", sequence,
                 static_cast<long long>(running_time_now() - running) / 1000000);
    return true;
}

GstClockTime HlsOutput::running_time_now() const {
    GstClock* clock = gst_element_get_clock(splitmux_);
    if (clock == nullptr) {
        return 0;
    }
    const GstClockTime now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    return now - gst_element_get_base_time(splitmux_);
}

void HlsOutput::finish() {
    playlist_.finish();
    write_playlist();
}

void HlsOutput::write_playlist() {
    const std::string path = (fs::path(settings_.hls_dir) / "index.m3u8").string();
    if (!write_file_atomically(path, playlist_.render())) {
        spdlog::error("cannot write {}", path);
        emit_(ErrorEvent{"hls_write_failed", "cannot write " + path, false});
    }
}

Mp4Output::Mp4Output(const std::string& path) {
    std::error_code ec;
    fs::create_directories(fs::path(path).parent_path(), ec);
    GstElement* vq = leaky_queue(3 * kSecond);
    GstElement* aq = leaky_queue(3 * kSecond);
    GstElement* vparse = make_element("h264parse");
    GstElement* aparse = make_element("aacparse");
    GstElement* mux = make_element("mp4mux");
    // Fragmented: a moof every second, so a killed worker still leaves a playable file.
    g_object_set(mux, "fragment-duration", 1000U, nullptr);
    GstElement* sink = make_element("filesink");
    g_object_set(sink, "location", path.c_str(), "async", FALSE, nullptr);
    GstBin* bin = branch_.bin();
    add_chain(bin, {vq, vparse, mux, sink});
    add_chain(bin, {aq, aparse});
    link_or_throw(aparse, mux);
    branch_.expose(vq, aq, /*isolate=*/true);
}

}  // namespace onstage::broadcast
