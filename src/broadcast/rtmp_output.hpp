// One RTMP target: an isolated TeeBranch (queue ! h264parse/aacparse ! flvmux ! rtmpsink). When
// it fails it is torn down and rebuilt after a backoff (1, 2, 4, 8, then every 15 s) on its own,
// never touching the other outputs; after `max_attempts` failed attempts in a row (no live
// connection between them) it gives up. Reports connecting / live / retrying / failed as `rtmp`
// events. Stream keys are in the URL: only the redacted form is ever logged. Main thread only.
#pragma once

#include <gio/gio.h>

#include "broadcast/control.hpp"
#include "broadcast/program_outputs.hpp"
#include "broadcast/tee_branch.hpp"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

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
    RtmpOutput(RtmpTarget target, TeePoint tees, EventSink emit, int max_attempts);
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
    static void on_probed(GObject* client, GAsyncResult* result, gpointer self);
    static gboolean on_reap(gpointer self);
    // Before a retry: checks that the target accepts a TCP connection before building a new
    // branch, so a target that stays down costs one TCP connect per retry, not a pipeline
    // branch.
    // (Not before the first attempt: a receiver that takes one connection only, such as
    // `ffmpeg -listen 1`, would take the check for its client.)
    void probe();
    void reap_later();
    void connect();
    void retry_later(const std::string& reason);
    void teardown();
    void cancel_timers();

    RtmpTarget target_;
    TeePoint tees_;
    EventSink emit_;
    std::unique_ptr<TeeBranch> branch_;
    std::vector<std::unique_ptr<TeeBranch>> dying_;  // failed branches, torn down on_reap
    guint reap_timer_ = 0;
    GstElement* sink_ = nullptr;
    // Bytes handed to the current sink (a pad probe adds to it on the streaming thread). Shared,
    // because a failed branch's probe may still run until the branch is torn down.
    std::shared_ptr<std::atomic<guint64>> sent_ = std::make_shared<std::atomic<guint64>>(0);
    guint retry_timer_ = 0, poll_timer_ = 0;
    GCancellable* probing_ = nullptr;  // the TCP check in flight, if any
    int max_attempts_;
    int failures_ = 0;  // failed attempts since the last live connection
    bool live_ = false;
    bool stopped_ = false;
};

}  // namespace onstage::broadcast
