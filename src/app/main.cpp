// The onstage binary: every subcommand (serve, event, demo, …) is wired in app/cli.cpp.
#include "app/cli.hpp"

int main(int argc, char** argv) {
    return onstage::app::run_cli(argc, argv);
}
