#include "broadcast/program_input.hpp"

#include "broadcast/text_stage.hpp"

#include <glib.h>

#include <algorithm>

#include <sys/socket.h>

namespace onstage::broadcast {

namespace {

// Each publisher's RTP is held this long to reorder and smooth jitter (loopback from Janus).
constexpr guint kJitterLatencyMs = 100;
constexpr guint kCardRgb = 0xff23283a;  // dark slate blue-grey, ARGB

// Binds a UDP socket on 127.0.0.1 with a kernel-chosen port (no port races with serve).
GSocket* bind_loopback_udp(int& port) {
    GError* err = nullptr;
    GSocket* sock =
        g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &err);
    if (sock == nullptr) {
        std::string msg = err != nullptr ? err->message : "socket()";
        g_clear_error(&err);
        throw PipelineError("socket_failed", msg);
    }
    GInetAddress* lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress* addr = g_inet_socket_address_new(lo, 0);
    const gboolean bound = g_socket_bind(sock, addr, FALSE, &err);
    g_object_unref(addr);
    g_object_unref(lo);
    if (!bound) {
        std::string msg = err != nullptr ? err->message : "bind()";
        g_clear_error(&err);
        g_object_unref(sock);
        throw PipelineError("socket_failed", msg);
    }
    // A burst of keyframe packets must not overflow the default receive buffer.
    g_socket_set_option(sock, SOL_SOCKET, SO_RCVBUF, 4 * 1024 * 1024, nullptr);
    GSocketAddress* local = g_socket_get_local_address(sock, nullptr);
    port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(local));
    g_object_unref(local);
    return sock;
}

GstElement* udp_source(GSocket* sock, const char* caps) {
    GstElement* src = make_element("udpsrc");
    GstCaps* c = gst_caps_from_string(caps);
    g_object_set(src, "socket", sock, "close-socket", FALSE, "caps", c, nullptr);
    gst_caps_unref(c);
    return src;
}

GstElement* jitterbuffer() {
    GstElement* jb = make_element("rtpjitterbuffer");
    g_object_set(jb, "latency", kJitterLatencyMs, "drop-on-latency", TRUE, nullptr);
    return jb;
}

std::string role_label(const std::string& role) {
    if (role == "talent") {
        return "Talent";
    }
    if (role == "moderator") {
        return "Moderator";
    }
    return "Guest";
}

std::string escape(const std::string& s) {
    gchar* e = g_markup_escape_text(s.c_str(), -1);
    std::string out = e;
    g_free(e);
    return out;
}

std::string tile_caps(int width, int height) {
    return std::string("video/x-raw,") + kProgramVideoFormat +
           ",width=" + std::to_string(std::max(2, width)) +
           ",height=" + std::to_string(std::max(2, height)) + ",pixel-aspect-ratio=1/1";
}

// A tile's size changes while frames flow: accept the old size until upstream renegotiates
// (the default, immediate, fails the stream with not-negotiated).
GstElement* resizable_caps(const std::string& caps) {
    GstElement* f = make_element("capsfilter");
    gst_util_set_object_arg(G_OBJECT(f), "caps-change-mode", "delayed");
    set_caps(f, caps);
    return f;
}

std::string font(const char* style, int tile_height, int divisor) {
    return std::string("Sans ") + style + " " + std::to_string(std::max(6, tile_height / divisor));
}

}  // namespace

ProgramInput::ProgramInput(const InputSpec& spec) : spec_(spec) {
    GstElement* bin = gst_bin_new(("input-" + spec.id).c_str());
    bin_ = ElementRef::borrow(bin);  // we hold a ref of our own; the pipeline holds another
    tile_ = Tile{spec.id, 0, 0, 320, 180, false};
    build_card();
    if (spec.video) {
        build_video();
    }
    if (spec.audio) {
        build_audio();
    }
    apply_texts();
}

