#include "media/janus_supervisor.hpp"

#include <utility>

#include <fmt/core.h>
#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <array>
#include <csignal>
#include <future>

#include "process/child_process.hpp"

namespace onstage::media {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kPollPeriod = 100ms;  // child exit / lost connection checks
constexpr auto kStartTimeout = 10s;  // a new Janus must accept its API within this
constexpr auto kStableRun = 30s;     // a run this long resets the backoff
constexpr auto kTermGrace = 2s;      // SIGTERM, then SIGKILL
constexpr std::array kBackoff{200ms, 500ms, 1000ms, 2000ms, 5000ms};

std::uint16_t free_loopback_port() {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(
        ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
    return acceptor.local_endpoint().port();
}

int spawn_janus(const std::string& binary, const fs::path& dir, const fs::path& log) {
    process::ChildOptions options;
    options.argv = {binary, "-F", dir.string(), "-C", (dir / "janus.jcfg").string(), "-o"};
    options.log_file = log;
    auto child = process::spawn_child(options);
    if (!child) {
        throw std::runtime_error(child.error());
    }
    return child->pid;
}

void terminate_child(int pid) {
    ::kill(pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + kTermGrace;
    while (std::chrono::steady_clock::now() < deadline) {
        if (process::try_reap(pid)) {
            spdlog::info("janus: pid {} stopped", pid);
            return;
        }
        std::this_thread::sleep_for(20ms);
    }
    spdlog::warn("janus: pid {} ignored SIGTERM for 2 s: SIGKILL", pid);
    process::kill_and_reap(pid);
}

}  // namespace

class JanusSupervisor::Loop {
public:
    explicit Loop(JanusSupervisor& owner) : s_(owner), timer_(owner.ioc_) {}

    std::promise<std::optional<std::string>> first;  // nullopt: connected; else why not
    std::atomic<bool> lost{false};

    asio::awaitable<void> run() {
        std::size_t backoff = 0;
        while (!s_.stopping_) {
            const auto began = std::chrono::steady_clock::now();
            auto failure = co_await one_run();
            if (!first_told_) {
                first_told_ = true;
                first.set_value(failure ? failure : std::optional<std::string>("stopped"));
            }
            if (s_.stopping_) {
                break;
            }
            backoff = std::chrono::steady_clock::now() - began > kStableRun
                          ? 0
                          : std::min(backoff + 1, kBackoff.size() - 1);
            const auto delay = kBackoff.at(backoff == 0 ? 0 : backoff - 1);
            spdlog::info("janus: restarting in {} ms", delay.count());
            co_await sleep(delay);
        }
        co_await s_.sfu_->disconnect();
        end_child();
    }

private:
    // One Janus life: start (or reach) it, connect, watch until it dies. Returns why the start
    // failed, or nullopt if it ran.
    asio::awaitable<std::optional<std::string>> one_run() {
        lost = false;
        std::string url = s_.options_.janus;
        if (url == "spawn") {
            try {
                url = spawn();
            } catch (const std::exception& e) {
                spdlog::error("janus: cannot start: {}", e.what());
                co_return std::string(e.what());
            }
        }
        auto connected = co_await connect(url);
        if (connected) {
            end_child();
            co_return connected;
        }
        if (!first_told_) {
            first_told_ = true;
            first.set_value(std::nullopt);
        }
        co_await watch();
        if (s_.stopping_) {
            co_return std::nullopt;  // run() disconnects, then stops Janus gently
        }
        kill_child();  // it died, or hangs: no grace period
        co_return std::nullopt;
    }

    std::string spawn() {
        auto config = s_.options_.config;
        config.ws_port = free_loopback_port();
        const auto secrets = make_janus_secrets();
        write_janus_config(config, secrets);
        s_.sfu_->set_admin_key(secrets.admin_key);
        const int pid = spawn_janus(s_.options_.binary, config.dir, config.dir / "janus.log");
        s_.pid_ = pid;
        s_.port_ = config.ws_port;
        spdlog::info("janus: started pid {} (API on 127.0.0.1:{}, log {})", pid, config.ws_port,
                     (config.dir / "janus.log").string());
        return fmt::format("ws://127.0.0.1:{}/", config.ws_port);
    }

    // Retries until Janus accepts (it needs ≈ 0.2 s to listen) or the child dies.
    asio::awaitable<std::optional<std::string>> connect(std::string url) {
        const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
        std::string last = "not tried";
        while (!s_.stopping_ && std::chrono::steady_clock::now() < deadline) {
            if (auto died = reap()) {
                co_return "janus " + *died;
            }
            auto result = co_await s_.sfu_->connect(url);
            if (result) {
                co_return std::nullopt;
            }
            last = result.error().message;
            co_await sleep(kPollPeriod);
        }
        co_return fmt::format("no Janus API at {} within {} s: {}", url, kStartTimeout.count(),
                              last);
    }

    asio::awaitable<void> watch() {
        while (!s_.stopping_) {
            co_await sleep(kPollPeriod);
            if (auto died = reap()) {
                spdlog::error("janus: pid {} {}", last_pid_, *died);
                co_await s_.sfu_->disconnect();
                co_return;
            }
            if (lost) {
                spdlog::error("janus: connection lost; restarting it");
                co_return;
            }
        }
    }

    // If the child exited, reaps it and says how.
    std::optional<std::string> reap() {
        const int pid = s_.pid_;
        if (pid <= 0) {
            return std::nullopt;
        }
        const auto status = process::try_reap(pid);
        if (!status) {
            return std::nullopt;
        }
        last_pid_ = pid;
        s_.pid_ = -1;
        return process::describe_exit(*status);
    }

    void end_child() {
        const int pid = s_.pid_.exchange(-1);
        if (pid > 0) {
            terminate_child(pid);
        }
    }

    void kill_child() {
        const int pid = s_.pid_.exchange(-1);
        if (pid > 0) {
            process::kill_and_reap(pid);
            spdlog::warn("janus: pid {} killed (SIGKILL)", pid);
        }
    }

    asio::awaitable<void> sleep(std::chrono::milliseconds delay) {
        timer_.expires_after(delay);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

    JanusSupervisor& s_;
    asio::steady_timer timer_;
    bool first_told_ = false;
    int last_pid_ = -1;
};

JanusSupervisor::JanusSupervisor(JanusSupervisorOptions options)
    : options_(std::move(options)),
      sfu_(std::make_unique<JanusSfu>(
          ioc_.get_executor(), JanusSfuOptions{options_.external_admin_key, options_.client})),
      loop_(std::make_unique<Loop>(*this)) {
    sfu_->set_lost_listener([loop = loop_.get()](const std::string&) { loop->lost = true; });
}

JanusSupervisor::~JanusSupervisor() {
    stop();
}

Result<Ok, SupervisorError> JanusSupervisor::start(std::chrono::milliseconds timeout) {
    auto ready = loop_->first.get_future();
    auto run = [loop = loop_.get()]() { return loop->run(); };
    asio::co_spawn(ioc_, run, [this](const std::exception_ptr& error) {
        if (error) {
            spdlog::critical("janus: supervisor loop failed");
        }
        ioc_.stop();
    });
    thread_ = std::thread([this] { ioc_.run(); });
    if (ready.wait_for(timeout) != std::future_status::ready) {
        stop();
        return fail(SupervisorError{
            "janus_start_failed",
            fmt::format("Janus did not come up within {} ms (log: {})", timeout.count(),
                        (options_.config.dir / "janus.log").string())});
    }
    if (auto failure = ready.get()) {
        stop();
        return fail(SupervisorError{"janus_start_failed", *failure});
    }
    return Ok{};
}

void JanusSupervisor::stop() {
    if (!thread_.joinable()) {
        return;
    }
    stopping_ = true;
    thread_.join();
}

}  // namespace onstage::media
