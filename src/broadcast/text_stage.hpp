// Text drawn on video (lower-thirds, name cards, title, slate) through `textoverlay`, made safe
// to use from many streaming threads. Pango 1.50 (Debian 12) shares one font map between all
// textoverlays and it is not thread-safe: two inputs re-rendering at once (a relayout) crashed
// the worker inside libpango. So every textoverlay's chain, its creation and every text property
// change run under one process-wide lock, and a small leaky queue right after each overlay
// makes sure the lock is never held while downstream blocks (which could deadlock the
// compositor waiting for another input that waits for the lock).
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
