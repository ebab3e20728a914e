// Small RAII helpers over the GStreamer C API for the compositor worker: an owning reference to
// a GstObject (unref on destruction) and element creation that fails loudly with a stable code
// when a plugin is missing.
#pragma once

#include <gst/gst.h>

#include <stdexcept>
#include <string>
#include <utility>

namespace onstage::broadcast {

// A fatal setup problem; the worker reports it as an `error` event with `code` and exits.
struct PipelineError : std::runtime_error {
    PipelineError(std::string c, const std::string& message)
        : std::runtime_error(message), code(std::move(c)) {}
    std::string code;
};

template <typename T>
class GstRef {
public:
    GstRef() = default;
    explicit GstRef(T* owned) : p_(owned) {}
    GstRef(const GstRef& o) : p_(o.p_) {
        if (p_ != nullptr) {
            gst_object_ref(p_);
        }
    }
    GstRef(GstRef&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
    GstRef& operator=(GstRef o) noexcept {
        std::swap(p_, o.p_);
        return *this;
    }
    ~GstRef() {
        if (p_ != nullptr) {
            gst_object_unref(p_);
        }
    }
    // Takes a new reference to a borrowed pointer.
    static GstRef borrow(T* p) {
        if (p != nullptr) {
            gst_object_ref(p);
        }
        return GstRef(p);
    }
    T* get() const { return p_; }
    T* operator->() const { return p_; }
    explicit operator bool() const { return p_ != nullptr; }

private:
    T* p_ = nullptr;
};

using ElementRef = GstRef<GstElement>;
using PadRef = GstRef<GstPad>;

// A new floating element; the caller adds it to a bin (which sinks the reference).
inline GstElement* make_element(const char* factory, const std::string& name = {}) {
    GstElement* e = gst_element_factory_make(factory, name.empty() ? nullptr : name.c_str());
    if (e == nullptr) {
        throw PipelineError("missing_plugin",
                            std::string("GStreamer element '") + factory + "' is not installed");
    }
    return e;
}

inline void link_or_throw(GstElement* a, GstElement* b) {
    if (!gst_element_link(a, b)) {
        throw PipelineError("pipeline_failed", std::string("cannot link ") + GST_ELEMENT_NAME(a) +
                                                   " to " + GST_ELEMENT_NAME(b));
    }
}

// Adds the elements to `bin` and links them in order.
inline void add_chain(GstBin* bin, std::initializer_list<GstElement*> chain) {
    GstElement* prev = nullptr;
    for (GstElement* e : chain) {
        gst_bin_add(bin, e);
        if (prev != nullptr) {
            link_or_throw(prev, e);
        }
        prev = e;
    }
}

inline void set_caps(GstElement* capsfilter, const std::string& caps) {
    GstCaps* c = gst_caps_from_string(caps.c_str());
    g_object_set(capsfilter, "caps", c, nullptr);
    gst_caps_unref(c);
}

inline PadRef ghost(GstBin* bin, GstElement* inner, const char* inner_pad, const char* name) {
    GstPad* target = gst_element_get_static_pad(inner, inner_pad);
    GstPad* g = gst_ghost_pad_new(name, target);
    gst_object_unref(target);
    gst_pad_set_active(g, TRUE);
    gst_element_add_pad(GST_ELEMENT(bin), g);
    return PadRef::borrow(g);
}

}  // namespace onstage::broadcast
