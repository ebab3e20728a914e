// Realtime load generator for `onstage serve` (run by bench/run-load; figures in BENCHMARKS.md).
// Logs in and connects M moderators and N attendees over loopback WebSockets, then either just
// holds the connections ("idle": server RSS per connection) or has attendees raise hands at a
// fixed rate ("raise": latency from an attendee sending `raise` to each moderator receiving the
// matching `status`). Each raise's question carries its serial number, so a moderator's frame is
// matched to its send exactly. An attendee lowers its hand once the raise is acked, so it can
// raise again later in a long run. Prints human lines, then one JSON summary line.
//
// It shares the machine's cores with the server it measures: the latency it reports includes
// its own scheduling delays, so it is an upper bound on the server's.

// Boost 1.74's Asio coroutine headers use std::exchange without including <utility> (GCC 12).
#include <utility>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <iostream>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string links;  // the event's *_links.csv from `onstage event create --out`
    std::size_t attendees = 1000;
    std::size_t moderators = 3;
    std::string mode = "idle";
    double rate = 1000;       // raises per second
    double duration_s = 20;   // of raising
    double settle_s = 3;      // after connecting, before reading RSS
    double drain_s = 10;      // at most, after the last raise, for late replies and deliveries
    int server_pid = 0;       // for VmRSS; 0 = don't read it
    int threads = 2;          // io threads
    int sources = 4;          // source addresses 127.0.0.2 … 127.0.0.(1+sources)
    int connect_slots = 256;  // connections being set up at once
    int login_slots = 8;      // keep-alive HTTP connections for the logins
};

struct Person {
    std::string role;
    std::string event_id;
    std::string id;
    std::string access_key;
};

// ---- the roster: the links CSV written by `onstage event create` ----

// One CSV record (RFC 4180 quoting; the roster has no line breaks inside fields).
std::vector<std::string> split_csv(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                fields.back() += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    return fields;
}

std::size_t column_of(const std::vector<std::string>& header, std::string_view name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) {
        throw std::runtime_error("links CSV has no column " + std::string(name));
    }
    return static_cast<std::size_t>(it - header.begin());
}

std::vector<Person> read_links(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::string line;
    std::vector<std::string> header;
    std::vector<Person> people;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        auto fields = split_csv(line);
        if (header.empty()) {
            header = std::move(fields);
            continue;
        }
        if (fields.size() < header.size()) {
            continue;
        }
        people.push_back(Person{
            fields[column_of(header, "role")], fields[column_of(header, "eventId")],
            fields[column_of(header, "attendeeId")], fields[column_of(header, "access_key")]});
    }
    return people;
}

std::vector<const Person*> with_role(const std::vector<Person>& people, std::string_view role,
                                     std::size_t count) {
    std::vector<const Person*> out;
    for (const auto& p : people) {
        if (out.size() < count && p.role == role) {
            out.push_back(&p);
        }
    }
    if (out.size() < count) {
        throw std::runtime_error("the roster has only " + std::to_string(out.size()) + " " +
                                 std::string(role) + "s, " + std::to_string(count) + " wanted");
    }
    return out;
}

// VmRSS of a process in KiB; 0 if it can't be read.
long rss_kib(int pid) {
    if (pid <= 0) {
        return 0;
    }
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::strtol(line.c_str() + 6, nullptr, 10);
        }
    }
    return 0;
}

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

