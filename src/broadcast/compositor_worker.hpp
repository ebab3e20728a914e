// `onstage compositor`: the broadcast worker serve spawns per live broadcast. Reads control
// commands (broadcast/control.hpp) as JSON lines on stdin, writes events on stdout, logs on
// stderr. A GMainLoop on the calling thread owns the GStreamer pipeline; a reader thread only
// forwards stdin lines to it. stdin EOF, SIGTERM or `stop` finalise the outputs and return 0;
// a fatal pipeline error returns 1 after an `error` event with fatal=true.
#pragma once

namespace onstage::broadcast {

int run_compositor();

}  // namespace onstage::broadcast
