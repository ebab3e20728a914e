#include "app/cli.hpp"

#include <CLI/CLI.hpp>

namespace onstage::app {

int run_cli(int argc, char** argv) {
    CLI::App app{"onstage — self-hosted interactive live events"};
    app.require_subcommand(1);
    app.set_version_flag("--version", ONSTAGE_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    return 0;
}

}  // namespace onstage::app
