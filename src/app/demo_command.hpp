// `onstage demo` (what `make demo` runs): a demo event from the bundled sample rosters, its
// links printed, then `serve`.
#pragma once

#include <filesystem>
#include <string>

#include "api/http_server.hpp"
#include "app/config.hpp"

namespace onstage::app {

struct DemoOptions {
    std::filesystem::path data_dir;
    std::filesystem::path samples_dir;
    api::ServeOptions serve;
    MediaConfig media;  // the demo spawns Janus unless media.janus says otherwise
    BroadcastSettings broadcast;
};

int run_demo(const DemoOptions& options);

}  // namespace onstage::app
