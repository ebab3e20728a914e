// A long-running child process (e.g. `onstage serve`) whose output a test reads while it runs.
// The destructor kills and reaps it, so a failing test never leaves a server behind.
#pragma once

#include <chrono>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace onstage::testing {

class Child {
public:
    explicit Child(const std::vector<std::string>& argv);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    // Reads stdout until a line matches `pattern` (returns the match's groups, [0] the whole
    // match) or `timeout` passes or the child closes stdout (nullopt). Each line matches once.
    // Everything read so far is in output().
    std::optional<std::vector<std::string>> wait_for_line(const std::regex& pattern,
                                                          std::chrono::milliseconds timeout);
    const std::string& output() const { return output_; }
    int pid() const { return pid_; }

    // Sends `sig` and waits up to `timeout` for the exit; returns the wait status, or nullopt.
    std::optional<int> stop(int sig, std::chrono::milliseconds timeout);

private:
    int pid_ = -1;
    int out_fd_ = -1;
    std::string output_;
    std::string pending_;  // the unfinished last line
    std::vector<std::string> lines_;
    std::size_t checked_ = 0;  // lines already offered to a wait_for_line
};

// A minimal HTTP/1.1 GET over loopback; returns the status code and body (empty on failure).
struct HttpReply {
    int status = 0;
    std::string headers;
    std::string body;
};
HttpReply http_get(int port, const std::string& target, const std::string& method = "GET");
// POST with a JSON body.
HttpReply http_post(int port, const std::string& target, const std::string& json_body);

// Any method, with extra header lines ("Name: value") and a body (sent with Content-Length
// when not empty).
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body = "");

// A TCP port that was free a moment ago on 127.0.0.1.
int free_port();

}  // namespace onstage::testing
