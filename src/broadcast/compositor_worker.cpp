#include "broadcast/compositor_worker.hpp"

#include "broadcast/control.hpp"
#include "broadcast/program.hpp"

#include <glib-unix.h>
#include <gst/gst.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <thread>

namespace onstage::broadcast {

namespace {

constexpr int kStopWatchdogS = 20;

// Events go to stdout, one line each, whole lines only (any thread).
class EventWriter {
public:
    void write(const WorkerEvent& event) {
        const std::string line = encode_event(event) + "\n";
        const std::lock_guard lock(mutex_);
        std::fwrite(line.data(), 1, line.size(), stdout);
        std::fflush(stdout);
    }

private:
    std::mutex mutex_;
};

// A short random prefix for segment names, different on every worker start.
std::string new_run_id() {
    std::random_device rd;
    const auto v = (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    char buf[16];
    std::snprintf(buf, sizeof buf, "r%09llx", v & 0xfffffffffULL);
    return buf;
}

class Worker {
public:
    Worker() : loop_(g_main_loop_new(nullptr, FALSE)) {}
    ~Worker() { g_main_loop_unref(loop_); }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    int run() {
        g_unix_signal_add(SIGTERM, &Worker::on_signal, this);
        g_unix_signal_add(SIGINT, &Worker::on_signal, this);
        std::thread(&Worker::read_stdin, this).detach();
        g_main_loop_run(loop_);
        program_.reset();
        return exit_code_;
    }

private:
    struct Line {
        Worker* worker;
        std::string text;
        bool eof;
    };

    // The reader thread only hands lines to the main loop.
    void read_stdin() {
        std::string line;
        while (std::getline(std::cin, line)) {
            post(new Line{this, line, false});
        }
        post(new Line{this, {}, true});
    }

    static void post(Line* line) {
        g_idle_add_full(
            G_PRIORITY_DEFAULT,
            [](gpointer data) -> gboolean {
                auto* l = static_cast<Line*>(data);
                l->worker->on_line(*l);
                return G_SOURCE_REMOVE;
            },
            line, [](gpointer data) { delete static_cast<Line*>(data); });
    }

    static gboolean on_signal(gpointer self) {
        spdlog::info("signal: stopping");
        static_cast<Worker*>(self)->stop();
        return G_SOURCE_CONTINUE;
    }

    void emit(const WorkerEvent& event) { writer_.write(event); }

    void stop() {
        if (program_) {
            start_watchdog();
            program_->stop();
        } else if (!done_) {
            emit(StoppedEvent{""});
            quit(0);
        }
    }

    // Finalising normally takes a second; should GStreamer ever hang in it, serve still gets a
    // clear answer and an exit rather than a worker that never ends. The MP4 is fragmented, so
    // what was written stays playable.
    void start_watchdog() {
        if (watchdog_started_) {
            return;
        }
        watchdog_started_ = true;
        std::thread([this] {
            std::this_thread::sleep_for(std::chrono::seconds(kStopWatchdogS));
            if (!done_) {
                spdlog::error("stop did not finish within {} s; exiting", kStopWatchdogS);
                emit(ErrorEvent{"stop_timeout", "the outputs did not finish in time", true});
                std::_Exit(1);
            }
        }).detach();
    }

    void quit(int code) {
        done_ = true;
        exit_code_ = code;
        g_main_loop_quit(loop_);
    }

    void on_line(const Line& line) {
        if (done_) {
            return;
        }
        if (line.eof) {
            spdlog::info("stdin closed: stopping");
            stop();
            return;
        }
        if (line.text.find_first_not_of(" \t\r") == std::string::npos) {
            return;
        }
        auto command = decode_command(line.text);
        if (!command.ok()) {
            emit(ErrorEvent{command.error().code, command.error().message, false});
            return;
        }
        try {
            std::visit([this](const auto& c) { apply(c); }, command.value());
        } catch (const PipelineError& e) {
            spdlog::error("{}: {}", e.code, e.what());
            emit(ErrorEvent{e.code, e.what(), true});
            program_.reset();
            quit(1);
        }
    }

    bool started(const char* what) {
        if (!program_) {
            emit(ErrorEvent{"not_started", std::string(what) + " before start", false});
        }
        return program_ != nullptr;
    }

    void apply(const StartCommand& c) {
        if (program_) {
            emit(ErrorEvent{"already_started", "the program is already running", false});
            return;
        }
        const std::string run = new_run_id();
        spdlog::info("starting {}x{}@{} into {} (run {}, {} RTMP targets, recording: {})",
                     c.settings.width, c.settings.height, c.settings.fps, c.settings.hls_dir, run,
                     c.settings.rtmp.size(), c.settings.record_path.empty() ? "no" : "yes");
        program_ = std::make_unique<Program>(
            c.settings, run, [this](const WorkerEvent& e) { emit(e); },
            [this](int code) { quit(code); });
        program_->start();
    }
    void apply(const AddCommand& c) {
        if (started("add")) {
            program_->add(c.input);
        }
    }
    void apply(const UpdateCommand& c) {
        if (started("update")) {
            program_->update(c.input);
        }
    }
    void apply(const RemoveCommand& c) {
        if (started("remove")) {
            program_->remove(c.input);
        }
    }
    void apply(const LayoutCommand& c) {
        if (started("layout")) {
            program_->set_layout(c.layout, c.focus);
        }
    }
    void apply(const TitleCommand& c) {
        if (started("title")) {
            program_->set_title(c.title);
        }
    }
    void apply(const StopCommand&) { stop(); }

    GMainLoop* loop_;
    EventWriter writer_;
    std::unique_ptr<Program> program_;
    int exit_code_ = 0;
    std::atomic<bool> done_ = false;
    bool watchdog_started_ = false;
};

}  // namespace

int run_compositor() {
    // stdout carries events only: logs go to stderr.
    auto logger = spdlog::stderr_logger_mt("compositor");
    spdlog::set_default_logger(logger);
    gst_init(nullptr, nullptr);
    int code = 0;
    {
        Worker worker;
        code = worker.run();
    }
    // The stdin reader thread may still sit in getline: leave without running static
    // destructors under it (every output is finalised by now).
    std::fflush(stdout);
    spdlog::shutdown();
    std::_Exit(code);
}

}  // namespace onstage::broadcast