void sleep_s(double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// ---- shared state of one run ----

enum class Hand : std::uint8_t { idle, raising, lowering };

struct Conn {
    explicit Conn(asio::io_context& ioc) : ws(ioc) {}

    websocket::stream<beast::tcp_stream> ws;
    beast::flat_buffer in;
    std::deque<std::string> out;  // one write in flight, the rest behind it
    bool writing = false;
    bool moderator = false;
    std::string token;
    // Attendees: the raise cycle. `busy` is claimed by the raise thread, freed by this
    // connection's thread once the lower is acked.
    std::atomic<bool> busy{false};
    Hand hand = Hand::idle;
    std::uint64_t serial = 0;
    // Moderators: one latency (ns) per matching hand_raised received. Only this connection's
    // thread writes it; it is read after the threads have stopped.
    std::vector<std::int64_t> latencies;
};

struct Run {
    Options opt;
    tcp::endpoint server;
    std::string event_id;
    std::vector<std::unique_ptr<asio::io_context>> iocs;
    std::vector<std::unique_ptr<Conn>> moderators;
    std::vector<std::unique_ptr<Conn>> attendees;
    std::atomic<std::size_t> welcomed{0};
    std::atomic<std::size_t> connect_failures{0};
    std::atomic<std::size_t> dropped{0};  // established connections that ended
    std::atomic<std::size_t> raises_sent{0};
    std::atomic<std::size_t> raises_skipped{0};  // no attendee free to raise in time
    std::atomic<std::size_t> acks{0};
    std::atomic<std::size_t> unmatched{0};  // a moderator's hand_raised we did not send
    std::unique_ptr<std::atomic<std::int64_t>[]> sent_ns;  // by raise serial
    std::unique_ptr<std::atomic<std::uint8_t>[]> delivered;
    std::size_t max_raises = 0;
    std::mutex errors_mutex;
    std::map<std::string, std::size_t> errors;  // error codes and failure reasons, counted

    void count_error(const std::string& what) {
        const std::scoped_lock lock(errors_mutex);
        if (++errors[what] == 1) {
            std::cerr << "load_gen: first " << what << "\n";
        }
    }
};

// ---- WebSocket connections ----

void write_next(Conn& c);

void send(Conn& c, std::string text) {
    c.out.push_back(std::move(text));
    if (!c.writing) {
        write_next(c);
    }
}

void write_next(Conn& c) {
    if (c.out.empty()) {
        c.writing = false;
        return;
    }
    c.writing = true;
    c.ws.async_write(asio::buffer(c.out.front()), [&c](const beast::error_code& ec, std::size_t) {
        c.out.pop_front();
        if (ec) {
            c.out.clear();
            c.writing = false;
            return;
        }
        write_next(c);
    });
}

std::string raise_command(std::uint64_t serial) {
    return R"({"type":"raise","id":"r)" + std::to_string(serial) + R"(","question":"load )" +
           std::to_string(serial) + R"("})";
}

void on_moderator_frame(Run& run, Conn& c, const json& frame, std::int64_t received_ns) {
    if (frame.value("type", "") != "status") {
        return;
    }
    const auto& attendee = frame.at("attendee");
    if (attendee.value("state", "") != "hand_raised" || !attendee["question"].is_string()) {
        return;
    }
    const std::string question = attendee["question"].get<std::string>();
    if (question.rfind("load ", 0) != 0) {
        ++run.unmatched;
        return;
    }
    const auto serial = std::strtoull(question.c_str() + 5, nullptr, 10);
    if (serial >= run.max_raises || run.sent_ns[serial].load() == 0) {
        ++run.unmatched;
        return;
    }
    run.delivered[serial].fetch_add(1);
    c.latencies.push_back(received_ns - run.sent_ns[serial].load());
}

void on_attendee_frame(Run& run, Conn& c, const json& frame) {
    const std::string type = frame.value("type", "");
    if (type == "ack" && c.hand == Hand::raising) {
        ++run.acks;
        c.hand = Hand::lowering;
        send(c, R"({"type":"lower","id":"l)" + std::to_string(c.serial) + "\"}");
        return;
    }
    // The lower's ack ends the cycle; an error (already counted) ends it too, to try again later.
    const bool done =
        (type == "ack" && c.hand == Hand::lowering) || (type == "error" && c.hand != Hand::idle);
    if (done) {
        c.hand = Hand::idle;
        c.busy = false;
    }
}

void on_frame(Run& run, Conn& c, std::string_view text, std::int64_t received_ns) {
    const json frame = json::parse(text, nullptr, false);
    if (frame.is_discarded() || !frame.is_object()) {
        run.count_error("bad_json_from_server");
        return;
    }
    if (frame.value("type", "") == "error") {
        run.count_error("error:" + frame.value("code", std::string("?")));
    }
    if (c.moderator) {
        on_moderator_frame(run, c, frame, received_ns);
    } else {
        on_attendee_frame(run, c, frame);
    }
}

