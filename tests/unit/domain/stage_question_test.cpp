// The hand-raise question: trimmed, counted in Unicode code points (what a person sees as
// characters), and refused when empty, too long or not UTF-8.
#include <string>

#include "stage_fixture.hpp"

namespace onstage::domain::testing {
namespace {

using enum ErrorCode;

std::string repeat(const std::string& piece, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i) {
        out += piece;
    }
    return out;
}

ErrorCode code_of(std::string_view raw) {
    const auto result = validate_question(raw);
    if (result.ok()) {
        ADD_FAILURE() << "accepted: " << *result;
        return invalid_state;
    }
    return result.error().code;
}

TEST(QuestionTest, KeepsTheTextBetweenSurroundingWhiteSpace) {
    EXPECT_EQ(*validate_question(" \t\r\n Why?  \n"), "Why?");
    EXPECT_EQ(*validate_question("Two\nlines  inside"), "Two\nlines  inside");
    // No-break and ideographic spaces around the text are trimmed too.
    EXPECT_EQ(*validate_question("\u00a0\u3000Pourquoi ?\u00a0"), "Pourquoi ?");
}

TEST(QuestionTest, ExactlyTheLimitOfMultiByteCharactersIsAccepted) {
    for (const std::string piece : {"é", "語", "😀"}) {  // 2, 3 and 4 bytes
        SCOPED_TRACE(piece);
        const std::string text = repeat(piece, limits::kMaxQuestionChars);
        ASSERT_GT(text.size(), limits::kMaxQuestionChars);
        EXPECT_EQ(*validate_question(text), text);
        EXPECT_EQ(code_of(text + piece), question_too_long);
    }
}

TEST(QuestionTest, SpacesAroundDoNotCountTowardsTheLimit) {
    const std::string text = repeat("a", limits::kMaxQuestionChars);
    EXPECT_EQ(*validate_question("   " + text + "\n"), text);
}

TEST(QuestionTest, WhiteSpaceOnlyIsEmpty) {
    EXPECT_EQ(code_of(""), question_empty);
    EXPECT_EQ(code_of("   \t\n"), question_empty);
    EXPECT_EQ(code_of("\u00a0\u2003\u200b\ufeff"), question_empty);
}

TEST(QuestionTest, InvalidUtf8IsRefusedWithItsOwnCode) {
    EXPECT_EQ(code_of("caf\xe9"), invalid_utf8);           // Latin-1, not UTF-8
    EXPECT_EQ(code_of("\xc3"), invalid_utf8);              // truncated sequence
    EXPECT_EQ(code_of("\xc0\xaf"), invalid_utf8);          // overlong "/"
    EXPECT_EQ(code_of("\xe0\x80\xaf"), invalid_utf8);      // overlong, three bytes
    EXPECT_EQ(code_of("\xed\xa0\x80"), invalid_utf8);      // UTF-16 surrogate
    EXPECT_EQ(code_of("\xf4\x90\x80\x80"), invalid_utf8);  // beyond U+10FFFF
    EXPECT_EQ(code_of("\x80 stray continuation"), invalid_utf8);
    EXPECT_EQ(code_of("ok \xe2\x82 then broken"), invalid_utf8);
    // Invalid bytes are refused even where they would be trimmed away or make it too long.
    EXPECT_EQ(code_of("Why? \xff"), invalid_utf8);
    EXPECT_EQ(code_of(repeat("a", 600) + "\xff"), invalid_utf8);
}

TEST(QuestionTest, TheLargestCodePointsAreValid) {
    EXPECT_EQ(*validate_question("\U0010FFFF\uFFFD\U00010000"), "\U0010FFFF\uFFFD\U00010000");
}

using StageQuestionTest = StageTest;

TEST_F(StageQuestionTest, RaiseAndEditUseTheSameRules) {
    const auto before = snapshot(stage_);
    EXPECT_EQ(refused(stage_.raise(kAlice, kAlice, "   ", tick())), question_empty);
    EXPECT_EQ(refused(stage_.raise(kAlice, kAlice, repeat("語", 501), tick())), question_too_long);
    EXPECT_EQ(refused(stage_.raise(kAlice, kAlice, "\xff", tick())), invalid_utf8);
    EXPECT_EQ(snapshot(stage_), before);

    ok(stage_.raise(kAlice, kAlice, repeat("語", 500), tick()));
    const auto raised = status_of(kAlice);
    EXPECT_EQ(refused(stage_.edit_question(kAlice, kAlice, "\n", tick())), question_empty);
    EXPECT_EQ(refused(stage_.edit_question(kAlice, kAlice, repeat("😀", 501), tick())),
              question_too_long);
    EXPECT_EQ(refused(stage_.edit_question(kAlice, kAlice, "\xc0\x80", tick())), invalid_utf8);
    EXPECT_EQ(status_of(kAlice), raised);
}

TEST(ErrorCodeTest, CodesAreStableSnakeCaseNames) {
    // The protocol and the web apps match on these strings.
    EXPECT_EQ(to_string(unknown_participant), "unknown_participant");
    EXPECT_EQ(to_string(not_an_attendee), "not_an_attendee");
    EXPECT_EQ(to_string(forbidden), "forbidden");
    EXPECT_EQ(to_string(kicked), "kicked");
    EXPECT_EQ(to_string(question_empty), "question_empty");
    EXPECT_EQ(to_string(question_too_long), "question_too_long");
    EXPECT_EQ(to_string(invalid_utf8), "invalid_utf8");
    EXPECT_EQ(to_string(no_hand_raised), "no_hand_raised");
    EXPECT_EQ(to_string(already_raised), "already_raised");
    EXPECT_EQ(to_string(already_claimed), "already_claimed");
    EXPECT_EQ(to_string(not_your_queue), "not_your_queue");
    EXPECT_EQ(to_string(moderator_busy), "moderator_busy");
    EXPECT_EQ(to_string(not_invited), "not_invited");
    EXPECT_EQ(to_string(not_interviewing), "not_interviewing");
    EXPECT_EQ(to_string(not_in_holding), "not_in_holding");
    EXPECT_EQ(to_string(not_live), "not_live");
    EXPECT_EQ(to_string(invalid_state), "invalid_state");
}

}  // namespace
}  // namespace onstage::domain::testing
