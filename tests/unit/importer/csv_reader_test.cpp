#include "importer/csv_reader.hpp"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::importer {
namespace {

using Fields = std::vector<std::string>;
constexpr std::string_view kBom = "\xEF\xBB\xBF";

CsvTable parse_ok(std::string_view text) {
    auto result = parse_csv(text, "people.csv");
    if (!result) {
        ADD_FAILURE() << "unexpected error: " << result.error().to_string();
        return {};
    }
    return std::move(result).value();
}

CsvError parse_error(std::string_view text) {
    auto result = parse_csv(text, "people.csv");
    if (result) {
        ADD_FAILURE() << "parsed without error";
        return {};
    }
    return result.error();
}

void expect_error(const CsvError& error, std::string_view code, std::size_t line,
                  std::size_t column) {
    EXPECT_EQ(error.code, code) << error.to_string();
    EXPECT_EQ(error.line, line) << error.to_string();
    EXPECT_EQ(error.column, column) << error.to_string();
    EXPECT_EQ(error.file, "people.csv");
}

TEST(CsvReader, QuotedFieldHoldsComma) {
    const CsvTable table = parse_ok("name,city\n\"Smith, Jane\",Paris\n");
    EXPECT_EQ(table.header, (Fields{"name", "city"}));
    ASSERT_EQ(table.rows.size(), 1U);
    EXPECT_EQ(table.rows[0].line, 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"Smith, Jane", "Paris"}));
}

TEST(CsvReader, QuotedFieldHoldsDoubledQuotes) {
    const CsvTable table = parse_ok("name,nick\nBob,\"the \"\"Boss\"\"\"\n\"\"\"\"\"\",\"\"\n");
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"Bob", "the \"Boss\""}));
    EXPECT_EQ(table.rows[1].fields, (Fields{"\"\"", ""}));
}

TEST(CsvReader, QuotedFieldHoldsNewlineAndLaterLinesStayRight) {
    const CsvTable table =
        parse_ok("name,note\nAnn,\"line one\nline two\r\nline three\"\nBen,short\n");
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].line, 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"Ann", "line one\nline two\r\nline three"}));
    EXPECT_EQ(table.rows[1].line, 5U);
    EXPECT_EQ(table.rows[1].fields, (Fields{"Ben", "short"}));
}

TEST(CsvReader, ErrorAfterMultiLineFieldNamesThePhysicalLineOfTheField) {
    // The extra field starts on line 3 although its record starts on line 2.
    const CsvError error = parse_error("a,b\n\"x\ny\",1,2\n");
    expect_error(error, "csv_too_many_fields", 3, 6);
}

TEST(CsvReader, CrlfLineEndings) {
    const CsvTable table = parse_ok("a,b\r\n1,2\r\n3,4\r\n");
    EXPECT_EQ(table.header, (Fields{"a", "b"}));
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].line, 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"1", "2"}));
    EXPECT_EQ(table.rows[1].line, 3U);
    EXPECT_EQ(table.rows[1].fields, (Fields{"3", "4"}));
}

TEST(CsvReader, LfLineEndings) {
    const CsvTable table = parse_ok("a,b\n1,2\n3,4\n");
    EXPECT_EQ(table.header, (Fields{"a", "b"}));
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].line, 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"1", "2"}));
    EXPECT_EQ(table.rows[1].line, 3U);
    EXPECT_EQ(table.rows[1].fields, (Fields{"3", "4"}));
}

TEST(CsvReader, MixedLineEndings) {
    const CsvTable table = parse_ok("a,b\r\n1,2\n3,4\r5,6\r\n7,8");
    EXPECT_EQ(table.header, (Fields{"a", "b"}));
    ASSERT_EQ(table.rows.size(), 4U);
    for (std::size_t i = 0; i < table.rows.size(); ++i) {
        EXPECT_EQ(table.rows[i].line, i + 2);
        EXPECT_EQ(table.rows[i].fields,
                  (Fields{std::to_string(2 * i + 1), std::to_string(2 * i + 2)}));
    }
}

TEST(CsvReader, LoneCrEndsRecordAndLine) {
    const CsvTable table = parse_ok("a,b\r1,2\r3,4\r");
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].line, 2U);
    EXPECT_EQ(table.rows[1].line, 3U);
    EXPECT_EQ(table.rows[1].fields, (Fields{"3", "4"}));
    expect_error(parse_error("a,b\r1,2\r3,4,5\r"), "csv_too_many_fields", 3, 5);
}

