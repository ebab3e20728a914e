// The golden fixtures of tests/protocol/ (the same files the web apps' tests load) against the
// C++ codec: every valid client frame decodes to the documented Command, every invalid one is
// refused with its documented code, and every encoder produces exactly the documented event.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "api/protocol.hpp"

namespace onstage::api::protocol {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path fixture_dir() {
    return fs::path(ONSTAGE_SOURCE_DIR) / "tests" / "protocol";
}

struct Fixture {
    std::string name;
    json body;
};

// Every *.json file of one fixture folder, sorted by name. An empty or missing folder is a
// failure: a fixture set that silently vanished would make every test below pass vacuously.
std::vector<Fixture> load_fixtures(const std::string& folder) {
    std::vector<Fixture> out;
    const fs::path dir = fixture_dir() / folder;
    if (!fs::is_directory(dir)) {
        ADD_FAILURE() << "missing fixture folder " << dir;
        return out;
    }
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") {
            continue;
        }
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        json body = json::parse(text.str(), nullptr, false);
        if (body.is_discarded() || !body.is_object()) {
            ADD_FAILURE() << entry.path() << " is not a JSON object";
            continue;
        }
        out.push_back(Fixture{entry.path().filename().string(), std::move(body)});
    }
    std::sort(out.begin(), out.end(),
              [](const Fixture& a, const Fixture& b) { return a.name < b.name; });
    EXPECT_FALSE(out.empty()) << "no fixtures in " << dir;
    return out;
}

