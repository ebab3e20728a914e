#include "broadcast/rtmp_output.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

namespace onstage::broadcast {

namespace {

constexpr guint64 kQueueNs = 2000000000ULL;
constexpr guint kPollMs = 500;
constexpr int kMaxBackoffS = 10;
// Bytes sent beyond the handshake and publish commands: media is flowing.
constexpr guint64 kLiveBytes = guint64{32} * 1024;

guint64 bytes_sent(GstElement* sink) {
    GstStructure* stats = nullptr;
    g_object_get(sink, "stats", &stats, nullptr);
    guint64 out = 0;
    if (stats != nullptr) {
        (void)gst_structure_get_uint64(stats, "out-bytes-total", &out);
        gst_structure_free(stats);
    }
    return out;
}

}  // namespace

std::string redact_rtmp_url(const std::string& url) {
    std::string u = url.substr(0, url.find_first_of("?#"));
    const auto scheme = u.find("://");
    const auto host_end = scheme == std::string::npos ? std::string::npos : u.find('/', scheme + 3);
    if (host_end == std::string::npos) {
        return u.substr(0, scheme == std::string::npos ? 0 : scheme + 3) + "…";
    }
    const auto last = u.rfind('/');
    return (last > host_end ? u.substr(0, last + 1) : u.substr(0, host_end + 1)) + "…";
}

RtmpOutput::RtmpOutput(RtmpTarget target, TeePoint tees, EventSink emit)
    : target_(std::move(target)), tees_(tees), emit_(std::move(emit)) {}

RtmpOutput::~RtmpOutput() {
    stop();
}

void RtmpOutput::start() {
    stopped_ = false;
    connect();
}

void RtmpOutput::stop() {
    stopped_ = true;
    cancel_timers();
    teardown();
}

void RtmpOutput::connect() {
    branch_ = std::make_unique<TeeBranch>("rtmp-" + target_.id);
    GstElement* vq = leaky_queue(kQueueNs);
    GstElement* aq = leaky_queue(kQueueNs);
    GstElement* vparse = make_element("h264parse");
    g_object_set(vparse, "config-interval", -1, nullptr);  // SPS/PPS with every keyframe
    GstElement* aparse = make_element("aacparse");
    GstElement* mux = make_element("flvmux");
    g_object_set(mux, "streamable", TRUE, nullptr);
    sink_ = make_element("rtmp2sink");
    g_object_set(sink_, "location", target_.url.c_str(), "async-connect", TRUE, "async", FALSE,
                 "sync", FALSE, nullptr);
    GstBin* bin = branch_->bin();
    add_chain(bin, {vq, vparse, mux, sink_});
    add_chain(bin, {aq, aparse});
    link_or_throw(aparse, mux);
    branch_->expose(vq, aq, /*isolate=*/true);
    live_ = false;
    spdlog::info("rtmp {}: connecting to {}", target_.id, redact_rtmp_url(target_.url));
    emit_(RtmpEvent{target_.id, "connecting", ""});
    branch_->attach(tees_.pipeline, tees_.video_tee, tees_.audio_tee);
    poll_timer_ = g_timeout_add(kPollMs, &RtmpOutput::on_poll, this);
}

void RtmpOutput::teardown() {
    if (branch_) {
        branch_->detach(tees_.pipeline, tees_.video_tee, tees_.audio_tee);
        branch_.reset();
        sink_ = nullptr;
    }
}

void RtmpOutput::cancel_timers() {
    if (retry_timer_ != 0) {
        g_source_remove(retry_timer_);
        retry_timer_ = 0;
    }
    if (poll_timer_ != 0) {
        g_source_remove(poll_timer_);
        poll_timer_ = 0;
    }
}

void RtmpOutput::fail(const std::string& reason) {
    if (stopped_ || !branch_) {
        return;
    }
    cancel_timers();
    teardown();
    failures_ = live_ ? 1 : failures_ + 1;
    live_ = false;
    const int delay_s = std::min(kMaxBackoffS, 1 << std::min(failures_ - 1, 4));
    spdlog::warn("rtmp {}: {} ({}); retrying in {} s", target_.id, reason,
                 redact_rtmp_url(target_.url), delay_s);
    emit_(RtmpEvent{target_.id, "retrying", reason});
    retry_timer_ = g_timeout_add_seconds(static_cast<guint>(delay_s), &RtmpOutput::on_retry, this);
}

gboolean RtmpOutput::on_retry(gpointer self) {
    auto* out = static_cast<RtmpOutput*>(self);
    out->retry_timer_ = 0;
    if (!out->stopped_) {
        out->connect();
    }
    return G_SOURCE_REMOVE;
}

gboolean RtmpOutput::on_poll(gpointer self) {
    auto* out = static_cast<RtmpOutput*>(self);
    if (out->sink_ == nullptr || out->live_) {
        out->poll_timer_ = 0;
        return G_SOURCE_REMOVE;
    }
    if (bytes_sent(out->sink_) >= kLiveBytes) {
        out->live_ = true;
        out->failures_ = 0;
        spdlog::info("rtmp {}: live", out->id());
        out->emit_(RtmpEvent{out->id(), "live", ""});
        out->poll_timer_ = 0;
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

}  // namespace onstage::broadcast