TEST(CsvReader, NoTrailingNewline) {
    EXPECT_EQ(parse_ok("a,b\n1,2").rows.at(0).fields, (Fields{"1", "2"}));
    EXPECT_EQ(parse_ok("a,b\n1,").rows.at(0).fields, (Fields{"1", ""}));
    EXPECT_EQ(parse_ok("a,b\n1,\"x, y\"").rows.at(0).fields, (Fields{"1", "x, y"}));
}

TEST(CsvReader, Utf8BomIsStrippedAndNotCounted) {
    const CsvTable table = parse_ok(std::string(kBom) + "full_name,email\nAnn,a@x.org\n");
    EXPECT_EQ(table.header, (Fields{"full_name", "email"}));
    EXPECT_EQ(table.rows.at(0).fields, (Fields{"Ann", "a@x.org"}));
    // The quote is the first character the organiser sees on line 1.
    expect_error(parse_error(std::string(kBom) + "\"full_name\n"), "csv_unterminated_quote", 1, 1);
}

TEST(CsvReader, Utf8WithoutBom) {
    const CsvTable table = parse_ok("full_name,email\nAnn,a@x.org\n");
    EXPECT_EQ(table.header, (Fields{"full_name", "email"}));
    EXPECT_EQ(table.header_line, 1U);
    EXPECT_EQ(table.rows.at(0).fields, (Fields{"Ann", "a@x.org"}));
}

TEST(CsvReader, NonAsciiTextRoundTrips) {
    const CsvTable table = parse_ok("名前,note\nJosé Núñez,\"漢字, 😀\"\n");
    EXPECT_EQ(table.header, (Fields{"名前", "note"}));
    EXPECT_EQ(table.rows.at(0).fields, (Fields{"José Núñez", "漢字, 😀"}));
}

TEST(CsvReader, BlankLinesSkippedAtStartMiddleAndEnd) {
    const CsvTable table = parse_ok("\n  \r\nname,n\n\n1,2\n \t\n\r\n3,4\n\n\n");
    EXPECT_EQ(table.header_line, 3U);
    EXPECT_EQ(table.header, (Fields{"name", "n"}));
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].line, 5U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"1", "2"}));
    EXPECT_EQ(table.rows[1].line, 8U);
    EXPECT_EQ(table.rows[1].fields, (Fields{"3", "4"}));
}

TEST(CsvReader, LineWithACommaOrAQuotedEmptyFieldIsNotBlank) {
    const CsvTable table = parse_ok("a,b\n , \n\"\"\n");
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{" ", " "}));
    EXPECT_EQ(table.rows[1].line, 3U);
    EXPECT_EQ(table.rows[1].fields, (Fields{""}));
}

struct BadUtf8Case {
    const char* name;
    std::string_view text;
    std::size_t line;
    std::size_t column;
    const char* byte;
};

void PrintTo(const BadUtf8Case& c, std::ostream* os) {
    *os << c.name;
}

class CsvReaderInvalidUtf8 : public ::testing::TestWithParam<BadUtf8Case> {};

TEST_P(CsvReaderInvalidUtf8, ReportsLineAndColumnInCodePoints) {
    const BadUtf8Case& c = GetParam();
    const CsvError error = parse_error(c.text);
    expect_error(error, "csv_invalid_utf8", c.line, c.column);
    EXPECT_NE(error.message.find(c.byte), std::string::npos) << error.message;
}