std::string string_member(const json& object, const char* name) {
    const auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The Command a valid fixture's "decoded" member describes; absent members keep their defaults.
Command expected_command(const json& decoded) {
    static const std::set<std::string> kKnown{
        "type",     "id",     "token",  "since",     "attendee_id", "participant_id",
        "question", "reason", "on_air", "room",      "source",      "sdp",
        "feed",     "sub",    "target", "candidate", "layout",      "focus"};
    for (const auto& [key, value] : decoded.items()) {
        EXPECT_TRUE(kKnown.contains(key)) << "\"decoded\" has an unknown member " << key;
    }
    Command command;
    const auto type = command_type_from_string(string_member(decoded, "type"));
    EXPECT_TRUE(type.has_value()) << "\"decoded\" names no known type";
    command.type = type.value_or(CommandType::ping);
    command.id = string_member(decoded, "id");
    command.token = string_member(decoded, "token");
    command.since = decoded.value("since", std::uint64_t{0});
    command.attendee_id = string_member(decoded, "attendee_id");
    command.participant_id = string_member(decoded, "participant_id");
    command.question = string_member(decoded, "question");
    command.reason = string_member(decoded, "reason");
    command.on_air = decoded.value("on_air", false);
    command.room = string_member(decoded, "room");
    command.source = string_member(decoded, "source");
    command.sdp = string_member(decoded, "sdp");
    command.feed = string_member(decoded, "feed");
    command.sub = string_member(decoded, "sub");
    command.target = string_member(decoded, "target");
    command.layout = string_member(decoded, "layout");
    command.focus = string_member(decoded, "focus");
    if (const auto c = decoded.find("candidate"); c != decoded.end() && c->is_object()) {
        command.candidate =
            Command::Candidate{string_member(*c, "candidate"), string_member(*c, "sdp_mid"),
                               c->value("sdp_mline_index", std::uint32_t{0})};
    }
    return command;
}

TEST(ProtocolFixtures, EveryValidCommandDecodesToTheDocumentedCommand) {
    for (const auto& fixture : load_fixtures("commands/valid")) {
        SCOPED_TRACE(fixture.name);
        ASSERT_TRUE(fixture.body.contains("wire") && fixture.body.contains("decoded"));
        const auto decoded = decode_command(fixture.body["wire"].dump());
        ASSERT_TRUE(decoded.ok()) << decoded.error().code << ": " << decoded.error().message;
        const Command expected = expected_command(fixture.body["decoded"]);
        EXPECT_EQ(decoded->type, expected.type);
        EXPECT_EQ(decoded->id, expected.id);
        EXPECT_EQ(decoded->token, expected.token);
        EXPECT_EQ(decoded->since, expected.since);
        EXPECT_EQ(decoded->attendee_id, expected.attendee_id);
        EXPECT_EQ(decoded->participant_id, expected.participant_id);
        EXPECT_EQ(decoded->question, expected.question);
        EXPECT_EQ(decoded->reason, expected.reason);
        EXPECT_EQ(decoded->on_air, expected.on_air);
        EXPECT_EQ(*decoded, expected);  // every member, the media ones included
    }
}

TEST(ProtocolFixtures, EveryCommandTypeHasAValidFixture) {
    std::set<std::string> covered;
    for (const auto& fixture : load_fixtures("commands/valid")) {
        covered.insert(string_member(fixture.body["decoded"], "type"));
    }
    for (const CommandType type : kCommandTypes) {
        EXPECT_TRUE(covered.contains(std::string(to_string(type))))
            << "no fixture in tests/protocol/commands/valid for " << to_string(type);
    }
}

TEST(ProtocolFixtures, EveryInvalidCommandIsRefusedWithTheDocumentedCode) {
    for (const auto& fixture : load_fixtures("commands/invalid")) {
        SCOPED_TRACE(fixture.name);
        ASSERT_TRUE(fixture.body.contains("wire_text") && fixture.body["wire_text"].is_string());
        const auto decoded = decode_command(fixture.body["wire_text"].get<std::string>());
        ASSERT_FALSE(decoded.ok()) << "accepted as " << to_string(decoded->type);
        EXPECT_EQ(decoded.error().code, string_member(fixture.body, "error"));
        EXPECT_FALSE(decoded.error().message.empty());
        // "id": the id the error reply echoes; null when the frame's id could not be read.
        ASSERT_TRUE(fixture.body.contains("id"));
        EXPECT_EQ(decoded.error().id, string_member(fixture.body, "id"));
    }
}

domain::HandRaise hand_from(const json& given) {
    return domain::HandRaise{.question = given.at("question").get<std::string>(),
                             .raised_at_ms = given.at("raised_at_ms").get<domain::TimeMs>(),
                             .edited_at_ms = given.at("edited_at_ms").get<domain::TimeMs>()};
}

domain::AttendeeStatus status_from(const json& given) {
    domain::AttendeeStatus status;
    status.attendee_id = given.at("attendee_id").get<std::string>();
    const auto state = domain::stage_state_from_string(given.at("state").get<std::string>());
    EXPECT_TRUE(state.has_value()) << given.at("state");
    status.state = state.value_or(domain::StageState::watching);
    status.moderator_id = given.at("moderator_id").get<std::string>();
    if (!given.at("hand").is_null()) {
        status.hand = hand_from(given.at("hand"));
    }
    status.invite_expires_at_ms = given.at("invite_expires_at_ms").get<domain::TimeMs>();
    status.updated_at_ms = given.at("updated_at_ms").get<domain::TimeMs>();
    return status;
}

domain::Role role_from(const json& given) {
    const auto role = domain::role_from_string(given.get<std::string>());
    EXPECT_TRUE(role.has_value()) << given;
    return role.value_or(domain::Role::attendee);
}

OnlineView online_from(const json& given) {
    return OnlineView{.id = given.at("id").get<std::string>(),
                      .name = given.at("name").get<std::string>(),
                      .role = role_from(given.at("role")),
                      .on_air = given.at("on_air").get<bool>()};
}

domain::Event event_from(const json& given) {
    domain::Event event;
    event.id = given.at("id").get<std::string>();
    event.name = given.at("name").get<std::string>();
    event.is_public = given.at("is_public").get<bool>();
    event.created_at_ms = given.at("created_at_ms").get<domain::TimeMs>();
    if (!given.at("starts_at_ms").is_null()) {
        event.starts_at_ms = given.at("starts_at_ms").get<domain::TimeMs>();
    }
    event.base_url = given.at("base_url").get<std::string>();
    return event;
}

// A NameOf over the fixture's "names" map; unknown ids resolve to "".
NameOf names_from(const json& given) {
    auto names = std::make_shared<std::map<std::string, std::string, std::less<>>>();
    for (const auto& [id, name] : given.items()) {
        names->emplace(id, name.get<std::string>());
    }
    return [names](std::string_view id) -> std::string_view {
        const auto it = names->find(id);
        return it == names->end() ? std::string_view{} : std::string_view(it->second);
    };
}

std::string encode_snapshot_from(const json& g) {
    std::optional<domain::AttendeeStatus> mine;
    if (!g.at("mine").is_null()) {
        mine = status_from(g.at("mine"));
    }
    std::vector<domain::AttendeeStatus> attendees;
    for (const auto& status : g.at("attendees")) {
        attendees.push_back(status_from(status));
    }
    std::vector<OnlineView> online;
    for (const auto& who : g.at("online")) {
        online.push_back(online_from(who));
    }
    return encode_snapshot(mine, attendees, online, names_from(g.at("names")));
}

media::Plan plan_from(const json& g) {
    media::Plan plan;
    plan.epoch = g.at("epoch").get<std::uint64_t>();
    for (const auto& room : g.at("publish")) {
        plan.publish.push_back(
            media::room_kind_from_string(room.get<std::string>()).value_or(media::RoomKind::stage));
    }
    plan.screen = g.at("screen").get<bool>();
    for (const auto& f : g.at("feeds")) {
        media::FeedView view;
        view.feed = f.at("feed").get<std::string>();
        view.participant_id = f.at("participant_id").get<std::string>();
        view.name = f.at("name").get<std::string>();
        view.role = role_from(f.at("role"));
        view.room = media::room_kind_from_string(f.at("room").get<std::string>())
                        .value_or(media::RoomKind::stage);
        view.source = media::source_from_string(f.at("source").get<std::string>())
                          .value_or(media::Source::camera);
        view.audio_muted = f.at("audio_muted").get<bool>();
        view.video_muted = f.at("video_muted").get<bool>();
        plan.feeds.push_back(std::move(view));
    }
    return plan;
}

BroadcastView broadcast_from(const json& v) {
    BroadcastView view;
    view.state = v.at("state").get<std::string>();
    view.reason = v.at("reason").get<std::string>();
    view.since = v.at("since").get<std::int64_t>();
    view.layout = v.at("layout").get<std::string>();
    view.applied_layout = v.at("applied_layout").get<std::string>();
    view.hls_url = v.at("hls_url").get<std::string>();
    view.viewers = v.at("viewers").get<std::size_t>();
    view.recording = v.at("recording").get<bool>();
    for (const auto& t : v.at("targets")) {
        view.targets.push_back({t.at("id").get<std::string>(), t.at("name").get<std::string>(),
                                t.at("state").get<std::string>(),
                                t.at("error").get<std::string>()});
    }
    view.on_program = v.at("on_program").get<std::vector<std::string>>();
    return view;
}

// Calls the encoder a fixture names with the inputs its "given" member describes.
std::string encode_given(const std::string& encoder, const json& g) {
    const auto str = [&g](const char* name) { return g.at(name).get<std::string>(); };
    if (encoder == "ack") {
        return encode_ack(str("id"));
    }
    if (encoder == "error") {
        return encode_error(str("id"), str("code"), str("message"));
    }
    if (encoder == "welcome") {
        const json& me = g.at("me");
        return encode_welcome(ParticipantView{.id = me.at("id").get<std::string>(),
                                              .name = me.at("name").get<std::string>(),
                                              .role = role_from(me.at("role"))},
                              event_from(g.at("event")), g.at("seq").get<std::uint64_t>());
    }
    if (encoder == "snapshot") {
        return encode_snapshot_from(g);
    }
    if (encoder == "status") {
        return encode_status(status_from(g.at("status")), names_from(g.at("names")));
    }
    if (encoder == "notice") {
        const json& n = g.at("notice");
        return encode_notice(domain::Notice{.to = n.at("to").get<std::string>(),
                                            .kind = n.at("kind").get<std::string>(),
                                            .subject_id = n.at("subject_id").get<std::string>(),
                                            .text = n.at("text").get<std::string>()});
    }
    if (encoder == "presence") {
        return encode_presence(online_from(g.at("who")), g.at("online").get<bool>());
    }
    if (encoder == "moderation") {
        return encode_moderation(str("target_id"), str("kind"), str("by_id"), str("by_name"));
    }
    if (encoder == "on_air") {
        return encode_on_air(str("moderator_id"), g.at("on_air").get<bool>());
    }
    if (encoder == "revoked") {
        return encode_revoked(str("reason"));
    }
    if (encoder == "media_ack") {
        return encode_media_ack(str("id"), str("sdp"), str("feed"), str("sub"));
    }
    if (encoder == "media") {
        return encode_media(plan_from(g.at("plan")), g.at("ice_servers").dump());
    }
    if (encoder == "broadcast") {
        return encode_broadcast(broadcast_from(g.at("view")), g.at("staff").get<bool>());
    }
    ADD_FAILURE() << "unknown encoder " << encoder;
    return "{}";
}

TEST(ProtocolFixtures, EveryEncoderProducesTheDocumentedEvent) {
    const std::set<std::string> all_encoders{
        "ack",        "error",  "welcome", "snapshot", "status",    "notice",   "presence",
        "moderation", "on_air", "revoked", "media",    "media_ack", "broadcast"};
    std::set<std::string> covered;
    for (const auto& fixture : load_fixtures("events")) {
        SCOPED_TRACE(fixture.name);
        const std::string encoder = string_member(fixture.body, "encoder");
        covered.insert(encoder);
        const json& expected = fixture.body.at("event");
        const std::string wire = encode_given(encoder, fixture.body.at("given"));

        const json actual = json::parse(wire, nullptr, false);
        ASSERT_FALSE(actual.is_discarded()) << wire;
        EXPECT_EQ(actual, expected) << "encoded: " << wire;
        const std::string type_prefix =
            "{\"type\":\"" + expected.at("type").get<std::string>() + "\"";
        EXPECT_EQ(wire.rfind(type_prefix, 0), 0U) << wire;
        EXPECT_EQ(wire.find('\n'), std::string::npos) << "not compact: " << wire;
    }
    EXPECT_EQ(covered, all_encoders) << "every encoder needs at least one event fixture";
}

TEST(ProtocolFixtures, StreamEventsCarryTheSplicedSeqFirst) {
    for (const auto& fixture : load_fixtures("events")) {
        if (!fixture.body.at("stream_event").get<bool>()) {
            continue;
        }
        SCOPED_TRACE(fixture.name);
        const std::string payload =
            encode_given(string_member(fixture.body, "encoder"), fixture.body.at("given"));
        const std::string framed = frame_event(1234, payload);
        EXPECT_EQ(framed.rfind("{\"seq\":1234,\"type\":", 0), 0U) << framed;
        json parsed = json::parse(framed, nullptr, false);
        ASSERT_TRUE(parsed.is_object()) << framed;
        EXPECT_EQ(parsed["seq"], 1234);
        parsed.erase("seq");
        EXPECT_EQ(parsed, fixture.body.at("event"));
    }
}

// The admin API's broadcast body is built by the same code as the event: its members, in the
// same order, without "type".
TEST(ProtocolFixtures, BroadcastMembersAreTheEventWithoutItsType) {
    int checked = 0;
    for (const auto& fixture : load_fixtures("events")) {
        if (string_member(fixture.body, "encoder") != "broadcast") {
            continue;
        }
        SCOPED_TRACE(fixture.name);
        const json& given = fixture.body.at("given");
        const BroadcastView view = broadcast_from(given.at("view"));
        const bool staff = given.at("staff").get<bool>();
        const std::string members = broadcast_members(view, staff).dump();
        EXPECT_EQ("{\"type\":\"broadcast\"," + members.substr(1), encode_broadcast(view, staff));
        json expected = fixture.body.at("event");
        expected.erase("type");
        EXPECT_EQ(json(broadcast_members(view, staff)), expected);
        ++checked;
    }
    EXPECT_GE(checked, 2);  // a staff and an attendee fixture at least
}

}  // namespace
}  // namespace onstage::api::protocol
