// The codec's behaviour at its edges, beyond the golden fixtures: exact limits, hostile frames
// that must not crash the server, and encodings that must stay valid JSON whatever the text.
#include "api/protocol.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <string>
#include <vector>

namespace onstage::api::protocol {
namespace {

using nlohmann::json;

// A ping padded with an unknown member to exactly `size` bytes.
std::string ping_of_size(std::size_t size) {
    const std::string head = R"({"type":"ping","id":"p1","pad":")";
    const std::string tail = R"("})";
    return head + std::string(size - head.size() - tail.size(), 'x') + tail;
}

std::string raise_with(const std::string& question) {
    return json{{"type", "raise"}, {"id", "c1"}, {"question", question}}.dump();
}

std::string_view no_names(std::string_view /*id*/) {
    return {};
}

TEST(ProtocolDecode, AFrameOfExactlyTheLimitIsAccepted) {
    const auto decoded = decode_command(ping_of_size(kMaxClientFrameBytes));
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->id, "p1");
}

TEST(ProtocolDecode, AFrameOneByteOverTheLimitIsTooLarge) {
    const auto decoded = decode_command(ping_of_size(kMaxClientFrameBytes + 1));
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, "frame_too_large");
    // Refused before parsing, so even its well-formed id is not echoed.
    EXPECT_EQ(decoded.error().id, "");
}

TEST(ProtocolDecode, QuestionLimitIsCountedInBytes) {
    // 2048 two-byte characters: 4096 bytes, accepted; one more byte is not.
    std::string question;
    for (int i = 0; i < 2048; ++i) {
        question += "\xC3\xA9";  // é
    }
    const auto at_limit = decode_command(raise_with(question));
    ASSERT_TRUE(at_limit.ok()) << at_limit.error().message;
    EXPECT_EQ(at_limit->question, question);

    const auto over = decode_command(raise_with(question + "?"));
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, "bad_field");
    EXPECT_NE(over.error().message.find("question"), std::string::npos) << over.error().message;
    EXPECT_EQ(over.error().id, "c1");
}

TEST(ProtocolDecode, ErrorMessagesNameTheOffendingField) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {R"({"type":"hello","token":"t","since":-3})", "since"},
        {R"({"type":"set_on_air","id":"a","on_air":"yes"})", "on_air"},
        {R"({"type":"claim","id":"a"})", "attendee_id"},
        {R"({"type":"unmute","id":"a","participant_id":7})", "participant_id"},
        {R"({"type":"ping","id":17})", "id"},
    };
    for (const auto& [text, field] : cases) {
        SCOPED_TRACE(text);
        const auto decoded = decode_command(text);
        ASSERT_FALSE(decoded.ok());
        EXPECT_NE(decoded.error().message.find("\"" + field + "\""), std::string::npos)
            << decoded.error().message;
    }
}

TEST(ProtocolDecode, TheLargestSinceIsAccepted) {
    const auto decoded =
        decode_command(R"({"type":"hello","token":"t","since":18446744073709551615})");
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->since, std::numeric_limits<std::uint64_t>::max());
}

TEST(ProtocolDecode, IllFormedUtf8IsBadJson) {
    const auto decoded =
        decode_command("{\"type\":\"raise\",\"id\":\"c1\",\"question\":\"\xFF\xFE\"}");
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, "bad_json");
}

TEST(ProtocolDecode, DeeplyNestedFramesAreRefusedWithoutCrashing) {
    const std::size_t depth = kMaxClientFrameBytes / 2;
    const std::string balanced = std::string(depth, '[') + std::string(depth, ']');
    const auto array = decode_command(balanced);
    ASSERT_FALSE(array.ok());
    EXPECT_EQ(array.error().code, "bad_message");

    const auto unbalanced = decode_command(std::string(kMaxClientFrameBytes, '{'));
    ASSERT_FALSE(unbalanced.ok());
    EXPECT_EQ(unbalanced.error().code, "bad_json");

    // Deep nesting inside an ignored member of a good command is still a good command.
    const std::size_t inner = 4000;
    const auto nested = decode_command(R"({"type":"ping","id":"n1","x":)" +
                                       std::string(inner, '[') + std::string(inner, ']') + "}");
    ASSERT_TRUE(nested.ok()) << nested.error().message;
}

TEST(ProtocolDecode, UnknownTypeWithAHugeNameIsNotEchoed) {
    const std::string name(1000, 'z');
    const auto decoded = decode_command(json{{"type", name}, {"id", "c9"}}.dump());
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.error().code, "unknown_type");
    EXPECT_EQ(decoded.error().message.find("zzzz"), std::string::npos);
    EXPECT_EQ(decoded.error().id, "c9");
}