std::string frame_text(const beast::flat_buffer& buffer) {
    const auto data = buffer.data();
    return {static_cast<const char*>(data.data()), data.size()};
}

asio::awaitable<void> read_loop(Run& run, Conn& c) {
    try {
        for (;;) {
            c.in.clear();
            co_await c.ws.async_read(c.in, asio::use_awaitable);
            const std::int64_t received = now_ns();
            on_frame(run, c, frame_text(c.in), received);
        }
    } catch (const boost::system::system_error& e) {
        ++run.dropped;
        run.count_error("dropped:" + e.code().message());
    }
}

// Binds the socket to `source` with the port chosen at connect time, so each source address
// has the whole ephemeral port range towards the one server port.
void bind_source(tcp::socket& socket, const asio::ip::address& source) {
    socket.open(tcp::v4());
    const int on = 1;
    ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    socket.bind(tcp::endpoint(source, 0));
}

// Connect, upgrade, hello, and wait for the welcome; then the connection reads on its own.
asio::awaitable<void> open_connection(Run& run, Conn& c, asio::ip::address source) {
    auto& stream = beast::get_lowest_layer(c.ws);
    bind_source(stream.socket(), source);
    stream.expires_after(std::chrono::seconds(20));
    co_await stream.async_connect(run.server, asio::use_awaitable);
    stream.socket().set_option(tcp::no_delay(true));
    stream.expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(20);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    c.ws.set_option(timeouts);
    c.ws.write_buffer_bytes(512);  // clients mask into this buffer; commands are small
    c.ws.text(true);
    const std::string host = run.opt.host;
    const std::string target = "/api/v1/live?e=" + run.event_id;
    co_await c.ws.async_handshake(host, target, asio::use_awaitable);
    send(c, json{{"type", "hello"}, {"token", c.token}, {"since", 0}}.dump());
    for (;;) {
        c.in.clear();
        co_await c.ws.async_read(c.in, asio::use_awaitable);
        const json frame = json::parse(frame_text(c.in), nullptr, false);
        const std::string type = frame.is_object() ? frame.value("type", "") : "";
        if (type == "welcome") {
            break;
        }
        if (type == "error") {
            throw std::runtime_error("hello refused: " + frame.value("code", std::string("?")));
        }
    }
    ++run.welcomed;
    const auto ex = co_await asio::this_coro::executor;
    asio::co_spawn(ex, read_loop(run, c), asio::detached);
}

// ---- phases ----

// Logs in everyone in `who` (tokens into `conns`) over a few keep-alive HTTP connections.
asio::awaitable<void> login_worker(Run& run, const std::vector<const Person*>& who,
                                   std::vector<std::unique_ptr<Conn>>& conns,
                                   std::atomic<std::size_t>& next) {
    const auto ex = co_await asio::this_coro::executor;
    beast::tcp_stream stream(ex);
    co_await stream.async_connect(run.server, asio::use_awaitable);
    beast::flat_buffer buffer;
    for (std::size_t i = next++; i < who.size(); i = next++) {
        json body{{"event_id", who[i]->event_id}, {"participant_id", who[i]->id}};
        if (!who[i]->access_key.empty()) {
            body["access_key"] = who[i]->access_key;
        }
        http::request<http::string_body> req{http::verb::post, "/api/v1/login", 11};
        req.set(http::field::host, run.opt.host);
        req.set(http::field::content_type, "application/json");
        req.keep_alive(true);
        req.body() = body.dump();
        req.prepare_payload();
        co_await http::async_write(stream, req, asio::use_awaitable);
        http::response<http::string_body> res;
        co_await http::async_read(stream, buffer, res, asio::use_awaitable);
        if (res.result() != http::status::ok) {
            throw std::runtime_error("login failed (" + std::to_string(res.result_int()) +
                                     "): " + res.body());
        }
        conns[i]->token = json::parse(res.body()).at("token").get<std::string>();
    }
}

