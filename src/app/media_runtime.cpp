#include "app/media_runtime.hpp"

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "api/broadcast_runtime.hpp"
#include "app/event_commands.hpp"
#include "media/janus_supervisor.hpp"

namespace onstage::app {

std::string ice_servers_json(const std::vector<IceServer>& servers) {
    auto list = nlohmann::json::array();
    for (const auto& s : servers) {
        nlohmann::json one{{"urls", s.urls}};
        if (!s.username.empty()) {
            one["username"] = s.username;
        }
        if (!s.credential.empty()) {
            one["credential"] = s.credential;
        }
        list.push_back(std::move(one));
    }
    return list.dump();
}

std::shared_ptr<api::BroadcastOptions> broadcast_options(const std::filesystem::path& data_dir,
                                                         const BroadcastSettings& settings) {
    auto broadcast = std::make_shared<api::BroadcastOptions>();
    broadcast->data_dir = std::filesystem::absolute(data_dir);
    // The broadcast's worker is this very binary (`onstage compositor`).
    broadcast->worker_argv = {"/proc/self/exe", "compositor"};
    const bool full_hd = settings.resolution == "1080p";
    constexpr int kFullHdKbps = 4500;
    constexpr int kHdKbps = 2500;
    broadcast->output.width = full_hd ? 1920 : 1280;
    broadcast->output.height = full_hd ? 1080 : 720;
    broadcast->output.segment_ms = settings.segment_seconds * 1000;
    broadcast->output.playlist_segments = settings.playlist_segments;
    broadcast->output.video_kbps =
        settings.video_kbps > 0 ? settings.video_kbps : (full_hd ? kFullHdKbps : kHdKbps);
    broadcast->record = settings.record;
    return broadcast;
}

int serve_with_media(const std::filesystem::path& data_dir, const MediaConfig& media,
                     const BroadcastSettings& broadcast_settings, api::ServeOptions serve,
                     std::unique_ptr<store::Store> store) {
    std::unique_ptr<media::JanusSupervisor> janus;
    if (media.janus != "off") {
        media::JanusSupervisorOptions options;
        options.janus = media.janus;
        options.binary = media.janus_binary;
        options.external_admin_key = media.janus_admin_key;
        options.config.dir = std::filesystem::absolute(data_dir / "janus");
        options.config.rtp_port_range = media.rtp_port_range;
        options.config.ice_interface = media.ice_interface;
        options.config.nat_1_1_mapping = media.nat_1_1_mapping;
        janus = std::make_unique<media::JanusSupervisor>(options);
        constexpr std::chrono::seconds kJanusStartTimeout{15};
        auto started = janus->start(kJanusStartTimeout);
        if (!started) {
            return report_error(started.error().code, started.error().message);
        }
        serve.sfu = &janus->sfu();
        serve.broadcast = broadcast_options(data_dir, broadcast_settings);
    } else {
        spdlog::info("media is off (media.janus = \"off\"): no audio/video");
    }
    serve.ice_servers_json = ice_servers_json(media.ice_servers);
    const int rc = api::serve(serve, std::move(store));
    janus.reset();  // after the drain: no connection uses the Sfu any more
    return rc;
}

}  // namespace onstage::app
