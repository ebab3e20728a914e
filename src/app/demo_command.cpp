#include "app/demo_command.hpp"

#include <fmt/core.h>

#include <fstream>
#include <unordered_map>

#include "app/data_dir.hpp"
#include "app/event_commands.hpp"
#include "app/hls_secret.hpp"
#include "app/media_runtime.hpp"
#include "auth/random.hpp"
#include "importer/links.hpp"

namespace onstage::app {
namespace {

namespace fs = std::filesystem;
constexpr std::string_view kDemoName = "onstage demo";

std::string read_marker(const fs::path& path) {
    std::ifstream f(path);
    std::string id;
    std::getline(f, id);
    return id;
}

// Creates the demo event on first run. On later runs its keys were shown once and are gone,
// so they are rotated and shown again.
Result<domain::Event, importer::ImportError> demo_event(
    store::Store& store, const DemoOptions& options,
    std::unordered_map<std::string, std::string>& keys) {
    const fs::path marker = options.data_dir / "demo-event-id";
    const fs::path links_dir = options.data_dir / "demo-links";
    const std::string base =
        fmt::format("{}://{}:{}", options.serve.tls.enabled() ? "https" : "http",
                    options.serve.bind_address, options.serve.port);
    if (auto event = store.find_event(read_marker(marker)); event && event->base_url == base) {
        importer::ExportRequest request{event->id, links_dir, true, now_ms()};
        auto exported = importer::export_event(store, request);
        if (!exported) {
            return fail(exported.error());
        }
        keys = std::move(exported->issued_keys);
        return *event;
    }
    importer::CreateEventRequest request;
    request.name = std::string(kDemoName);
    request.is_public = true;
    request.base_url = base;
    request.rosters = {options.samples_dir / "attendees.csv",
                       options.samples_dir / "moderators.csv", options.samples_dir / "talent.csv"};
    request.now_ms = now_ms();
    auto prepared = importer::prepare_event(request);
    if (!prepared) {
        return fail(prepared.error());
    }
    auto published = importer::publish_event(store, *prepared, links_dir);
    if (!published) {
        return fail(published.error());
    }
    std::ofstream(marker) << prepared->event.id << '\n';
    keys = std::move(published->issued_keys);
    return prepared->event;
}

}  // namespace

int run_demo(const DemoOptions& options) {
    auto store = open_store(options.data_dir);
    std::unordered_map<std::string, std::string> keys;
    auto event = demo_event(*store, options, keys);
    if (!event) {
        return report_error(event.error().code, event.error().message);
    }
    fmt::print("\nDemo event \"{}\" ({})\n", event->name, event->id);
    fmt::print("All links and keys: {}\n\n", (options.data_dir / "demo-links").string());
    const auto people = store->participants(event->id);
    int attendees_shown = 0;
    for (const auto& p : people) {
        if (p.role == domain::Role::attendee && attendees_shown++ >= 2) {
            continue;
        }
        const auto key = keys.find(p.id);
        fmt::print("  {:<9} {:<18} {}{}\n", domain::to_string(p.role), p.full_name,
                   importer::access_url(event->base_url, p.role, event->id, p.id),
                   key == keys.end() ? std::string() : "   key: " + key->second);
    }
    fmt::print("  {:<9} {:<18} {}\n", "viewer", "(anyone)",
               importer::viewer_url(event->base_url, event->id));
    // The console needs the admin token: without one in the config, the demo makes one up for
    // this run (and shows it), so every app can be tried from the printed lines.
    api::ServeOptions serve = options.serve;
    if (const int rc = configure_hls(options.data_dir, options.broadcast, serve); rc != 0) {
        return rc;
    }
    if (serve.admin_token.empty()) {
        serve.admin_token = auth::random_base32(26);
    }
    fmt::print("  {:<9} {:<18} {}/console   admin token: {}\n\n", "console", "(producer)",
               event->base_url, serve.admin_token);
    // The demo broadcasts from the start, so an attendee link shows the composed program at
    // once (the slate until someone is on stage); a moderator can stop and start it.
    serve.start_broadcast_of = event->id;
    fmt::print(
        "The broadcast starts now: attendees watch it in their app; the moderator app "
        "stops and starts it.\n\n");
    return serve_with_media(options.data_dir, options.media, options.broadcast, serve,
                            std::move(store));
}

}  // namespace onstage::app
