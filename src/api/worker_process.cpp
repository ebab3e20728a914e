#include "api/worker_process.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <signal.h>

#include "process/child_process.hpp"

namespace onstage::api {
namespace {

using namespace std::chrono_literals;

constexpr auto kReapPoll = 20ms;
constexpr int kReapPollsBeforeKill = 250;  // 5 s after stdout closed

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
        process::kill_and_reap(pid_);
    }
}

Result<Ok, std::string> WorkerProcess::start(LineHandler on_line, ExitHandler on_exit) {
    on_line_ = std::move(on_line);
    on_exit_ = std::move(on_exit);
    auto child = process::spawn_child(process::ChildOptions{argv_, log_file_, true, true});
    if (!child) {
        return fail(child.error());
    }
    pid_ = child->pid;
    in_.assign(child->stdin_fd);
    out_.assign(child->stdout_fd);
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
    if (const auto status = process::try_reap(pid_)) {
        pid_ = -1;
        timer_.cancel();
        if (on_exit_) {
            auto on_exit = std::move(on_exit_);
            on_exit(*status, process::describe_exit(*status));
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
