#include "support/child.hpp"

#include "support/process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <stdexcept>
#include <thread>

namespace onstage::testing {

Child::Child(const std::vector<std::string>& argv) {
    std::array<int, 2> out{};
    if (pipe2(out.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    try {
        pid_ = spawn(argv, out[1], STDERR_FILENO);  // the child's logs help when a test fails
    } catch (...) {
        close(out[0]);
        close(out[1]);
        throw;
    }
    close(out[1]);
    out_fd_ = out[0];
}

Child::~Child() {
    if (pid_ > 0) {
        ::kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) {
        close(out_fd_);
    }
}

std::optional<std::vector<std::string>> Child::wait_for_line(const std::regex& pattern,
                                                             std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; checked_ < lines_.size(); ++checked_) {
            std::smatch m;
            if (std::regex_search(lines_[checked_], m, pattern)) {
                ++checked_;
                return std::vector<std::string>(m.begin(), m.end());
            }
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || out_fd_ < 0) {
            return std::nullopt;
        }
        pollfd p{out_fd_, POLLIN, 0};
        if (poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        std::array<char, 4096> buf{};
        const ssize_t n = read(out_fd_, buf.data(), buf.size());
        if (n <= 0) {
            close(out_fd_);
            out_fd_ = -1;
            continue;
        }
        output_.append(buf.data(), static_cast<std::size_t>(n));
        pending_.append(buf.data(), static_cast<std::size_t>(n));
        for (auto nl = pending_.find('\n'); nl != std::string::npos; nl = pending_.find('\n')) {
            lines_.push_back(pending_.substr(0, nl));
            pending_.erase(0, nl + 1);
        }
    }
}

std::optional<int> Child::stop(int sig, std::chrono::milliseconds timeout) {
    if (pid_ <= 0) {
        return std::nullopt;
    }
    ::kill(pid_, sig);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return status;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return std::nullopt;
}

namespace {

HttpReply http_exchange(int port, const std::string& request) {
    HttpReply reply;
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return reply;
    }
    if (write(fd, request.data(), request.size()) < 0) {
        close(fd);
        return reply;
    }
    std::string raw;
    std::array<char, 4096> buf{};
    for (ssize_t n = 0; (n = read(fd, buf.data(), buf.size())) > 0;) {
        raw.append(buf.data(), static_cast<std::size_t>(n));
    }
    close(fd);
    const auto split = raw.find("\r\n\r\n");
    if (raw.size() < 12 || split == std::string::npos) {
        return reply;
    }
    reply.status = std::stoi(raw.substr(9, 3));
    reply.headers = raw.substr(0, split);
    reply.body = raw.substr(split + 4);
    return reply;
}

}  // namespace

HttpReply http_get(int port, const std::string& target, const std::string& method) {
    return http_exchange(
        port, method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
}

HttpReply http_post(int port, const std::string& target, const std::string& json_body) {
    return http_exchange(port, "POST " + target +
                                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                   "Content-Type: application/json\r\nContent-Length: " +
                                   std::to_string(json_body.size()) + "\r\n\r\n" + json_body);
}

HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::vector<std::string>& headers, const std::string& body) {
    std::string request =
        method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& header : headers) {
        request += header + "\r\n";
    }
    if (!body.empty()) {
        request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    return http_exchange(port, request + "\r\n" + body);
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
    auto* raw = reinterpret_cast<sockaddr*>(&addr);
    if (bind(fd, raw, sizeof addr) != 0 || getsockname(fd, raw, &len) != 0) {
        close(fd);
        throw std::runtime_error("cannot find a free port");
    }
    close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace onstage::testing
