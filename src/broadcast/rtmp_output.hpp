// One RTMP target: an isolated TeeBranch (queue ! h264parse/aacparse ! flvmux ! rtmp2sink). When
// it fails it is torn down and rebuilt after a backoff (1, 2, 4 … ≤ 10 s) on its own, never
// touching the other outputs. Reports connecting / live / retrying as `rtmp` events. Stream
// keys are in the URL: only the redacted form is ever logged. Main thread only.
#pragma once

#include "broadcast/control.hpp"
#include "broadcast/program_outputs.hpp"
#include "broadcast/tee_branch.hpp"

#include <memory>
#include <string>

namespace onstage::broadcast {

struct TeePoint {
    GstBin* pipeline = nullptr;
    GstElement* video_tee = nullptr;
    GstElement* audio_tee = nullptr;
};

// rtmp://host[:port]/app/… — the last path segment (the key) and any query cut off.
std::string redact_rtmp_url(const std::string& url);

class RtmpOutput {
public:
    RtmpOutput(RtmpTarget target, TeePoint tees, EventSink emit);
    ~RtmpOutput();
    RtmpOutput(const RtmpOutput&) = delete;
    RtmpOutput& operator=(const RtmpOutput&) = delete;

    const std::string& id() const { return target_.id; }
    void start();
    void stop();
    bool owns(GstObject* object) const { return branch_ && branch_->contains(object); }
    // An ERROR from inside the branch: tear it down and retry later.
    void fail(const std::string& reason);

private:
    static gboolean on_retry(gpointer self);
    static gboolean on_poll(gpointer self);
    void connect();
    void teardown();
    void cancel_timers();

    RtmpTarget target_;
    TeePoint tees_;
    EventSink emit_;
    std::unique_ptr<TeeBranch> branch_;
    GstElement* sink_ = nullptr;
    guint retry_timer_ = 0, poll_timer_ = 0;
    int failures_ = 0;
    bool live_ = false;
    bool stopped_ = false;
};

}  // namespace onstage::broadcast
