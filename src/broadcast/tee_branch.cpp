#include "broadcast/tee_branch.hpp"

namespace onstage::broadcast {

namespace {

// Pass data on; whatever the branch answers (error, flushing, EOS, not-linked) the tee hears OK.
GstFlowReturn isolated_chain(GstPad* pad, GstObject* parent, GstBuffer* buffer) {
    (void)gst_proxy_pad_chain_default(pad, parent, buffer);
    return GST_FLOW_OK;
}

GstFlowReturn isolated_chain_list(GstPad* pad, GstObject* parent, GstBufferList* list) {
    (void)gst_proxy_pad_chain_list_default(pad, parent, list);
    return GST_FLOW_OK;
}

// Serialized queries (allocation, drain) wait until the branch's streaming thread answers;
// a branch stuck connecting would hold the tee, and with it every output, for that long.
// The encoders do without an answer from an optional output.
gboolean isolated_query(GstPad* pad, GstObject* parent, GstQuery* query) {
    if ((gst_query_type_get_flags(GST_QUERY_TYPE(query)) & GST_QUERY_TYPE_SERIALIZED) != 0) {
        return FALSE;
    }
    return gst_pad_query_default(pad, parent, query);
}

PadRef ghost_sink(GstBin* bin, GstElement* inner, const char* name, bool isolate) {
    GstPad* target = gst_element_get_static_pad(inner, "sink");
    GstPad* g = gst_ghost_pad_new(name, target);
    gst_object_unref(target);
    if (isolate) {
        gst_pad_set_chain_function(g, isolated_chain);
        gst_pad_set_chain_list_function(g, isolated_chain_list);
        gst_pad_set_query_function(g, isolated_query);
    }
    gst_element_add_pad(GST_ELEMENT(bin), g);
    return PadRef::borrow(g);
}

PadRef link_tee(GstElement* tee, const PadRef& sink) {
    PadRef src(gst_element_request_pad_simple(tee, "src_%u"));
    if (gst_pad_link(src.get(), sink.get()) != GST_PAD_LINK_OK) {
        throw PipelineError("pipeline_failed", "cannot link an output to the encoder");
    }
    return src;
}

}  // namespace

TeeBranch::TeeBranch(const std::string& name)
    : bin_(ElementRef::borrow(gst_bin_new(name.c_str()))) {}

void TeeBranch::expose(GstElement* video_in, GstElement* audio_in, bool isolate) {
    video_sink_ = ghost_sink(bin(), video_in, "video", isolate);
    audio_sink_ = ghost_sink(bin(), audio_in, "audio", isolate);
}

void TeeBranch::attach(GstBin* pipeline, GstElement* video_tee, GstElement* audio_tee) {
    gst_bin_add(pipeline, bin_.get());
    // Running before it is linked: a buffer the tee pushes into a pad not yet active comes back
    // FLUSHING before any chain function (ours included) sees it, the tee hands that back to
    // the encoder, and the whole program's streaming threads pause for good. (Seen as a
    // broadcast that never made a segment when an RTMP branch joined just as the first frames
    // were encoded.)
    gst_element_sync_state_with_parent(bin_.get());
    video_tee_pad_ = link_tee(video_tee, video_sink_);
    audio_tee_pad_ = link_tee(audio_tee, audio_sink_);
    attached_ = true;
}

void TeeBranch::detach(GstBin* pipeline, GstElement* video_tee, GstElement* audio_tee) {
    if (!attached_) {
        return;
    }
    attached_ = false;
    gst_pad_unlink(video_tee_pad_.get(), video_sink_.get());
    gst_pad_unlink(audio_tee_pad_.get(), audio_sink_.get());
    gst_element_release_request_pad(video_tee, video_tee_pad_.get());
    gst_element_release_request_pad(audio_tee, audio_tee_pad_.get());
    video_tee_pad_ = PadRef();
    audio_tee_pad_ = PadRef();
    gst_element_set_state(bin_.get(), GST_STATE_NULL);
    gst_bin_remove(pipeline, bin_.get());
}

bool TeeBranch::contains(GstObject* object) const {
    return object != nullptr && (object == GST_OBJECT(bin_.get()) ||
                                 gst_object_has_as_ancestor(object, GST_OBJECT(bin_.get())));
}

}  // namespace onstage::broadcast