// Runs `count` copies of a coroutine factory spread over the io threads; waits for all.
template <typename Factory>
void run_spread(Run& run, int count, Factory make) {
    std::latch done(count);
    for (int i = 0; i < count; ++i) {
        auto& ioc = *run.iocs[static_cast<std::size_t>(i) % run.iocs.size()];
        asio::co_spawn(ioc, make(ioc), [&run, &done](const std::exception_ptr& e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& x) {
                    run.count_error(std::string("worker failed: ") + x.what());
                }
            }
            done.count_down();
        });
    }
    done.wait();
}

void make_conns(Run& run, std::vector<std::unique_ptr<Conn>>& conns, std::size_t count,
                bool moderators) {
    conns.clear();
    for (std::size_t i = 0; i < count; ++i) {
        conns.push_back(std::make_unique<Conn>(*run.iocs[i % run.iocs.size()]));
        conns.back()->moderator = moderators;
    }
}

void log_in(Run& run, const std::vector<const Person*>& who,
            std::vector<std::unique_ptr<Conn>>& conns) {
    std::atomic<std::size_t> next{0};
    const int slots = static_cast<int>(std::min<std::size_t>(
        static_cast<std::size_t>(run.opt.login_slots), std::max<std::size_t>(who.size(), 1)));
    run_spread(run, slots, [&](asio::io_context&) { return login_worker(run, who, conns, next); });
}

asio::ip::address source_address(const Run& run, std::size_t i) {
    const auto sources = static_cast<std::size_t>(run.opt.sources);
    return asio::ip::make_address_v4(0x7f000002U + static_cast<std::uint32_t>(i % sources));
}

// One of the slots that open connections: takes the next connection of its io_context (lane)
// until there are none left. Connection i belongs to io_context i % threads.
asio::awaitable<void> connect_slot(Run& run, std::vector<std::unique_ptr<Conn>>& conns,
                                   std::atomic<std::size_t>& next_of_lane, std::size_t lane) {
    const std::size_t threads = run.iocs.size();
    for (;;) {
        const std::size_t i = lane + threads * next_of_lane++;
        if (i >= conns.size()) {
            co_return;
        }
        try {
            co_await open_connection(run, *conns[i], source_address(run, i));
        } catch (const std::exception& e) {
            ++run.connect_failures;
            run.count_error(std::string("connect: ") + e.what());
        }
    }
}

// Opens every connection in `conns`, at most connect_slots at a time. Each connection is set up
// on its own io_context (one thread each), so nothing it touches is shared between threads.
void connect_all(Run& run, std::vector<std::unique_ptr<Conn>>& conns) {
    const std::size_t threads = run.iocs.size();
    const auto next = std::make_unique<std::atomic<std::size_t>[]>(threads);
    const int slots = static_cast<int>(
        std::min<std::size_t>(static_cast<std::size_t>(run.opt.connect_slots), conns.size()));
    run_spread(run, slots,
               [&run, &conns, &next, threads, lane = std::size_t{0}](asio::io_context&) mutable {
                   const std::size_t mine = lane++ % threads;
                   return connect_slot(run, conns, next[mine], mine);
               });
}

// Raises hands at opt.rate for opt.duration_s from this thread: each raise goes to the next
// attendee not busy with an earlier raise/lower and is timestamped on that attendee's thread
// right before it is written.
void raise_hands(Run& run) {
    const auto total = static_cast<std::size_t>(run.opt.rate * run.opt.duration_s);
    const auto start = Clock::now();
    const auto period = std::chrono::duration<double>(1.0 / run.opt.rate);
    std::size_t cursor = 0;
    const std::size_t n = run.attendees.size();
    for (std::size_t k = 0; k < total; ++k) {
        std::this_thread::sleep_until(
            start + std::chrono::duration_cast<Clock::duration>(period * static_cast<double>(k)));
        std::optional<std::size_t> pick;
        for (std::size_t tries = 0; tries < n && !pick; ++tries, ++cursor) {
            if (!run.attendees[cursor % n]->busy.exchange(true)) {
                pick = cursor % n;
            }
        }
        if (!pick) {
            ++run.raises_skipped;
            continue;
        }
        Conn& c = *run.attendees[*pick];
        asio::post(c.ws.get_executor(), [&run, &c, k] {
            c.hand = Hand::raising;
            c.serial = k;
            run.sent_ns[k] = now_ns();
            ++run.raises_sent;
            send(c, raise_command(k));
        });
    }
}

