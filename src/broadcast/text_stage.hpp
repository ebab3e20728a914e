// Text drawn on video (lower-thirds, name cards, title, slate) through `textoverlay`, made safe
// to use from many streaming threads. Pango 1.50 (Debian 12) shares one font map between all
// textoverlays and it is not thread-safe: two inputs re-rendering at once (a relayout) crashed
// the worker inside libpango. So every textoverlay's chain, its creation and every text property
// change run under one process-wide lock. Nothing under that lock may wait for the
// compositor (which itself may be waiting for the lock to push into the title overlay): a
// small leaky queue after each overlay takes its buffers without blocking, and the overlay's
// ALLOCATION queries (serialized, so they wait for the queue to drain into the compositor)
// are left unanswered.
#pragma once

#include "broadcast/gst_ref.hpp"

#include <mutex>
#include <string>

namespace onstage::broadcast {

struct TextStage {
    GstElement* bin = nullptr;      // sink -> textoverlay -> queue -> src (floating until added)
    GstElement* overlay = nullptr;  // set properties only via set_text_props()
};

TextStage make_text_stage(const std::string& name);

// The lock every Pango use in the worker takes.
std::mutex& pango_mutex();

// g_object_set on a textoverlay under the Pango lock.
template <typename... Args>
void set_text_props(GstElement* overlay, Args... args) {
    const std::lock_guard lock(pango_mutex());
    g_object_set(overlay, args..., nullptr);
}

}  // namespace onstage::broadcast
