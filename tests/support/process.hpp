// Runs a program as a child process and collects its exit status and output. For tests that
// drive the real `onstage` binary the way a user's shell would.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace onstage::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 if killed by a signal
    int signal = 0;
    std::string out;
    std::string err;
};

// Runs `argv` (argv[0] is a path) with stdin from /dev/null and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv);

// Starts `argv` (argv[0] a path) with stdin from /dev/null and stdout/stderr on the given
// descriptors (-1: /dev/null); returns its pid without waiting. Throws if it cannot start.
int spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd);
// spawn() with every standard stream on /dev/null.
int spawn_detached(const std::vector<std::string>& argv);
// Waits for a child started by spawn_detached; returns the raw wait status.
int wait_for(int pid);

// Runs the onstage binary built with the tests.
ProcessResult run_onstage(const std::vector<std::string>& args);

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& contents);
std::string read_file(const std::filesystem::path& path);
// Names of the entries of a directory, sorted; empty if it does not exist.
std::vector<std::string> list_dir(const std::filesystem::path& dir);

}  // namespace onstage::testing