// Random corruptions of good frames: the decoder must answer every one with a Command or one
// of the documented codes, and never echo an id that is not a 1..64-byte string.
TEST(ProtocolDecode, CorruptedFramesGetADocumentedAnswer) {
    const std::set<std::string> documented{"bad_json",      "bad_message", "unknown_type",
                                           "missing_field", "bad_field",   "frame_too_large"};
    const std::vector<std::string> seeds{
        R"({"type":"hello","token":"abc.def","since":12})",
        R"({"type":"raise","id":"c1","question":"Why \"this\"? \u00e9"})",
        R"({"type":"kick","id":"m1","attendee_id":"a-1","reason":"spam"})",
        R"({"type":"set_on_air","id":"m2","on_air":true})",
        R"({"type":"mute","id":"m3","participant_id":"p-1"})",
    };
    std::mt19937 random(20260101U);  // fixed seed: the same frames on every run
    for (int round = 0; round < 5000; ++round) {
        std::string text = seeds[random() % seeds.size()];
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const std::size_t at = random() % text.size();
            switch (random() % 3) {
            case 0:
                text[at] = static_cast<char>(random() % 256);
                break;
            case 1:
                text.erase(at, 1);
                break;
            default:
                text.insert(at, 1, static_cast<char>(random() % 256));
                break;
            }
        }
        SCOPED_TRACE(json(text).dump(-1, ' ', true, json::error_handler_t::replace));
        const auto decoded = decode_command(text);
        if (!decoded.ok()) {
            EXPECT_TRUE(documented.contains(decoded.error().code)) << decoded.error().code;
            EXPECT_LE(decoded.error().id.size(), kMaxIdBytes);
        } else if (decoded->type != CommandType::hello) {
            EXPECT_FALSE(decoded->id.empty());
        }
    }
}

TEST(ProtocolCommandType, NamesRoundTrip) {
    for (const CommandType type : kCommandTypes) {
        EXPECT_EQ(command_type_from_string(to_string(type)), type) << to_string(type);
    }
    EXPECT_EQ(command_type_from_string("RAISE"), std::nullopt);
    EXPECT_EQ(command_type_from_string(""), std::nullopt);
}

TEST(ProtocolEncode, ErrorWithoutIdSendsNull) {
    const json reply = json::parse(encode_error("", "bad_json", "The message is not valid JSON."));
    EXPECT_TRUE(reply.at("id").is_null());
    EXPECT_EQ(reply.at("code"), "bad_json");
}

TEST(ProtocolEncode, IllFormedUtf8InTextBecomesReplacementCharacters) {
    std::string wire;
    ASSERT_NO_THROW(wire = encode_revoked("kicked \xFF by"));
    const json parsed = json::parse(wire, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << wire;
    EXPECT_EQ(parsed.at("reason"), "kicked \xEF\xBF\xBD by");
}

TEST(ProtocolEncode, ControlCharactersAndQuotesAreEscaped) {
    domain::AttendeeStatus status;
    status.attendee_id = "a1";
    status.state = domain::StageState::hand_raised;
    status.hand =
        domain::HandRaise{.question = "line1\nline2\t\"quoted\" \x01 </script>", .raised_at_ms = 5};
    const std::string wire = encode_status(status, no_names);
    EXPECT_EQ(wire.find('\n'), std::string::npos);
    EXPECT_EQ(wire.find('\x01'), std::string::npos);
    const json parsed = json::parse(wire, nullptr, false);
    ASSERT_FALSE(parsed.is_discarded()) << wire;
    EXPECT_EQ(parsed["attendee"]["question"], status.hand->question);
}

TEST(ProtocolEncode, AnInviteDeadlineIsSentOnlyWhileInvited) {
    domain::AttendeeStatus status;
    status.attendee_id = "a1";
    status.state = domain::StageState::queued;
    status.moderator_id = "m1";
    status.hand = domain::HandRaise{.question = "Q", .raised_at_ms = 5};
    status.invite_expires_at_ms = 99;  // left over from a cancelled invite
    const auto name = [](std::string_view id) {
        return id == "m1" ? std::string_view("Sam") : std::string_view("Ada");
    };
    const json queued = json::parse(encode_status(status, name));
    EXPECT_TRUE(queued["attendee"]["invite_expires_at"].is_null());
    EXPECT_EQ(queued["attendee"]["moderator_name"], "Sam");

    status.state = domain::StageState::invited;
    const json invited = json::parse(encode_status(status, name));
    EXPECT_EQ(invited["attendee"]["invite_expires_at"], 99);
}

TEST(ProtocolEncode, FramePrefixSplicesSeqInFront) {
    EXPECT_EQ(frame_prefix(0), R"({"seq":0,)");
    const std::uint64_t seq = std::numeric_limits<std::uint64_t>::max();
    const std::string framed = frame_event(seq, encode_on_air("m1", true));
    EXPECT_EQ(framed,
              R"({"seq":18446744073709551615,"type":"on_air","moderator_id":"m1","on_air":true})");
    EXPECT_EQ(json::parse(framed).at("seq").get<std::uint64_t>(), seq);
}

}  // namespace
}  // namespace onstage::api::protocol
