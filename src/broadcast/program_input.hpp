// One publisher on the program: a GstBin that receives its RTP (VP8 pt 96 / Opus pt 111) on UDP
// ports the worker binds itself on 127.0.0.1, decodes it, scales it to its tile with a
// lower-third and feeds the compositor and the audiomixer. Beneath the picture sits a dark name
// card (shown while video is muted or before the first keyframe). Main thread only.
#pragma once

#include "broadcast/control.hpp"
#include "broadcast/gst_ref.hpp"
#include "broadcast/layout.hpp"

#include <gio/gio.h>

namespace onstage::broadcast {

// The raw video format of every picture in the program: tiles, cards, background and output.
// When a tile matches the output exactly, the compositor blends it as it is; any difference
// (format, colorimetry, chroma siting, size) makes it convert the tile on every frame through
// its shared task pool, which costs CPU and, in GStreamer 1.22.0, could hang the compositor
// for good (seen waiting in gst_video_converter_frame_finish under load). Sources without
// colorimetry of their own (videotestsrc) otherwise default to bt709 at HD sizes.
inline constexpr const char* kProgramVideoFormat = "format=I420,colorimetry=bt601,chroma-site=jpeg";

class ProgramInput {
public:
    // Builds the bin and binds the sockets (ports are known right away).
    explicit ProgramInput(const InputSpec& spec);
    ~ProgramInput();
    ProgramInput(const ProgramInput&) = delete;
    ProgramInput& operator=(const ProgramInput&) = delete;

    const InputSpec& spec() const { return spec_; }
    int video_port() const { return video_port_; }
    int audio_port() const { return audio_port_; }
    GstElement* bin() const { return bin_.get(); }

    // Adds the bin to the running pipeline and links it to the mixers.
    void attach(GstBin* pipeline, GstElement* compositor, GstElement* mixer);
    // Stops the bin, releases the mixer pads and removes it from the pipeline.
    void detach(GstBin* pipeline, GstElement* compositor, GstElement* mixer);

    // Name, role and muted flags changed (the id and forwarded streams stay).
    void update(const InputSpec& spec);
    // Where the input goes on the program; nullptr = not on the program (still heard).
    void place(const Tile* tile);

private:
    void build_video();
    void build_card();
    void build_audio();
    void apply_mutes();
    void apply_texts();

    InputSpec spec_;
    ElementRef bin_;
    GSocket* video_socket_ = nullptr;
    GSocket* audio_socket_ = nullptr;
    int video_port_ = 0, audio_port_ = 0;
    GstElement* video_caps_ = nullptr;  // tile size
    GstElement* lower_third_ = nullptr;
    GstElement* card_caps_ = nullptr;
    GstElement* card_text_ = nullptr;
    PadRef video_pad_, card_pad_, audio_pad_;  // request pads on compositor / audiomixer
    Tile tile_;
    bool on_program_ = false;
};

}  // namespace onstage::broadcast