// Waits up to opt.drain_s for every raise to be acked and lowered again (late deliveries come
// in meanwhile), so no hand stays raised in the event after the run.
void wait_for_lowered(const Run& run) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(run.opt.drain_s);
    auto busy = [&run] {
        return std::any_of(run.attendees.begin(), run.attendees.end(),
                           [](const auto& c) { return c->busy.load(); });
    };
    while (busy() && Clock::now() < deadline) {
        sleep_s(0.05);
    }
    sleep_s(0.2);  // the moderators' frames for the last raises may trail its ack
}

struct Percentiles {
    double p50 = 0;
    double p90 = 0;
    double p99 = 0;
    double max = 0;
};

Percentiles percentiles_ms(std::vector<std::int64_t> ns) {
    if (ns.empty()) {
        return {};
    }
    std::sort(ns.begin(), ns.end());
    auto at = [&ns](double q) {
        const auto i = static_cast<std::size_t>(q * static_cast<double>(ns.size() - 1));
        return static_cast<double>(ns[i]) / 1e6;
    };
    return {at(0.50), at(0.90), at(0.99), static_cast<double>(ns.back()) / 1e6};
}

void raise_fd_limit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
}

Options parse_options(int argc, char** argv) {
    Options o;
    CLI::App app{"Realtime load generator for onstage serve (loopback only)"};
    app.add_option("--port", o.port, "Server port")->required();
    app.add_option("--host", o.host, "Server address (loopback)")->capture_default_str();
    app.add_option("--links", o.links, "The event's *_links.csv")->required();
    app.add_option("--attendees", o.attendees, "Attendee connections")->capture_default_str();
    app.add_option("--moderators", o.moderators, "Moderator connections")->capture_default_str();
    app.add_option("--mode", o.mode, "idle or raise")
        ->check(CLI::IsMember({"idle", "raise"}))
        ->capture_default_str();
    app.add_option("--rate", o.rate, "Raises per second")->capture_default_str();
    app.add_option("--duration", o.duration_s, "Seconds of raising")->capture_default_str();
    app.add_option("--settle", o.settle_s, "Seconds before reading RSS")->capture_default_str();
    app.add_option("--drain", o.drain_s, "Seconds to wait for late frames")->capture_default_str();
    app.add_option("--server-pid", o.server_pid, "Server pid, for VmRSS");
    app.add_option("--threads", o.threads, "I/O threads")->capture_default_str();
    app.add_option("--sources", o.sources, "Source addresses 127.0.0.2…")->capture_default_str();
    app.add_option("--connect-slots", o.connect_slots, "Connections set up at once")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));  // NOLINT(concurrency-mt-unsafe): before any thread starts
    }
    if (o.rate <= 0 || o.threads < 1 || o.sources < 1 || o.connect_slots < 1) {
        throw std::runtime_error("--rate, --threads, --sources and --connect-slots must be > 0");
    }
    return o;
}

