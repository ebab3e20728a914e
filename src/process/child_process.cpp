#include "process/child_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <initializer_list>
#include <system_error>

namespace onstage::process {
namespace {

constexpr int kExecFailed = 127;

std::string errno_text() {
    return std::error_code(errno, std::generic_category()).message();
}

void close_all(std::initializer_list<int> fds) {
    for (const int fd : fds) {
        if (fd >= 0) {
            ::close(fd);
        }
    }
}

// The descriptors the child gets as 0, 1 and 2, and our ends of its pipes. All O_CLOEXEC: dup2
// clears the flag on the child's copies, and nothing leaks into other children.
struct Fds {
    int child_in = -1;
    int child_out = -1;
    int log = -1;
    int our_in = -1;   // writes to the child's stdin
    int our_out = -1;  // reads the child's stdout
    void close_child_ends() const { close_all({child_in, log, child_out == log ? -1 : child_out}); }
    void close_everything() const {
        close_child_ends();
        close_all({our_in, our_out});
    }
};

Result<Fds, std::string> open_fds(const ChildOptions& options) {
    Fds fds;
    fds.log = ::open(options.log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fds.log < 0) {
        return fail("cannot open " + options.log_file.string() + ": " + errno_text());
    }
    fds.child_out = fds.log;
    std::array<int, 2> pipe{-1, -1};
    if (options.pipe_stdin) {
        if (::pipe2(pipe.data(), O_CLOEXEC) != 0) {
            const std::string why = "pipe: " + errno_text();  // before close() can change errno
            fds.close_everything();
            return fail(why);
        }
        fds.child_in = pipe[0];
        fds.our_in = pipe[1];
    } else {
        fds.child_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (fds.child_in < 0) {
            const std::string why = "cannot open /dev/null: " + errno_text();
            fds.close_everything();
            return fail(why);
        }
    }
    if (options.pipe_stdout) {
        if (::pipe2(pipe.data(), O_CLOEXEC) != 0) {
            const std::string why = "pipe: " + errno_text();
            fds.close_everything();
            return fail(why);
        }
        fds.our_out = pipe[0];
        fds.child_out = pipe[1];
    }
    return fds;
}

// In the forked child: only async-signal-safe calls.
[[noreturn]] void exec_child(const Fds& fds, pid_t parent, char* const* argv) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(1);  // the parent died before the line above
    }
    ::dup2(fds.child_in, 0);
    ::dup2(fds.child_out, 1);
    ::dup2(fds.log, 2);
    ::close_range(3, ~0U, 0);  // onstage's sockets are not the child's business
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[0], argv);
    ::_exit(kExecFailed);
}

}  // namespace

Result<Child, std::string> spawn_child(const ChildOptions& options) {
    if (options.argv.empty()) {
        return fail(std::string("no program to run"));
    }
    std::vector<std::string> args = options.argv;
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    auto fds = open_fds(options);
    if (!fds) {
        return fail(fds.error());
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        exec_child(*fds, parent, argv.data());
    }
    if (pid < 0) {
        const std::string why = "fork: " + errno_text();
        fds->close_everything();
        return fail(why);
    }
    fds->close_child_ends();
    return Child{pid, fds->our_in, fds->our_out};
}

std::optional<int> try_reap(int pid) {
    int status = 0;
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid || done < 0) {
        return status;
    }
    return std::nullopt;
}

int kill_and_reap(int pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    return status;
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) {
        return fmt::format("was killed by signal {}", WTERMSIG(status));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExecFailed) {
        return "could not be run (exit status 127: binary missing?)";
    }
    return fmt::format("exited with status {}", WEXITSTATUS(status));
}

}  // namespace onstage::process
