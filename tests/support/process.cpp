#include "support/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace onstage::testing {
namespace fs = std::filesystem;

namespace {

void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
    std::array<pollfd, 2> fds{{{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}}};
    int open_fds = 2;
    std::array<char, 65536> buf{};
    while (open_fds > 0) {
        if (poll(fds.data(), fds.size(), -1) < 0) {
            throw std::runtime_error("poll failed");
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            ssize_t n = read(fds[i].fd, buf.data(), buf.size());
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
                continue;
            }
            (i == 0 ? out : err).append(buf.data(), static_cast<std::size_t>(n));
        }
    }
}

// The environment children get: ours, plus media off unless the test environment says
// otherwise. Tests that want Janus pass --media-janus (flags beat the environment); the rest
// stay fast and independent of Janus.
std::vector<char*> child_environment() {
    static std::string media_off = "ONSTAGE_MEDIA_JANUS=off";
    std::vector<char*> env;
    bool has_media = false;
    for (char** e = environ; *e != nullptr; ++e) {
        has_media = has_media || std::string_view(*e).starts_with("ONSTAGE_MEDIA_JANUS=");
        env.push_back(*e);
    }
    if (!has_media) {
        env.push_back(media_off.data());
    }
    env.push_back(nullptr);
    return env;
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
    std::array<int, 2> out_pipe{};
    std::array<int, 2> err_pipe{};
    if (pipe2(out_pipe.data(), O_CLOEXEC) != 0 || pipe2(err_pipe.data(), O_CLOEXEC) != 0) {
        throw std::runtime_error("pipe failed");
    }
    int pid = -1;
    try {
        pid = spawn(argv, out_pipe[1], err_pipe[1]);
    } catch (...) {
        for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) {
            close(fd);
        }
        throw;
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    ProcessResult result;
    drain(out_pipe[0], err_pipe[0], result.out, result.err);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

int spawn(const std::vector<std::string>& argv, int stdout_fd, int stderr_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    for (auto [fd, target] : {std::pair{stdout_fd, 1}, std::pair{stderr_fd, 2}}) {
        if (fd < 0) {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0);
        } else {
            posix_spawn_file_actions_adddup2(&actions, fd, target);
        }
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) {
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-const-cast)
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    auto env = child_environment();
    const int rc =
        posix_spawn(&pid, argv.at(0).c_str(), &actions, nullptr, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv[0]);
    }
    return pid;
}

int spawn_detached(const std::vector<std::string>& argv) {
    return spawn(argv, -1, -1);
}

int wait_for(int pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

ProcessResult run_onstage(const std::vector<std::string>& args) {
    std::vector<std::string> argv{ONSTAGE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv);
}

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "onstage-test-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void write_file(const fs::path& path, const std::string& contents) {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << contents;
    if (!f) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

std::string read_file(const fs::path& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        throw std::runtime_error("cannot read " + path.string());
    }
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

std::vector<std::string> list_dir(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        return names;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace onstage::testing