// Columns count code points: é, 漢 and 😀 before the bad byte are one column each.
INSTANTIATE_TEST_SUITE_P(
    Patterns, CsvReaderInvalidUtf8,
    ::testing::Values(
        BadUtf8Case{"Latin1Byte", "name\nJos\xE9 Ruiz\n", 2, 4, "0xE9"},
        BadUtf8Case{"LoneContinuationByte", "name\nab\x80z\n", 2, 3, "0x80"},
        BadUtf8Case{"OverlongTwoByteSlash", "name\n\xC0\xAF\n", 2, 1, "0xC0"},
        BadUtf8Case{"OverlongThreeByte", "name\n\xC3\xA9\xE0\x80\xAF\n", 2, 2, "0xE0"},
        BadUtf8Case{"OverlongFourByte", "name\n\xF0\x8F\xBF\xBF\n", 2, 1, "0xF0"},
        BadUtf8Case{"Surrogate", "name\n漢字\xED\xA0\x80\n", 2, 3, "0xED"},
        BadUtf8Case{"AboveU10FFFF", "name\nx\xF4\x90\x80\x80\n", 2, 2, "0xF4"},
        BadUtf8Case{"ByteF5", "name\n\xF5\x80\x80\x80\n", 2, 1, "0xF5"},
        BadUtf8Case{"ByteFF", "na\xFFme\n", 1, 3, "0xFF"},
        BadUtf8Case{"TruncatedBeforeAscii", "name\n😀x\xE2\x82y\n", 2, 3, "0xE2"},
        BadUtf8Case{"TruncatedAtEndOfFile", "name\n😀\xE2\x82", 2, 2, "0xE2"},
        BadUtf8Case{"InsideQuotedFieldOnItsSecondLine", "n,note\nA,\"x\ny\xC3\"\n", 3, 2, "0xC3"},
        BadUtf8Case{"AfterLongAsciiRun", "name\nabcdefghijklmnopqrstuvwxyz\x80\n", 2, 27, "0x80"},
        BadUtf8Case{"AfterCrlfAndLoneCr", "a\r\nb\rc\xFF\n", 3, 2, "0xFF"}),
    [](const ::testing::TestParamInfo<BadUtf8Case>& param_info) { return param_info.param.name; });

TEST(CsvReader, UnterminatedQuoteIsReportedAtTheOpeningQuote) {
    const CsvError error = parse_error("name,note\nAnn,ok\nBen,\"never closed\nmore\nrows,\n");
    expect_error(error, "csv_unterminated_quote", 3, 5);
    EXPECT_EQ(error.message, "unterminated quoted field (starts here)");
}

TEST(CsvReader, TextAfterClosingQuoteIsABadQuote) {
    const CsvError error = parse_error("name,note\nZoë,\"abc\"x\n");
    // Z o ë , " a b c " -> the x is the tenth character.
    expect_error(error, "csv_bad_quote", 2, 10);
    EXPECT_EQ(parse_error("a\n\"abc\" \n").column, 6U);
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsLiteral) {
    const CsvTable table = parse_ok("name,x\nO\"Brien,ab\"\"c\"\n");
    EXPECT_EQ(table.rows.at(0).fields, (Fields{"O\"Brien", "ab\"\"c\""}));
}

TEST(CsvReader, RowWithMoreFieldsThanHeaderPointsAtFirstExtraField) {
    const CsvError error = parse_error("name,email\nAnn,a@x\n漢字,b@x,extra,more\n");
    expect_error(error, "csv_too_many_fields", 3, 8);
    EXPECT_NE(error.message.find("2 columns"), std::string::npos) << error.message;
}

TEST(CsvReader, TrailingCommaMakesAnExtraField) {
    expect_error(parse_error("a,b\n1,2,\n"), "csv_too_many_fields", 2, 5);
}

TEST(CsvReader, RowWithFewerFieldsIsAccepted) {
    const CsvTable table = parse_ok("a,b,c\n1\n1,2\n");
    ASSERT_EQ(table.rows.size(), 2U);
    EXPECT_EQ(table.rows[0].fields, (Fields{"1"}));
    EXPECT_EQ(table.rows[1].fields, (Fields{"1", "2"}));
}

TEST(CsvReader, DuplicateHeaderNamesIgnoringCaseAndSpaces) {
    const CsvError error = parse_error("\nEmail,full_name,email \nAnn,a,b\n");
    expect_error(error, "csv_duplicate_header", 2, 17);
    EXPECT_NE(error.message.find("\"email \""), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("\"Email\""), std::string::npos) << error.message;
}

TEST(CsvReader, DuplicateHeaderMessageStaysOnOneLine) {
    const CsvError error = parse_error("\"a\nb\",\"A\nB\"\n");
    expect_error(error, "csv_duplicate_header", 2, 4);
    EXPECT_EQ(error.to_string().find('\n'), std::string::npos) << error.to_string();
    EXPECT_NE(error.message.find("\"A\\nB\""), std::string::npos) << error.message;
}