double seconds_since(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

int run_load(const Options& opt) {
    raise_fd_limit();
    Run run;
    run.opt = opt;
    run.server = tcp::endpoint(asio::ip::make_address(opt.host), opt.port);
    const auto people = read_links(opt.links);
    const auto attendees = with_role(people, "attendee", opt.attendees);
    const auto moderators = with_role(people, "moderator", opt.moderators);
    run.event_id = attendees.front()->event_id;
    if (opt.mode == "raise") {
        run.max_raises = static_cast<std::size_t>(opt.rate * opt.duration_s) + 1;
        run.sent_ns = std::make_unique<std::atomic<std::int64_t>[]>(run.max_raises);
        run.delivered = std::make_unique<std::atomic<std::uint8_t>[]>(run.max_raises);
    }

    std::vector<std::thread> threads;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    for (int i = 0; i < opt.threads; ++i) {
        run.iocs.push_back(std::make_unique<asio::io_context>(1));
        guards.push_back(asio::make_work_guard(*run.iocs.back()));
    }
    for (auto& ioc : run.iocs) {
        threads.emplace_back([&ioc] { ioc->run(); });
    }

    make_conns(run, run.moderators, opt.moderators, true);
    make_conns(run, run.attendees, opt.attendees, false);
    auto t = Clock::now();
    log_in(run, moderators, run.moderators);
    log_in(run, attendees, run.attendees);
    const double login_s = seconds_since(t);
    std::cout << "logged in " << opt.moderators << " moderators + " << opt.attendees
              << " attendees in " << login_s << " s\n";

    connect_all(run, run.moderators);
    sleep_s(opt.settle_s);
    const long rss_before = rss_kib(opt.server_pid);
    t = Clock::now();
    connect_all(run, run.attendees);
    const double connect_s = seconds_since(t);
    const std::size_t connected = run.welcomed.load() - opt.moderators;
    std::cout << "connected " << connected << " attendees (" << run.connect_failures.load()
              << " failed) in " << connect_s << " s\n";
    sleep_s(opt.settle_s);
    const long rss_after = rss_kib(opt.server_pid);
    const double kib_per_conn =
        connected > 0 ? static_cast<double>(rss_after - rss_before) / static_cast<double>(connected)
                      : 0.0;
    std::cout << "server RSS " << rss_before << " KiB -> " << rss_after << " KiB: " << kib_per_conn
              << " KiB per attendee connection\n";

    json summary{{"mode", opt.mode},
                 {"attendees", opt.attendees},
                 {"moderators", opt.moderators},
                 {"connected", connected},
                 {"connect_failures", run.connect_failures.load()},
                 {"login_s", login_s},
                 {"connect_s", connect_s},
                 {"rss_before_kib", rss_before},
                 {"rss_after_kib", rss_after},
                 {"kib_per_connection", kib_per_conn}};
    if (opt.mode == "raise") {
        t = Clock::now();
        raise_hands(run);
        const double raise_s = seconds_since(t);
        wait_for_lowered(run);
        summary["rss_end_kib"] = rss_kib(opt.server_pid);
        summary["raise_s"] = raise_s;
    }
    summary["dropped"] = run.dropped.load();
    for (auto& guard : guards) {
        guard.reset();
    }
    for (auto& ioc : run.iocs) {
        ioc->stop();
    }
    for (auto& thread : threads) {
        thread.join();
    }
    if (opt.mode == "raise") {
        std::vector<std::int64_t> all;
        for (const auto& m : run.moderators) {
            all.insert(all.end(), m->latencies.begin(), m->latencies.end());
        }
        std::size_t duplicates = 0;
        for (std::size_t k = 0; k < run.max_raises; ++k) {
            duplicates += run.delivered[k] > opt.moderators ? run.delivered[k] - opt.moderators : 0;
        }
        const std::size_t sent = run.raises_sent.load();
        const std::size_t expected = sent * opt.moderators;
        const Percentiles p = percentiles_ms(all);
        summary["raises_sent"] = sent;
        summary["raises_skipped"] = run.raises_skipped.load();
        summary["raise_acks"] = run.acks.load();
        summary["deliveries"] = all.size();
        summary["missing_deliveries"] = expected > all.size() ? expected - all.size() : 0;
        summary["duplicate_deliveries"] = duplicates;
        summary["unmatched"] = run.unmatched.load();
        summary["p50_ms"] = p.p50;
        summary["p90_ms"] = p.p90;
        summary["p99_ms"] = p.p99;
        summary["max_ms"] = p.max;
        std::cout << "raised " << sent << " hands (" << run.raises_skipped.load()
                  << " skipped): " << all.size() << "/" << expected
                  << " moderator deliveries; latency ms p50 " << p.p50 << " p90 " << p.p90
                  << " p99 " << p.p99 << " max " << p.max << "\n";
    }
    {
        const std::scoped_lock lock(run.errors_mutex);
        summary["errors"] = run.errors;
    }
    std::cout << "summary " << summary.dump() << "\n" << std::flush;
    // Tearing down thousands of connections one by one measures nothing: the kernel closes them.
    std::_Exit(run.connect_failures > 0 ? 1 : 0);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run_load(parse_options(argc, argv));
    } catch (const std::exception& e) {
        std::cerr << "load_gen: error: " << e.what() << "\n";
        return 1;
    }
}
