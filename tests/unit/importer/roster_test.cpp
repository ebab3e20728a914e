#include "importer/roster.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "domain/limits.hpp"
#include "importer/import_limits.hpp"
#include "support/process.hpp"

namespace onstage::importer {
namespace {

namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

Roster roster_ok(std::string_view text) {
    auto result = read_roster(text, "attendees.csv");
    if (!result) {
        ADD_FAILURE() << "unexpected error: " << result.error().to_string();
        return {};
    }
    return std::move(result).value();
}

CsvError roster_error(std::string_view text) {
    auto result = read_roster(text, "attendees.csv");
    if (result) {
        ADD_FAILURE() << "read without error";
        return {};
    }
    return result.error();
}

void expect_error(const CsvError& error, std::string_view code, std::size_t line,
                  std::size_t column) {
    EXPECT_EQ(error.code, code) << error.to_string();
    EXPECT_EQ(error.line, line) << error.to_string();
    EXPECT_EQ(error.column, column) << error.to_string();
}

Strings names_of(const Roster& roster) {
    Strings names;
    for (const RosterEntry& entry : roster.entries) {
        names.push_back(entry.full_name);
    }
    return names;
}

TEST(Roster, NonAsciiNamesRoundTrip) {
    const Roster roster =
        roster_ok("full_name,email\nJosé Núñez,j@x.org\n漢字 太郎,k@x.org\n😀 Smile,\n");
    EXPECT_EQ(names_of(roster), (Strings{"José Núñez", "漢字 太郎", "😀 Smile"}));
    EXPECT_EQ(roster.file, "attendees.csv");
    EXPECT_EQ(roster.entries.at(2).line, 4U);
}

TEST(Roster, HeaderMatchedCaseInsensitivelyWithSpaces) {
    const Roster roster = roster_ok(" Full_Name ,EMAIL\nAnn,a@x.org\n");
    ASSERT_EQ(roster.entries.size(), 1U);
    EXPECT_EQ(roster.entries[0].full_name, "Ann");
    EXPECT_EQ(roster.entries[0].email, "a@x.org");
    EXPECT_TRUE(roster.extra_columns.empty());
    EXPECT_TRUE(roster.entries[0].extra.empty());
}

TEST(Roster, EmailUnderstoodAndTrimmed) {
    const Roster roster = roster_ok("email,full_name\n  a@x.org \t,Ann\n,Ben\n");
    ASSERT_EQ(roster.entries.size(), 2U);
    EXPECT_EQ(roster.entries[0].email, "a@x.org");
    EXPECT_EQ(roster.entries[1].email, "");
    EXPECT_EQ(roster_ok("full_name\nAnn\n").entries.at(0).email, "");
}

TEST(Roster, ExtraColumnsPassedThroughInOrder) {
    const Roster roster =
        roster_ok("Company, full_name ,Team Name,email, Notes \nACME, Ann , Blue ,a@x,  hi  \n");
    EXPECT_EQ(roster.extra_columns, (Strings{"Company", "Team Name", "Notes"}));
    EXPECT_EQ(roster.extra_column_numbers, (std::vector<std::size_t>{1, 21, 37}));
    EXPECT_EQ(roster.header_line, 1U);
    ASSERT_EQ(roster.entries.size(), 1U);
    EXPECT_EQ(roster.entries[0].full_name, "Ann");
    EXPECT_EQ(roster.entries[0].email, "a@x");
    EXPECT_EQ(roster.entries[0].extra, (Strings{"ACME", " Blue ", "  hi  "}));
}

TEST(Roster, ShortRowGetsEmptyValues) {
    const Roster roster = roster_ok("full_name,email,team,room\nAnn\nBen,b@x,red\n");
    ASSERT_EQ(roster.entries.size(), 2U);
    EXPECT_EQ(roster.entries[0].email, "");
    EXPECT_EQ(roster.entries[0].extra, (Strings{"", ""}));
    EXPECT_EQ(roster.entries[1].extra, (Strings{"red", ""}));
}

TEST(Roster, BlankLinesSkippedAtStartMiddleAndEnd) {
    const Roster roster = roster_ok("\n\r\nfull_name\n\nAnn\n  \n\nBen\n\n");
    EXPECT_EQ(roster.header_line, 3U);
    EXPECT_EQ(names_of(roster), (Strings{"Ann", "Ben"}));
    EXPECT_EQ(roster.entries.at(0).line, 5U);
    EXPECT_EQ(roster.entries.at(1).line, 8U);
}

TEST(Roster, RowOfEmptyCellsIsSkipped) {
    const Roster roster = roster_ok("full_name,email\nAnn,a\n,\n \t, \nBen,b\n");
    EXPECT_EQ(names_of(roster), (Strings{"Ann", "Ben"}));
    EXPECT_EQ(roster.entries.at(1).line, 5U);
}

TEST(Roster, MissingFullNameColumnListsTheColumnsFound) {
    const CsvError error = roster_error("\n\nName, E-mail \nAnn,a@x\n");
    expect_error(error, "csv_missing_full_name", 3, 1);
    EXPECT_NE(error.message.find("\"Name\", \"E-mail\""), std::string::npos) << error.message;
    EXPECT_NE(error.message.find("full_name"), std::string::npos) << error.message;
}

TEST(Roster, EmptyNamePointsAtTheNameField) {
    const CsvError error = roster_error("email,full_name\nann@x.org,Ann\né@x.org,\n");
    // é @ x . o r g , -> the empty name field starts at the ninth character.
    expect_error(error, "csv_empty_name", 3, 9);
}

TEST(Roster, EmptyNameInShortRowPointsPastItsLastField) {
    expect_error(roster_error("email,full_name\na@x\n"), "csv_empty_name", 2, 4);
}

TEST(Roster, WhitespaceOnlyNameIsEmpty) {
    expect_error(roster_error("full_name,email\n   ,a@x\n"), "csv_empty_name", 2, 1);
    expect_error(roster_error("email,full_name\nb@x, \t \n"), "csv_empty_name", 2, 5);
}

TEST(Roster, NamesAreTrimmed) {
    const Roster roster = roster_ok("full_name\n  Ann Berg \t\n\" Bo \"\n\"\nCy\r\n\"\n");
    EXPECT_EQ(names_of(roster), (Strings{"Ann Berg", "Bo", "Cy"}));
}

TEST(Roster, NameAtTheByteLimitIsAcceptedOneMoreIsNot) {
    std::string at_limit;
    while (at_limit.size() < domain::limits::kMaxNameBytes) {
        at_limit += "é";  // two bytes each
    }
    ASSERT_EQ(at_limit.size(), domain::limits::kMaxNameBytes);
    EXPECT_EQ(names_of(roster_ok("full_name\n" + at_limit + "\n")), (Strings{at_limit}));

    const CsvError error = roster_error("email,full_name\nx@y,\"" + at_limit + "a\"\n");
    expect_error(error, "csv_name_too_long", 2, 5);
    EXPECT_NE(error.message.find("201"), std::string::npos) << error.message;
}

TEST(Roster, ControlCharacterInNameIsRejected) {
    const CsvError newline = roster_error("full_name\nAnn\n\"Ann\nBerg\"\n");
    expect_error(newline, "csv_bad_name", 3, 1);
    EXPECT_NE(newline.message.find("U+000A"), std::string::npos) << newline.message;
    expect_error(roster_error("id,full_name\n7,Ann\tBerg\n"), "csv_bad_name", 2, 3);
    expect_error(roster_error("full_name\nAnn\x7F\n"), "csv_bad_name", 2, 1);
}

TEST(Roster, HeaderOnlyFileIsAnEmptyRoster) {
    const Roster roster = roster_ok("full_name,email,team\r\n");
    EXPECT_TRUE(roster.entries.empty());
    EXPECT_EQ(roster.extra_columns, (Strings{"team"}));
}

TEST(Roster, DuplicateNamesAreDistinctPeople) {
    const Roster roster = roster_ok("full_name,email\nAnn Lee,a@x\nAnn Lee,b@x\n");
    ASSERT_EQ(roster.entries.size(), 2U);
    EXPECT_EQ(roster.entries[0].email, "a@x");
    EXPECT_EQ(roster.entries[1].email, "b@x");
}

TEST(Roster, DuplicateFullNameColumnIsADuplicateHeader) {
    expect_error(roster_error("full_name, Full_Name\n"), "csv_duplicate_header", 1, 11);
}

TEST(Roster, CsvErrorsNameTheRosterFile) {
    const auto result = read_roster("full_name\n\"Ann", "moderators.csv");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().to_string(),
              "moderators.csv:2:1: unterminated quoted field (starts here) "
              "[csv_unterminated_quote]");
}

TEST(RosterFile, ExcelExportWithBomAndCrlfIsRead) {
    const onstage::testing::TempDir dir;
    const fs::path path = dir / "talent.csv";
    const std::string bom = "\xEF\xBB\xBF";
    onstage::testing::write_file(path, bom + "Full_Name,Email\r\nZoë,z@x.org\r\n");
    const auto roster = load_roster_file(path);
    ASSERT_TRUE(roster) << roster.error().to_string();
    EXPECT_EQ(roster->file, path.string());
    ASSERT_EQ(roster->entries.size(), 1U);
    EXPECT_EQ(roster->entries[0].full_name, "Zoë");
    EXPECT_EQ(roster->entries[0].email, "z@x.org");
}

TEST(RosterFile, ErrorsInTheFileNameThePathAsGiven) {
    const onstage::testing::TempDir dir;
    const fs::path path = dir / "attendees.csv";
    onstage::testing::write_file(path, "full_name\nJos\xE9\n");
    const auto roster = load_roster_file(path);
    ASSERT_FALSE(roster);
    EXPECT_EQ(roster.error().file, path.string());
    expect_error(roster.error(), "csv_invalid_utf8", 2, 4);
}

TEST(RosterFile, MissingPathIsUnreadable) {
    const onstage::testing::TempDir dir;
    const fs::path path = dir / "nope.csv";
    const auto roster = load_roster_file(path);
    ASSERT_FALSE(roster);
    expect_error(roster.error(), "csv_unreadable", 0, 0);
    EXPECT_EQ(roster.error().file, path.string());
    EXPECT_EQ(roster.error().to_string(),
              path.string() + ": cannot read the file: No such file or directory [csv_unreadable]");
}

TEST(RosterFile, DirectoryIsUnreadable) {
    const onstage::testing::TempDir dir;
    const auto roster = load_roster_file(dir.path());
    ASSERT_FALSE(roster);
    expect_error(roster.error(), "csv_unreadable", 0, 0);
    EXPECT_NE(roster.error().message.find("Is a directory"), std::string::npos)
        << roster.error().message;
}

TEST(RosterFile, FileOverTheSizeLimitIsRefusedWithoutReadingIt) {
    const onstage::testing::TempDir dir;
    const fs::path path = dir / "huge.csv";
    onstage::testing::write_file(path, "full_name\n");
    fs::resize_file(path, import_limits::kMaxCsvBytes + 1);  // sparse: costs no disk
    const auto roster = load_roster_file(path);
    ASSERT_FALSE(roster);
    expect_error(roster.error(), "csv_file_too_large", 0, 0);
}

TEST(RosterFile, EmptyFileIsReported) {
    const onstage::testing::TempDir dir;
    const fs::path path = dir / "empty.csv";
    onstage::testing::write_file(path, "");
    const auto roster = load_roster_file(path);
    ASSERT_FALSE(roster);
    expect_error(roster.error(), "csv_empty_file", 1, 1);
}

}  // namespace
}  // namespace onstage::importer