TEST(CsvReader, EmptyHeaderCell) {
    expect_error(parse_error("full_name,,email\n"), "csv_empty_header", 1, 11);
}

TEST(CsvReader, WhitespaceOnlyHeaderCellIsEmpty) {
    expect_error(parse_error("\n漢字,  \t\n"), "csv_empty_header", 2, 4);
}

TEST(CsvReader, EmptyFile) {
    expect_error(parse_error(""), "csv_empty_file", 1, 1);
}

TEST(CsvReader, FileOfOnlyBlankLinesOrABomIsEmpty) {
    expect_error(parse_error("\n  \r\n\t\r\r\n"), "csv_empty_file", 1, 1);
    expect_error(parse_error(kBom), "csv_empty_file", 1, 1);
}

TEST(CsvReader, HeaderOnlyFile) {
    for (const std::string_view text : {"full_name,email\n", "full_name,email"}) {
        const CsvTable table = parse_ok(text);
        EXPECT_EQ(table.header, (Fields{"full_name", "email"}));
        EXPECT_EQ(table.header_line, 1U);
        EXPECT_TRUE(table.rows.empty());
    }
}

TEST(CsvReader, HeaderPositionsCountCodePoints) {
    const CsvTable table = parse_ok("a,\"b\",漢,d\n");
    EXPECT_EQ(table.header_positions, (std::vector<CsvPosition>{{1, 1}, {1, 3}, {1, 7}, {1, 9}}));
}

TEST(CsvErrorToString, GivesFileLineColumnMessageAndCode) {
    const CsvError error{"attendees.csv", 12, 5, "csv_unterminated_quote",
                         "unterminated quoted field (starts here)"};
    EXPECT_EQ(error.to_string(),
              "attendees.csv:12:5: unterminated quoted field (starts here) "
              "[csv_unterminated_quote]");
}

TEST(CsvErrorToString, WholeFileErrorHasNoLineAndControlCharactersAreEscaped) {
    const CsvError error{"odd\nname.csv", 0, 0, "csv_unreadable", "cannot read\tit"};
    EXPECT_EQ(error.to_string(), "odd\\nname.csv: cannot read\\tit [csv_unreadable]");
}

TEST(CsvErrorToString, MatchesARealParseError) {
    EXPECT_EQ(parse_error("name\n\"Ann\n").to_string(),
              "people.csv:2:1: unterminated quoted field (starts here) [csv_unterminated_quote]");
}

TEST(CsvLocateField, FindsFieldsAcrossQuotedLineBreaksAndAfterABom) {
    const std::string_view bytes = "\xEF\xBB\xBFname,note,x\nA,\"multi\nline\",é\nB\n";
    EXPECT_EQ(locate_field(bytes, 2, 0), (CsvPosition{2, 1}));
    EXPECT_EQ(locate_field(bytes, 2, 1), (CsvPosition{2, 3}));
    EXPECT_EQ(locate_field(bytes, 2, 2), (CsvPosition{3, 7}));
    // A field the short row does not have: just after its last field.
    EXPECT_EQ(locate_field(bytes, 4, 1), (CsvPosition{4, 2}));
}

TEST(CsvReader, HundredThousandRowsAllArrive) {
    std::string text = "full_name,email,team\r\n";
    for (int i = 0; i < 100'000; ++i) {
        text +=
            "Person " + std::to_string(i) + ",p" + std::to_string(i) + "@example.org,\"a, b\"\r\n";
    }
    const CsvTable table = parse_ok(text);
    ASSERT_EQ(table.rows.size(), 100'000U);
    EXPECT_EQ(table.rows.back().line, 100'001U);
    EXPECT_EQ(table.rows.back().fields, (Fields{"Person 99999", "p99999@example.org", "a, b"}));
}

TEST(CsvQuoteForMessage, EscapesAndShortens) {
    EXPECT_EQ(quote_for_message("a\"b\nc"), "\"a\\\"b\\nc\"");
    const std::string long_text(45, 'x');
    EXPECT_EQ(quote_for_message(long_text), "\"" + std::string(40, 'x') + "...\"");
    EXPECT_EQ(quote_for_message(std::string(40, 'x')), "\"" + std::string(40, 'x') + "\"");
}

}  // namespace
}  // namespace onstage::importer
