// Child processes as serve starts them (Janus, the compositor worker): real children through
// /bin/sh, their pipes and log file, how they ended in words, and that they die with their
// parent (PR_SET_PDEATHSIG).
#include "process/child_process.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "support/process.hpp"

namespace onstage::process {
namespace {

using namespace std::chrono_literals;

// Polls until the child has ended (10 s: a liveness bound); -1 if it has not.
int wait_status(int pid) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        if (const auto status = try_reap(pid)) {
            return *status;
        }
        std::this_thread::sleep_for(10ms);
    }
    kill_and_reap(pid);
    return -1;
}

// Everything until EOF (each read waits at most 10 s).
std::string read_all(int fd) {
    std::string out;
    std::array<char, 256> buffer{};
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 10000) == 1) {
        const ssize_t n = ::read(fd, buffer.data(), buffer.size());
        if (n <= 0) {
            break;
        }
        out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    return out;
}

// Waits until the process runs `program` (10 s: a liveness bound).
bool runs_program(int pid, const std::string& program) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
        std::string name;
        if (std::getline(comm, name) && name == program) {
            return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

class ChildProcessTest : public ::testing::Test {
protected:
    ChildOptions shell(const std::string& script) const {
        return ChildOptions{{"/bin/sh", "-c", script}, log(), false, false};
    }
    std::filesystem::path log() const { return dir.path() / "child.log"; }

    onstage::testing::TempDir dir;
};

TEST_F(ChildProcessTest, SaysHowAChildEnded) {
    auto exited = spawn_child(shell("exit 3"));
    ASSERT_TRUE(exited.ok()) << exited.error();
    EXPECT_EQ(describe_exit(wait_status(exited->pid)), "exited with status 3");

    auto killed = spawn_child(shell("kill -TERM $$; sleep 5"));
    ASSERT_TRUE(killed.ok()) << killed.error();
    EXPECT_EQ(describe_exit(wait_status(killed->pid)), "was killed by signal 15");

    auto sleeping = spawn_child(shell("sleep 30"));
    ASSERT_TRUE(sleeping.ok()) << sleeping.error();
    EXPECT_FALSE(try_reap(sleeping->pid).has_value());
    EXPECT_EQ(describe_exit(kill_and_reap(sleeping->pid)), "was killed by signal 9");
}

TEST_F(ChildProcessTest, AProgramThatCannotBeRunExitsWith127) {
    auto missing = spawn_child(ChildOptions{{"/nonexistent/program"}, log(), false, false});
    ASSERT_TRUE(missing.ok()) << missing.error();
    EXPECT_EQ(describe_exit(wait_status(missing->pid)),
              "could not be run (exit status 127: binary missing?)");
}

TEST_F(ChildProcessTest, ANameIsLookedUpInPath) {
    auto child = spawn_child(ChildOptions{{"sh", "-c", "exit 0"}, log(), false, false});
    ASSERT_TRUE(child.ok()) << child.error();
    EXPECT_EQ(describe_exit(wait_status(child->pid)), "exited with status 0");
}

TEST_F(ChildProcessTest, PipesCarryStdinAndStdoutAndStderrGoesToTheLog) {
    ChildOptions options = shell("read line; echo \"got $line\"; echo oops >&2");
    options.pipe_stdin = true;
    options.pipe_stdout = true;
    auto child = spawn_child(options);
    ASSERT_TRUE(child.ok()) << child.error();
    ASSERT_GE(child->stdin_fd, 0);
    ASSERT_GE(child->stdout_fd, 0);
    const std::string line = "hello\n";
    ASSERT_EQ(::write(child->stdin_fd, line.data(), line.size()),
              static_cast<ssize_t>(line.size()));
    ::close(child->stdin_fd);
    EXPECT_EQ(read_all(child->stdout_fd), "got hello\n");
    ::close(child->stdout_fd);
    EXPECT_EQ(describe_exit(wait_status(child->pid)), "exited with status 0");
    EXPECT_EQ(onstage::testing::read_file(log()), "oops\n");
}

TEST_F(ChildProcessTest, WithoutPipesStdinIsEmptyAndBothOutputsAreAppendedToTheLog) {
    onstage::testing::write_file(log(), "before\n");
    auto child = spawn_child(shell("cat; echo out; echo err >&2"));
    ASSERT_TRUE(child.ok()) << child.error();
    EXPECT_EQ(child->stdin_fd, -1);
    EXPECT_EQ(child->stdout_fd, -1);
    EXPECT_EQ(describe_exit(wait_status(child->pid)), "exited with status 0");
    EXPECT_EQ(onstage::testing::read_file(log()), "before\nout\nerr\n");
}

TEST_F(ChildProcessTest, TheChildInheritsNoOtherDescriptorAndNoBlockedSignals) {
    // A descriptor without O_CLOEXEC, and SIGTERM blocked in the spawning thread.
    const int open_fd = ::open("/dev/null", O_RDONLY);
    ASSERT_GE(open_fd, 3);
    sigset_t term;
    sigset_t before;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &term, &before), 0);
    auto fd_check = spawn_child(shell("test -e /proc/$$/fd/" + std::to_string(open_fd)));
    auto signal_check = spawn_child(shell("kill -TERM $$; exit 0"));
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    ::close(open_fd);
    ASSERT_TRUE(fd_check.ok()) << fd_check.error();
    ASSERT_TRUE(signal_check.ok()) << signal_check.error();
    EXPECT_EQ(describe_exit(wait_status(fd_check->pid)), "exited with status 1");
    EXPECT_EQ(describe_exit(wait_status(signal_check->pid)), "was killed by signal 15");
}

TEST_F(ChildProcessTest, AChildDiesWithItsParent) {
    // Orphans are re-parented to this test process, so it can reap the grandchild and see how it
    // ended.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    std::array<int, 2> report{-1, -1};
    ASSERT_EQ(::pipe(report.data()), 0);
    const pid_t parent = ::fork();
    ASSERT_GE(parent, 0);
    if (parent == 0) {
        auto child = spawn_child(ChildOptions{{"sleep", "30"}, log(), false, false});
        const int pid = child ? child->pid : -1;
        static_cast<void>(::write(report[1], &pid, sizeof pid));
        ::pause();  // until the test kills it
        ::_exit(0);
    }
    ::close(report[1]);
    int grandchild = -1;
    const ssize_t n = ::read(report[0], &grandchild, sizeof grandchild);
    ::close(report[0]);
    // Killed before it ran `sleep`, the child would only see its parent gone and exit 1.
    EXPECT_TRUE(runs_program(grandchild, "sleep"));
    ASSERT_EQ(::kill(parent, SIGKILL), 0);
    int parent_status = 0;
    ASSERT_EQ(::waitpid(parent, &parent_status, 0), parent);
    ASSERT_EQ(n, static_cast<ssize_t>(sizeof grandchild));
    ASSERT_GT(grandchild, 0);
    EXPECT_EQ(describe_exit(wait_status(grandchild)), "was killed by signal 9");
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

TEST_F(ChildProcessTest, WhatCannotBeStartedIsAnError) {
    auto no_log = spawn_child(ChildOptions{{"/bin/true"}, dir.path() / "missing" / "x.log"});
    ASSERT_FALSE(no_log.ok());
    EXPECT_EQ(no_log.error(), "cannot open " + (dir.path() / "missing" / "x.log").string() +
                                  ": No such file or directory");
    auto no_argv = spawn_child(ChildOptions{{}, log()});
    ASSERT_FALSE(no_argv.ok());
    EXPECT_EQ(no_argv.error(), "no program to run");
}

}  // namespace
}  // namespace onstage::process
