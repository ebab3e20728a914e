// Child processes that die with onstage: fork/exec with PR_SET_PDEATHSIG, optional pipes to the
// child's stdin and stdout, the rest of its output appended to a log file; reaping without
// blocking, and an exit status in words. Serve's children (Janus in media/janus_supervisor, the
// compositor worker in api/worker_process) start this way.
//
// Threading: plain functions, callable from any thread. PR_SET_PDEATHSIG fires when the *thread*
// that forked exits, so spawn from a thread that lives as long as the child should (serve's I/O
// threads, the Janus thread).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace onstage::process {

struct ChildOptions {
    std::vector<std::string> argv;   // argv[0]: a path, or a name looked up in PATH
    std::filesystem::path log_file;  // appended (created 0600): stderr, and stdout unless piped
    bool pipe_stdin = false;         // else stdin is /dev/null
    bool pipe_stdout = false;        // else stdout goes to the log file too
};

struct Child {
    int pid = -1;
    int stdin_fd = -1;   // our end of the child's stdin (O_CLOEXEC) or -1; the caller closes it
    int stdout_fd = -1;  // our end of the child's stdout (O_CLOEXEC) or -1; likewise
};

// Forks and execs `argv`. The child asks for SIGKILL when its parent dies, starts with an empty
// signal mask, and inherits no descriptor but 0–2. An exec that fails shows as exit status 127.
// Errors (pipe, log file, fork) come back in words; nothing is left open then.
Result<Child, std::string> spawn_child(const ChildOptions& options);

// The child's wait status if it has ended (it is reaped now), nullopt while it runs. A pid
// that is no child of ours (any more) counts as ended, with status 0.
std::optional<int> try_reap(int pid);

// SIGKILL, then waits for it; returns the wait status.
int kill_and_reap(int pid);

// How a child ended, in words: "exited with status 0", "was killed by signal 9", "could not be
// run (exit status 127: binary missing?)".
std::string describe_exit(int status);

}  // namespace onstage::process
