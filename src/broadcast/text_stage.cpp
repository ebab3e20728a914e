#include "broadcast/text_stage.hpp"

#include <atomic>

namespace onstage::broadcast {

namespace {

std::atomic<GstPadChainFunction> original_chain{nullptr};

GstFlowReturn serialised_chain(GstPad* pad, GstObject* parent, GstBuffer* buffer) {
    const std::lock_guard lock(pango_mutex());
    return original_chain.load()(pad, parent, buffer);
}

// textoverlay negotiates inside its chain function, which runs under the Pango lock, and an
// ALLOCATION query is serialized: it waits until every buffer before it has gone through the
// queue into the compositor. If the compositor is meanwhile pushing its own frame into the
// title overlay (which needs the lock) nobody moves again. Unanswered, the overlay allocates
// its own buffers and draws the text itself -- what it does for the compositor anyway.
GstPadProbeReturn skip_allocation_query(GstPad* /*pad*/, GstPadProbeInfo* info, gpointer /*data*/) {
    GstQuery* query = GST_PAD_PROBE_INFO_QUERY(info);
    return GST_QUERY_TYPE(query) == GST_QUERY_ALLOCATION ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

}  // namespace

std::mutex& pango_mutex() {
    static std::mutex m;
    return m;
}

TextStage make_text_stage(const std::string& name) {
    TextStage t;
    {
        const std::lock_guard lock(pango_mutex());  // creating one builds a Pango context
        t.overlay = make_element("textoverlay", name);
    }
    // Font sizes are chosen per frame height by the callers; textoverlay would otherwise scale
    // them again by the frame's width / 640 (a solo lower-third came out twice as large).
    g_object_set(t.overlay, "auto-resize", FALSE, nullptr);
    GstPad* sink = gst_element_get_static_pad(t.overlay, "video_sink");
    original_chain.store(GST_PAD_CHAINFUNC(sink));  // the same function for every textoverlay
    gst_pad_set_chain_function(sink, serialised_chain);
    gst_object_unref(sink);
    GstPad* out = gst_element_get_static_pad(t.overlay, "src");
    gst_pad_add_probe(out, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM, skip_allocation_query, nullptr,
                      nullptr);
    gst_object_unref(out);
    GstElement* queue = make_element("queue");
    g_object_set(queue, "max-size-buffers", 2U, "max-size-bytes", 0U, "max-size-time", guint64{0},
                 "leaky", 2 /*downstream*/, nullptr);
    t.bin = gst_bin_new((name + "-stage").c_str());
    add_chain(GST_BIN(t.bin), {t.overlay, queue});
    (void)ghost(GST_BIN(t.bin), queue, "src", "src");
    GstPad* target = gst_element_get_static_pad(t.overlay, "video_sink");
    GstPad* g = gst_ghost_pad_new("sink", target);
    gst_object_unref(target);
    gst_element_add_pad(t.bin, g);
    return t;
}

}  // namespace onstage::broadcast
