// Keeps a Janus running and the JanusSfu connected to it. In spawn mode it writes the config
// dir (janus_config.hpp), starts `janus` as a child that dies with onstage (PR_SET_PDEATHSIG),
// and restarts it within ~2 s when it dies, its connection drops or a keepalive goes
// unanswered (backoff 0.2, 0.5, 1, 2, 5 s while it keeps dying). With an external URL it only
// connects, and reconnects likewise. Each reconnection makes the Sfu emit `reset`.
//
// Threading: runs its own I/O thread; start() and stop() are called from the owner's thread.
#pragma once

#include <utility>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "domain/result.hpp"
#include "media/janus_config.hpp"
#include "media/janus_sfu.hpp"

namespace onstage::media {

struct JanusSupervisorOptions {
    // "spawn": run our own Janus; else the ws:// URL of an external Janus API.
    std::string janus = "spawn";
    std::string binary = "janus";  // looked up in PATH
    JanusConfigOptions config;     // dir, port range, ICE interface, …; ws_port is chosen here
    JanusClientOptions client;
    // External mode: the VideoRoom admin_key of that Janus (empty: none).
    std::string external_admin_key;
};

struct SupervisorError {
    std::string code;  // janus_start_failed
    std::string message;
};

class JanusSupervisor {
public:
    explicit JanusSupervisor(JanusSupervisorOptions options);
    ~JanusSupervisor();
    JanusSupervisor(const JanusSupervisor&) = delete;
    JanusSupervisor& operator=(const JanusSupervisor&) = delete;

    // Starts the watch loop and waits until the first connection is up (or `timeout`).
    Result<Ok, SupervisorError> start(std::chrono::milliseconds timeout);
    // Disconnects, then stops Janus: SIGTERM, SIGKILL after 2 s. Idempotent.
    void stop();

    JanusSfu& sfu() { return *sfu_; }
    int janus_pid() const { return pid_.load(); }  // -1 when none runs (or external)
    std::uint16_t ws_port() const { return port_.load(); }

private:
    class Loop;
    JanusSupervisorOptions options_;
    boost::asio::io_context ioc_;
    std::unique_ptr<JanusSfu> sfu_;
    std::unique_ptr<Loop> loop_;
    std::thread thread_;
    std::atomic<int> pid_{-1};
    std::atomic<std::uint16_t> port_{0};
    std::atomic<bool> stopping_{false};
};

}  // namespace onstage::media
