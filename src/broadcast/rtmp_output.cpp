#include "broadcast/rtmp_output.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <utility>

namespace onstage::broadcast {

namespace {

constexpr guint64 kQueueNs = 2000000000ULL;
constexpr guint kPollMs = 500;
constexpr int kMaxBackoffS = 15;  // 1, 2, 4, 8, 15, 15 … s
constexpr guint kReapDelayMs = 500;
// Bytes sent beyond the handshake and publish commands: media is flowing.
constexpr guint64 kLiveBytes = guint64{32} * 1024;

// Counts the bytes rtmpsink is handed (it sends each buffer before taking the next).
GstPadProbeReturn count_bytes(GstPad* /*pad*/, GstPadProbeInfo* info, gpointer counter) {
    if (GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info); buffer != nullptr) {
        static_cast<std::atomic<guint64>*>(counter)->fetch_add(gst_buffer_get_size(buffer));
    }
    return GST_PAD_PROBE_OK;
}

// "host:port" of an rtmp:// or rtmps:// URL (1935 / 443 when it names none); "" if unreadable.
std::string host_and_port(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) {
        return "";
    }
    const bool tls = url.compare(0, scheme, "rtmps") == 0;
    std::string authority = url.substr(scheme + 3, url.find('/', scheme + 3) - (scheme + 3));
    if (const auto at = authority.rfind('@'); at != std::string::npos) {
        authority.erase(0, at + 1);
    }
    const auto bracket = authority.rfind(']');
    const auto colon = authority.rfind(':');
    const bool has_port =
        colon != std::string::npos && (bracket == std::string::npos || colon > bracket);
    return has_port ? authority : authority + (tls ? ":443" : ":1935");
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

RtmpOutput::RtmpOutput(RtmpTarget target, TeePoint tees, EventSink emit, int max_attempts)
    : target_(std::move(target)),
      tees_(tees),
      emit_(std::move(emit)),
      max_attempts_(std::max(1, max_attempts)) {}

RtmpOutput::~RtmpOutput() {
    stop();
}

void RtmpOutput::start() {
    stopped_ = false;
    connect();  // the first attempt goes straight to rtmp2sink (no extra TCP connection)
}

void RtmpOutput::probe() {
    const std::string address = host_and_port(target_.url);
    emit_(RtmpEvent{target_.id, "connecting", ""});
    GSocketClient* client = g_socket_client_new();
    g_socket_client_set_timeout(client, 10);
    probing_ = g_cancellable_new();
    g_socket_client_connect_to_host_async(client, address.c_str(), 1935, probing_,
                                          &RtmpOutput::on_probed, this);
    g_object_unref(client);  // the async operation holds its own reference
}

// Runs on the main loop. A cancelled check (stop, or destruction) must not touch `self`.
void RtmpOutput::on_probed(GObject* client, GAsyncResult* result, gpointer self) {
    GError* error = nullptr;
    GSocketConnection* connection =
        g_socket_client_connect_to_host_finish(G_SOCKET_CLIENT(client), result, &error);
    if (connection != nullptr) {
        g_object_unref(connection);  // closes it: it was only a check
    }
    if (error != nullptr && g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED)) {
        g_error_free(error);
        return;
    }
    auto* out = static_cast<RtmpOutput*>(self);
    g_clear_object(&out->probing_);
    if (error != nullptr) {
        const std::string reason = error->message;
        g_error_free(error);
        out->retry_later(reason);
        return;
    }
    if (!out->stopped_) {
        out->connect();
    }
}

void RtmpOutput::stop() {
    stopped_ = true;
    if (probing_ != nullptr) {
        g_cancellable_cancel(probing_);
        g_clear_object(&probing_);
    }
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
    // librtmp's rtmpsink, not rtmp2sink: GStreamer 1.22's rtmp2sink stalls or crashes the
    // program after a refused connection (an AMF assertion in its error path).
    sink_ = make_element("rtmpsink");
    sent_->store(0);
    GstPad* sink_pad = gst_element_get_static_pad(sink_, "sink");
    gst_pad_add_probe(sink_pad, GST_PAD_PROBE_TYPE_BUFFER, count_bytes, sent_.get(), nullptr);
    gst_object_unref(sink_pad);
    g_object_set(sink_, "location", target_.url.c_str(), "async", FALSE, "sync", FALSE, nullptr);
    GstBin* bin = branch_->bin();
    add_chain(bin, {vq, vparse, mux, sink_});
    add_chain(bin, {aq, aparse});
    link_or_throw(aparse, mux);
    branch_->expose(vq, aq, /*isolate=*/true);
    live_ = false;
    spdlog::info("rtmp {}: connecting to {}", target_.id, redact_rtmp_url(target_.url));
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
    if (reap_timer_ != 0 && stopped_) {
        g_source_remove(reap_timer_);
        reap_timer_ = 0;
        on_reap(this);
    }
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
    // Torn down a moment later, not inside the error's own dispatch: rtmp2sink is still
    // unwinding its failed connection then. Its ghost pads keep answering OK meanwhile.
    reap_later();
    retry_later(reason);
}

void RtmpOutput::reap_later() {
    if (!branch_) {
        return;
    }
    dying_.push_back(std::move(branch_));
    sink_ = nullptr;
    if (reap_timer_ == 0) {
        reap_timer_ = g_timeout_add(kReapDelayMs, &RtmpOutput::on_reap, this);
    }
}

gboolean RtmpOutput::on_reap(gpointer self) {
    auto* out = static_cast<RtmpOutput*>(self);
    out->reap_timer_ = 0;
    for (auto& branch : out->dying_) {
        branch->detach(out->tees_.pipeline, out->tees_.video_tee, out->tees_.audio_tee);
    }
    out->dying_.clear();
    return G_SOURCE_REMOVE;
}

void RtmpOutput::retry_later(const std::string& reason) {
    if (stopped_) {
        return;
    }
    failures_ = live_ ? 1 : failures_ + 1;
    live_ = false;
    if (failures_ >= max_attempts_) {
        // The target is down for good (a wrong key, a deleted stream): say so and stop trying,
        // rather than report `retrying` forever. The other outputs go on.
        spdlog::error("rtmp {}: {} ({}); giving up after {} failed attempts in a row", target_.id,
                      reason, redact_rtmp_url(target_.url), failures_);
        emit_(RtmpEvent{target_.id, "failed", reason});
        return;
    }
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
        out->probe();
    }
    return G_SOURCE_REMOVE;
}

gboolean RtmpOutput::on_poll(gpointer self) {
    auto* out = static_cast<RtmpOutput*>(self);
    if (out->sink_ == nullptr || out->live_) {
        out->poll_timer_ = 0;
        return G_SOURCE_REMOVE;
    }
    if (out->sent_->load() >= kLiveBytes) {
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