ProgramInput::~ProgramInput() {
    if (video_socket_ != nullptr) {
        g_socket_close(video_socket_, nullptr);
        g_object_unref(video_socket_);
    }
    if (audio_socket_ != nullptr) {
        g_socket_close(audio_socket_, nullptr);
        g_object_unref(audio_socket_);
    }
}

void ProgramInput::build_video() {
    video_socket_ = bind_loopback_udp(video_port_);
    GstBin* bin = GST_BIN(bin_.get());
    GstElement* src =
        udp_source(video_socket_,
                   "application/x-rtp,media=video,encoding-name=VP8,payload=96,clock-rate=90000");
    GstElement* depay = make_element("rtpvp8depay");
    g_object_set(depay, "wait-for-keyframe", TRUE, nullptr);
    GstElement* dec = make_element("vp8dec");
    g_object_set(dec, "max-errors", -1, nullptr);  // a lost packet must not end the broadcast
    GstElement* convert = make_element("videoconvert");
    GstElement* scale = make_element("videoscale");  // keeps aspect, adds borders
    video_caps_ = resizable_caps(tile_caps(tile_.width, tile_.height));
    const TextStage lower = make_text_stage("lower-third");
    lower_third_ = lower.overlay;
    set_text_props(lower_third_, "halignment", 0 /*left*/, "valignment", 1 /*bottom*/,
                   "shaded-background", TRUE, "xpad", 12, "ypad", 10);
    add_chain(bin, {src, jitterbuffer(), depay, dec, convert, scale, video_caps_, lower.bin});
    (void)ghost(bin, lower.bin, "src", "video_src");
}

void ProgramInput::build_card() {
    GstBin* bin = GST_BIN(bin_.get());
    GstElement* src = make_element("videotestsrc");
    g_object_set(src, "is-live", TRUE, "pattern", 17 /*solid-color*/, "foreground-color", kCardRgb,
                 nullptr);
    card_caps_ = resizable_caps(tile_caps(tile_.width, tile_.height) + ",framerate=5/1");
    const TextStage card = make_text_stage("card-text");
    card_text_ = card.overlay;
    set_text_props(card_text_, "halignment", 1 /*center*/, "valignment", 4 /*center*/);
    add_chain(bin, {src, card_caps_, card.bin});
    (void)ghost(bin, card.bin, "src", "card_src");
}

void ProgramInput::build_audio() {
    audio_socket_ = bind_loopback_udp(audio_port_);
    GstBin* bin = GST_BIN(bin_.get());
    GstElement* src =
        udp_source(audio_socket_,
                   "application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000");
    GstElement* dec = make_element("opusdec");
    g_object_set(dec, "plc", TRUE, nullptr);
    GstElement* caps = make_element("capsfilter");
    set_caps(caps, "audio/x-raw,rate=48000,channels=2");
    add_chain(bin, {src, jitterbuffer(), make_element("rtpopusdepay"), dec,
                    make_element("audioconvert"), make_element("audioresample"), caps});
    (void)ghost(bin, caps, "src", "audio_src");
}

void ProgramInput::attach(GstBin* pipeline, GstElement* compositor, GstElement* mixer) {
    gst_bin_add(pipeline, bin_.get());
    auto link = [&](const char* ghost_name, GstElement* mix, PadRef& request) {
        GstPad* src = gst_element_get_static_pad(bin_.get(), ghost_name);
        if (src == nullptr) {
            return;
        }
        request = PadRef(gst_element_request_pad_simple(mix, "sink_%u"));
        if (gst_pad_link(src, request.get()) != GST_PAD_LINK_OK) {
            gst_object_unref(src);
            throw PipelineError("pipeline_failed", "cannot link input " + spec_.id);
        }
        gst_object_unref(src);
    };
    link("card_src", compositor, card_pad_);
    link("video_src", compositor, video_pad_);
    link("audio_src", mixer, audio_pad_);
    place(nullptr);
    apply_mutes();
    gst_element_sync_state_with_parent(bin_.get());
}

