// `onstage serve` with media: starts Janus (or connects to an external one) as [media] says,
// hands the Sfu and the browsers' ICE servers to the API, and stops Janus after the drain.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "api/http_server.hpp"
#include "app/config.hpp"
#include "store/store.hpp"

namespace onstage::app {

// The `ice_servers` of the `media` plan: a JSON array of RTCIceServer objects.
std::string ice_servers_json(const std::vector<IceServer>& servers);

// What the broadcasts of this server use, from [broadcast]: the program's size, rate and
// segments, and whether a start that does not say records.
std::shared_ptr<api::BroadcastOptions> broadcast_options(const std::filesystem::path& data_dir,
                                                         const BroadcastSettings& settings);

// api::serve() with Janus beside it (none when media.janus is "off"). Returns serve()'s exit
// code, or non-zero with one error line (janus_start_failed) if Janus cannot be started.
int serve_with_media(const std::filesystem::path& data_dir, const MediaConfig& media,
                     const BroadcastSettings& broadcast, api::ServeOptions serve,
                     std::unique_ptr<store::Store> store);

}  // namespace onstage::app
