// Command-line entry: parses arguments and runs one subcommand. Returns the process exit code.
#pragma once

namespace onstage::app {

int run_cli(int argc, char** argv);

}  // namespace onstage::app
