// The file outputs of the program: HLS (mpegtsmux segments via splitmuxsink, with our own
// index.m3u8) and the optional MP4 recording (fragmented, so even a crash leaves a playable
// file). Both are TeeBranches fed by the encoders. Main thread only.
#pragma once

#include "broadcast/control.hpp"
#include "broadcast/hls_playlist.hpp"
#include "broadcast/tee_branch.hpp"

#include <functional>
#include <map>
#include <string>

namespace onstage::broadcast {

using EventSink = std::function<void(const WorkerEvent&)>;

class HlsOutput {
public:
    // `run` prefixes every segment name so a restarted worker never reuses one.
    HlsOutput(const OutputSettings& settings, std::string run, EventSink emit);

    // Creates the directory; resumes its playlist or clears the previous broadcast's files.
    void prepare();
    TeeBranch& branch() { return branch_; }
    // splitmuxsink fragment messages; true when the message was ours.
    bool handle_element_message(const GstStructure* s);
    // Lists the final segment's ENDLIST.
    void finish();

private:
    void write_playlist();
    GstClockTime running_time_now() const;

    OutputSettings settings_;
    std::string run_;
    EventSink emit_;
    HlsPlaylist playlist_;
    TeeBranch branch_{"hls"};
    GstElement* splitmux_ = nullptr;
    std::map<std::string, GstClockTime> opened_;  // location -> running time at open
};

class Mp4Output {
public:
    explicit Mp4Output(const std::string& path);
    TeeBranch& branch() { return branch_; }

private:
    TeeBranch branch_{"mp4"};
};

// A leaky queue: an output that falls behind drops old data rather than stalling the encoder.
GstElement* leaky_queue(guint64 max_ns);

}  // namespace onstage::broadcast
