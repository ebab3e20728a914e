// One output of the encoded program (HLS, MP4, an RTMP target): a GstBin fed from the video and
// audio tees through two ghost sink pads. An isolated branch swallows its own flow errors so a
// failing output (a refused RTMP connection, a full disk) never stops the tees and so never
// the other outputs; it reports through an ERROR message on the bus instead. Main thread only.
#pragma once

#include "broadcast/gst_ref.hpp"

#include <string>

namespace onstage::broadcast {

class TeeBranch {
public:
    explicit TeeBranch(const std::string& name);
    GstBin* bin() const { return GST_BIN(bin_.get()); }

    // Ghosts `video_in`'s and `audio_in`'s sink pads as the branch's inputs.
    void expose(GstElement* video_in, GstElement* audio_in, bool isolate);
    void attach(GstBin* pipeline, GstElement* video_tee, GstElement* audio_tee);
    void detach(GstBin* pipeline, GstElement* video_tee, GstElement* audio_tee);
    bool attached() const { return attached_; }
    // Whether `object` is this branch or inside it (for routing bus messages).
    bool contains(GstObject* object) const;

private:
    ElementRef bin_;
    PadRef video_sink_, audio_sink_;
    PadRef video_tee_pad_, audio_tee_pad_;
    bool attached_ = false;
};

}  // namespace onstage::broadcast
