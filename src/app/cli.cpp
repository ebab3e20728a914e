#include "app/cli.hpp"

#include <fmt/core.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <map>

#include "api/log_fields.hpp"
#include "app/broadcast_command.hpp"
#include "app/config.hpp"
#include "app/data_dir.hpp"
#include "app/demo_command.hpp"
#include "app/event_commands.hpp"
#include "app/hls_secret.hpp"
#include "app/media_runtime.hpp"
#include "broadcast/compositor_worker.hpp"

namespace onstage::app {
namespace {

void configure_logging(const Config& config) {
    spdlog::set_level(spdlog::level::from_str(config.log_level));
    api::set_log_format(config.log_format == "json" ? api::LogFormat::json : api::LogFormat::text);
}

struct Flags {
    std::string config_file;
    std::map<std::string, std::string> settings;  // setting name -> flag value (app/config.hpp)
    CreateOptions create;
    std::string create_out;
    std::string show_event;
    std::string end_event;
    bool json = false;
    importer::ExportRequest export_request;
    std::string export_out;
    std::string samples_dir = std::string(ONSTAGE_SOURCE_DIR) + "/samples";
    BroadcastOptions broadcast;
};

// A flag for every setting that has one; values are checked with the config file's and the
// environment's by load_config, so all three give the same errors.
void add_setting_flag(CLI::App& cmd, std::map<std::string, std::string>& settings,
                      const SettingName& s) {
    cmd.add_option_function<std::string>(
        std::string(s.flag),
        [&settings, name = s.name](const std::string& value) { settings[name] = value; },
        fmt::format("{} (${}; config: {})", s.help, s.env, s.name));
}

void add_serve_flags(CLI::App& cmd, Flags& f) {
    for (const auto& s : setting_names()) {
        if (!s.flag.empty() && s.name != "data_dir") {
            add_setting_flag(cmd, f.settings, s);
        }
    }
}

void on_listening(api::ServeOptions& serve, std::string_view banner) {
    const std::string scheme = serve.tls.enabled() ? "https" : "http";
    serve.on_listening = [scheme, banner](const std::string& address, std::uint16_t port) {
        fmt::print("{}\n", fmt::format(fmt::runtime(banner), scheme, address, port));
        std::fflush(stdout);
    };
}

void add_event_commands(CLI::App& app, Flags& f) {
    auto* event = app.add_subcommand("event", "Create, list, show, end and export events");
    event->require_subcommand(1);

    auto* create = event->add_subcommand("create", "Create an event from CSV rosters");
    auto& req = f.create.request;
    create->add_option("--name", req.name, "Event name")->required();
    create->add_option("--attendees", req.rosters.attendees, "Attendee roster CSV")->required();
    create->add_option("--moderators", req.rosters.moderators, "Moderator roster CSV")->required();
    create->add_option("--talent", req.rosters.talent, "Talent roster CSV")->required();
    create->add_option("--base-url", req.base_url, "Public URL of this onstage server")->required();
    create->add_option("--out", f.create_out, "Directory for the link files")->required();
    create->add_flag("--public", req.is_public, "Anyone with the viewer link may watch");

    event->add_subcommand("list", "List events")->add_flag("--json", f.json, "JSON output");

    auto* show = event->add_subcommand("show", "Show one event");
    show->add_option("EVENT", f.show_event, "Event id")->required();
    show->add_flag("--json", f.json, "JSON output");

    auto* end = event->add_subcommand(
        "end",
        "End an event for good: nobody can join it again (a running server notices at "
        "its next start; use the admin API to end a live event)");
    end->add_option("EVENT", f.end_event, "Event id")->required();

    auto* exp = event->add_subcommand("export", "Write an event's link files again");
    exp->add_option("EVENT", f.export_request.event_id, "Event id")->required();
    exp->add_option("--out", f.export_out, "Directory for the link files")->required();
    exp->add_flag("--rotate-keys", f.export_request.rotate_keys,
                  "Issue new access keys to moderators and talent (old keys stop working)");
}

// `onstage broadcast …`: clients of a running server's admin API (app/broadcast_command.hpp).
void add_broadcast_commands(CLI::App& app, Flags& f) {
    auto* broadcast =
        app.add_subcommand("broadcast",
                           "Start, stop and watch an event's broadcast; manage its RTMP targets "
                           "(talks to a running onstage serve)");
    broadcast->require_subcommand(1);
    auto& o = f.broadcast;
    auto common = [&o](CLI::App* cmd) {
        cmd->add_option("EVENT", o.event_id, "Event id")->required();
        cmd->add_option("--server", o.server,
                        "URL of the running server (default: the configured listen address)");
        cmd->add_flag("--json", o.json, "JSON output");
    };
    auto action = [&o](CLI::App* cmd, BroadcastAction a) {
        cmd->callback([&o, a] { o.action = a; });
    };
    auto* start = broadcast->add_subcommand("start", "Start the event's broadcast");
    common(start);
    auto* record = start->add_flag("--record", o.record, "Also record the program to an MP4 file");
    auto* no_record = start->add_flag("--no-record", o.no_record,
                                      "Do not record (default: the server's broadcast.record)");
    record->excludes(no_record);
    action(start, BroadcastAction::start);
    auto* stop = broadcast->add_subcommand("stop", "Stop the event's broadcast");
    common(stop);
    action(stop, BroadcastAction::stop);
    auto* status = broadcast->add_subcommand("status", "Show the broadcast's state");
    common(status);
    action(status, BroadcastAction::status);

    auto* targets = broadcast->add_subcommand("targets", "List, add and remove RTMP targets");
    targets->require_subcommand(1);
    auto* list = targets->add_subcommand("list", "List the event's RTMP targets (keys hidden)");
    common(list);
    action(list, BroadcastAction::targets_list);
    auto* add = targets->add_subcommand(
        "add",
        "Add an RTMP target; its URL (with the stream key) is read from stdin or a file, "
        "never from the command line");
    common(add);
    add->add_option("--name", o.target_name, "Name shown to producers, e.g. YouTube")->required();
    add->add_option("--url-file", o.url_file,
                    "File whose first line is the RTMP URL (default: read it from stdin)");
    action(add, BroadcastAction::targets_add);
    auto* remove = targets->add_subcommand("remove", "Remove an RTMP target");
    common(remove);
    remove->add_option("TARGET", o.target_id, "Target id (from targets list)")->required();
    action(remove, BroadcastAction::targets_remove);
}

int dispatch(CLI::App& app, Flags& f) {
    auto config = load_config(ConfigSources{f.config_file, process_environment(), f.settings});
    if (!config) {
        return report_error(config.error().code, config.error().message);
    }
    configure_logging(*config);
    const std::filesystem::path data_dir = config->data_dir;
    if (auto* event = app.get_subcommand("event"); event->parsed()) {
        if (event->get_subcommand("create")->parsed()) {
            f.create.out_dir = f.create_out;
            return event_create(data_dir, f.create);
        }
        if (event->get_subcommand("list")->parsed()) {
            return event_list(data_dir, f.json);
        }
        if (event->get_subcommand("show")->parsed()) {
            return event_show(data_dir, f.show_event, f.json);
        }
        if (event->get_subcommand("end")->parsed()) {
            return event_end(data_dir, f.end_event);
        }
        f.export_request.out_dir = f.export_out;
        return event_export(data_dir, f.export_request);
    }
    if (app.get_subcommand("broadcast")->parsed()) {
        return broadcast_command(*config, f.broadcast);
    }
    if (app.get_subcommand("serve")->parsed()) {
        auto store = open_store(data_dir);  // fails early, and migrates, before listening
        if (const int rc = configure_hls(data_dir, config->broadcast, config->serve); rc != 0) {
            return rc;
        }
        on_listening(config->serve, "onstage listening on {}://{}:{}");
        return serve_with_media(data_dir, config->media, config->broadcast, config->serve,
                                std::move(store));
    }
    DemoOptions demo{data_dir, f.samples_dir, config->serve, config->media, config->broadcast};
    on_listening(demo.serve, "onstage demo is running at {}://{}:{}/ (Ctrl-C stops it)");
    return run_demo(demo);
}

}  // namespace

int run_cli(int argc, char** argv) {
    // stdout carries what the user asked for (links, tables, JSON); logs go to stderr.
    spdlog::set_default_logger(spdlog::stderr_color_mt("onstage"));
    CLI::App app{"onstage — self-hosted interactive live events"};
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", ONSTAGE_VERSION);
    Flags f;
    app.add_option_function<std::string>(
        "--data-dir", [&f](const std::string& dir) { f.settings["data_dir"] = dir; },
        "State directory (default: $ONSTAGE_DATA_DIR, else the config file's, else "
        "./onstage-data)");
    app.add_option("--config", f.config_file,
                   "Config file (TOML; default: $ONSTAGE_CONFIG; see docs/configuration.md)");
    add_event_commands(app, f);
    add_broadcast_commands(app, f);
    add_serve_flags(*app.add_subcommand("serve", "Run the server"), f);
    auto* demo = app.add_subcommand("demo", "Create a demo event, print its links and serve it");
    add_serve_flags(*demo, f);
    demo->add_option("--samples", f.samples_dir, "Directory with the sample roster CSVs");
    auto* compositor = app.add_subcommand(
        "compositor", "Broadcast worker started by serve (JSON lines on stdin and stdout)");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (compositor->parsed()) {
        return broadcast::run_compositor();  // needs no config: serve sends everything
    }
    try {
        return dispatch(app, f);
    } catch (const store::StoreError& e) {
        return report_error("store_" + std::string(store::to_string(e.code())), e.what());
    } catch (const std::exception& e) {
        return report_error("internal", e.what());
    }
}

}  // namespace onstage::app
