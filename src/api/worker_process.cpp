#include "api/worker_process.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <system_error>

namespace onstage::api {
namespace {

using namespace std::chrono_literals;

constexpr int kExecFailed = 127;
constexpr auto kReapPoll = 20ms;
constexpr int kReapPollsBeforeKill = 250;  // 5 s after stdout closed

std::string errno_text() {
    return std::error_code(errno, std::generic_category()).message();
}

std::string describe(int status) {
    if (WIFSIGNALED(status)) {
        return fmt::format("was killed by signal {}", WTERMSIG(status));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExecFailed) {
        return "could not be run (exit status 127)";
    }
    return fmt::format("exited with status {}", WEXITSTATUS(status));
}

}  // namespace

WorkerProcess::WorkerProcess(Strand strand, std::vector<std::string> argv,
                             std::filesystem::path log_file)
    : strand_(std::move(strand)),
      argv_(std::move(argv)),
      log_file_(std::move(log_file)),
      in_(strand_),
      out_(strand_),
      timer_(strand_),
      reap_timer_(strand_) {}

WorkerProcess::~WorkerProcess() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

Result<Ok, std::string> WorkerProcess::start(LineHandler on_line, ExitHandler on_exit) {
    on_line_ = std::move(on_line);
    on_exit_ = std::move(on_exit);
    std::array<int, 2> to_child{-1, -1};
    std::array<int, 2> from_child{-1, -1};
    if (::pipe2(to_child.data(), O_CLOEXEC) != 0 || ::pipe2(from_child.data(), O_CLOEXEC) != 0) {
        return fail(std::string("pipe: ") + errno_text());
    }
    const int log_fd = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log_fd < 0) {
        const std::string why = errno_text();  // before close() can change errno
        for (const int fd : {to_child[0], to_child[1], from_child[0], from_child[1]}) {
            ::close(fd);
        }
        return fail("cannot open " + log_file_.string() + ": " + why);
    }
    std::vector<char*> argv;
    argv.reserve(argv_.size() + 1);
    for (auto& a : argv_) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Only async-signal-safe calls from here on.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) {
            ::_exit(1);
        }
        ::dup2(to_child[0], 0);
        ::dup2(from_child[1], 1);
        ::dup2(log_fd, 2);
        ::close_range(3, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(kExecFailed);
    }
    ::close(log_fd);
    ::close(to_child[0]);
    ::close(from_child[1]);
    if (pid < 0) {
        ::close(to_child[1]);
        ::close(from_child[0]);
        return fail(std::string("fork: ") + errno_text());
    }
    pid_ = pid;
    in_.assign(to_child[1]);
    out_.assign(from_child[0]);
    read_next();
    write_next();
    return Ok{};
}

void WorkerProcess::send(std::string line) {
    if (closing_ || pid_ <= 0) {
        return;
    }
    line.push_back('\n');
    queue_.push_back(std::move(line));
    write_next();
}

void WorkerProcess::close_input(std::chrono::milliseconds grace) {
    if (closing_ || pid_ <= 0) {
        return;
    }
    closing_ = true;
    write_next();  // closes stdin at once if nothing is queued
    timer_.expires_after(grace);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec && self->pid_ > 0) {
            spdlog::warn("worker: pid {} did not stop in time: SIGKILL", self->pid_);
            self->kill();
        }
    });
}

void WorkerProcess::kill() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
    }
}

void WorkerProcess::write_next() {
    if (writing_ || !in_.is_open()) {
        return;
    }
    if (queue_.empty()) {
        if (closing_) {
            boost::system::error_code ignored;
            in_.close(ignored);
        }
        return;
    }
    writing_ = true;
    asio::async_write(
        in_, asio::buffer(queue_.front()),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
            self->writing_ = false;
            self->queue_.pop_front();
            if (ec) {
                // The worker is gone; its exit is reported by the read side.
                self->queue_.clear();
                boost::system::error_code ignored;
                self->in_.close(ignored);
                return;
            }
            self->write_next();
        });
}

void WorkerProcess::read_next() {
    asio::async_read_until(
        out_, asio::dynamic_buffer(read_buffer_), '\n',
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            if (ec) {
                boost::system::error_code ignored;
                self->out_.close(ignored);
                self->in_.close(ignored);
                self->reap();
                return;
            }
            std::string line = self->read_buffer_.substr(0, n - 1);
            self->read_buffer_.erase(0, n);
            if (self->on_line_) {
                self->on_line_(std::move(line));
            }
            self->read_next();
        });
}

// stdout closed: the child is exiting (or closed it and hangs, then it is killed after 5 s).
void WorkerProcess::reap() {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || done < 0) {
        pid_ = -1;
        timer_.cancel();
        if (on_exit_) {
            auto on_exit = std::move(on_exit_);
            on_exit(status, describe(status));
        }
        return;
    }
    if (++reap_polls_ == kReapPollsBeforeKill) {
        kill();
    }
    reap_timer_.expires_after(kReapPoll);
    reap_timer_.async_wait(
        [self = shared_from_this()](const boost::system::error_code&) { self->reap(); });
}

}  // namespace onstage::api
