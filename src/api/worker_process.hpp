// A child process spoken to in JSON lines: commands on its stdin, events on its stdout, its
// stderr appended to a log file. Used for the broadcast's `onstage compositor` worker. Started by
// process::spawn_child, so the child is SIGKILLed when onstage dies (PR_SET_PDEATHSIG) and no
// worker outlives the server.
//
// Threading: every callback runs on the strand given at construction; call send(), close_input()
// and kill() from that strand too.
#pragma once

#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "domain/result.hpp"

namespace onstage::api {

namespace asio = boost::asio;

class WorkerProcess : public std::enable_shared_from_this<WorkerProcess> {
public:
    using Strand = asio::strand<asio::io_context::executor_type>;
    using LineHandler = std::function<void(std::string line)>;
    // How it ended, in words ("exited with status 0", "was killed by signal 9").
    using ExitHandler = std::function<void(int status, std::string how)>;

    WorkerProcess(Strand strand, std::vector<std::string> argv, std::filesystem::path log_file);
    ~WorkerProcess();
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;

    // Forks and execs. `on_line` gets each stdout line (without '\n'); `on_exit` is called once,
    // after stdout closed and the child was reaped. Error code: worker_start_failed.
    Result<Ok, std::string> start(LineHandler on_line, ExitHandler on_exit);
    // Queues one line (a '\n' is added) for the child's stdin. Dropped once the input is closed.
    void send(std::string line);
    // Closes stdin once everything queued is written (the worker treats EOF as "stop"); if the
    // child has not exited `grace` later, it is SIGKILLed.
    void close_input(std::chrono::milliseconds grace);
    void kill();
    int pid() const { return pid_; }

private:
    void write_next();
    void read_next();
    void reap();

    Strand strand_;
    std::vector<std::string> argv_;
    std::filesystem::path log_file_;
    asio::posix::stream_descriptor in_;   // the child's stdin
    asio::posix::stream_descriptor out_;  // the child's stdout
    asio::steady_timer timer_;            // the grace period after close_input
    asio::steady_timer reap_timer_;       // polls waitpid once stdout closed
    int reap_polls_ = 0;
    std::string read_buffer_;
    std::deque<std::string> queue_;
    bool writing_ = false;
    bool closing_ = false;
    int pid_ = -1;
    LineHandler on_line_;
    ExitHandler on_exit_;
};

}  // namespace onstage::api
