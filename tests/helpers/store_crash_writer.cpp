// Test helper for the store durability test: imports events into a SQLite store until it is
// killed. Usage: store_crash_writer DB_PATH N_EVENTS N_PARTICIPANTS
//
// Creates events crash-0, crash-1, … each with N_PARTICIPANTS participants in one create_event,
// printing "begin <id>" just before and "committed <id>" just after each (flushed at once, so
// the parent knows what reached the disk before it sends SIGKILL). Exits 0 when all are done.
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace {

using onstage::domain::Participant;
using onstage::domain::Role;

bool parse_count(std::string_view text, long& out) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && out >= 0;
}

// 3 talent, 20 moderators, the rest attendees, like a real event.
std::vector<Participant> roster(const std::string& event_id, long count) {
    std::vector<Participant> participants;
    participants.reserve(static_cast<std::size_t>(count));
    for (long i = 0; i < count; ++i) {
        Participant p;
        p.id = event_id + "-p" + std::to_string(i);
        p.event_id = event_id;
        p.role = i < 3 ? Role::talent : (i < 23 ? Role::moderator : Role::attendee);
        p.position = i < 3 ? i : (i < 23 ? i - 3 : i - 23);
        p.full_name = "Participant " + std::to_string(i);
        p.email = "p" + std::to_string(i) + "@example.org";
        p.extra = {{"Company", "Example Ltd."}};
        if (p.role != Role::attendee) {
            p.access_key_hash = "$argon2id$v=19$m=65536,t=2,p=1$salt$" + std::to_string(i);
        }
        participants.push_back(std::move(p));
    }
    return participants;
}

void say(const char* what, const std::string& event_id) {
    std::printf("%s %s\n", what, event_id.c_str());
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    long events = 0;
    long participants = 0;
    if (argc != 4 || !parse_count(argv[2], events) || !parse_count(argv[3], participants)) {
        std::fprintf(stderr, "usage: store_crash_writer DB_PATH N_EVENTS N_PARTICIPANTS\n");
        return 2;
    }
    try {
        auto store = onstage::store::open_sqlite_store(argv[1]);
        for (long k = 0; k < events; ++k) {
            onstage::domain::Event event;
            event.id = "crash-" + std::to_string(k);
            event.name = "Crash test " + std::to_string(k);
            event.created_at_ms = 1'700'000'000'000 + k;
            auto people = roster(event.id, participants);
            say("begin", event.id);
            store->create_event(event, people);
            say("committed", event.id);
        }
    } catch (const onstage::store::StoreError& e) {
        std::fprintf(stderr, "store_crash_writer: %s\n", e.what());
        return 1;
    }
    return 0;
}