void ProgramInput::detach(GstBin* pipeline, GstElement* compositor, GstElement* mixer) {
    // Never wait on a streaming thread that is blocked inside a busy aggregator: first make
    // the bin's outputs swallow everything (so nothing upstream sees not-linked and errors),
    // then release the mixer pads (which flushes them and wakes a blocked push), and only
    // then stop the bin, whose threads are free by now.
    for (const char* name : {"card_src", "video_src", "audio_src"}) {
        if (GstPad* src = gst_element_get_static_pad(bin_.get(), name)) {
            gst_pad_add_probe(
                src, GST_PAD_PROBE_TYPE_DATA_DOWNSTREAM,
                [](GstPad*, GstPadProbeInfo*, gpointer) { return GST_PAD_PROBE_DROP; }, nullptr,
                nullptr);
            gst_object_unref(src);
        }
    }
    for (auto* pad : {&card_pad_, &video_pad_}) {
        if (*pad) {
            gst_element_release_request_pad(compositor, pad->get());
            *pad = PadRef();
        }
    }
    if (audio_pad_) {
        gst_element_release_request_pad(mixer, audio_pad_.get());
        audio_pad_ = PadRef();
    }
    gst_element_set_state(bin_.get(), GST_STATE_NULL);
    gst_bin_remove(pipeline, bin_.get());
    // Finalising its textoverlays touches the shared Pango font map (see text_stage.hpp).
    const std::lock_guard lock(pango_mutex());
    bin_ = ElementRef();
}

void ProgramInput::update(const InputSpec& spec) {
    spec_.name = spec.name;
    spec_.role = spec.role;
    spec_.kind = spec.kind;
    spec_.audio_muted = spec.audio_muted;
    spec_.video_muted = spec.video_muted;
    apply_texts();
    apply_mutes();
    place(on_program_ ? &tile_ : nullptr);
}

void ProgramInput::place(const Tile* tile) {
    on_program_ = tile != nullptr;
    if (tile != nullptr) {
        const bool resized = tile->width != tile_.width || tile->height != tile_.height;
        tile_ = *tile;
        if (resized) {
            if (video_caps_ != nullptr) {
                set_caps(video_caps_, tile_caps(tile_.width, tile_.height));
            }
            set_caps(card_caps_, tile_caps(tile_.width, tile_.height) + ",framerate=5/1");
            apply_texts();
        }
    }
    const bool show_video = on_program_ && !spec_.video_muted;
    auto set_pad = [&](const PadRef& pad, bool visible, int zorder) {
        if (!pad) {
            return;
        }
        // No width/height on the pad: the frames already come at the tile's size, and a pad
        // size that differs from them (for a few frames after a resize) means converting.
        g_object_set(pad.get(), "xpos", tile_.x, "ypos", tile_.y, "zorder",
                     static_cast<guint>(zorder), "alpha", visible ? 1.0 : 0.0, nullptr);
    };
    const int base = tile_.large ? 10 : 20;  // strip tiles above the large one
    set_pad(card_pad_, on_program_, base);
    set_pad(video_pad_, show_video, base + 1);
}

void ProgramInput::apply_mutes() {
    if (audio_pad_) {
        g_object_set(audio_pad_.get(), "mute", spec_.audio_muted ? TRUE : FALSE, nullptr);
    }
}

void ProgramInput::apply_texts() {
    const std::string name = escape(spec_.name.empty() ? spec_.id : spec_.name);
    if (lower_third_ != nullptr) {
        // Cameras carry a lower-third; a shared screen speaks for itself.
        const std::string text =
            spec_.kind == "screen" ? "" : name + "\n<small>" + role_label(spec_.role) + "</small>";
        set_text_props(lower_third_, "text", text.c_str(), "font-desc",
                       font("Bold", tile_.height, 20).c_str());
    }
    const std::string card = name + "\n<small>" + role_label(spec_.role) + "</small>";
    set_text_props(card_text_, "text", card.c_str(), "font-desc",
                   font("Bold", tile_.height, 9).c_str());
}

}  // namespace onstage::broadcast
