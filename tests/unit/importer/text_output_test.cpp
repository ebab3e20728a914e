#include "importer/text_output.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "importer/links.hpp"
#include "support/process.hpp"

namespace onstage::importer {
namespace {

namespace fs = std::filesystem;
using onstage::testing::list_dir;
using onstage::testing::read_file;
using onstage::testing::TempDir;

TEST(JsonString, EscapesWhatJsonRequiresAndRoundTrips) {
    const std::string tricky = "Zoë \"Z\" O'Brien\\\n\t\r\x01 漢字 🎤";
    std::string out;
    append_json_string(out, tricky);
    EXPECT_EQ(nlohmann::json::parse(out).get<std::string>(), tricky);
    EXPECT_NE(out.find("\\u0001"), std::string::npos);
}

TEST(CsvField, QuotesOnlyWhenNeeded) {
    auto field = [](std::string_view v) {
        std::string out;
        append_csv_field(out, v);
        return out;
    };
    EXPECT_EQ(field("Ada"), "Ada");
    EXPECT_EQ(field("Hopper, Grace"), "\"Hopper, Grace\"");
    EXPECT_EQ(field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(field("two\nlines"), "\"two\nlines\"");
    EXPECT_EQ(field(" padded"), "\" padded\"");
    EXPECT_EQ(field(""), "");
}

TEST(StagedFiles, NothingAppearsUntilCommit) {
    TempDir tmp;
    const fs::path dir = tmp / "out";
    StagedFiles staged(dir);
    staged.stage("a.json", "[]\n");
    staged.stage("b.csv", "x\r\n");
    for (const auto& name : list_dir(dir)) {
        EXPECT_EQ(name.front(), '.') << "only hidden temporary files before commit: " << name;
    }
    staged.commit();
    EXPECT_EQ(list_dir(dir), (std::vector<std::string>{"a.json", "b.csv"}));
    EXPECT_EQ(read_file(dir / "a.json"), "[]\n");
}

TEST(StagedFiles, AbandonedStagingLeavesNoTrace) {
    TempDir tmp;
    const fs::path dir = tmp / "new-dir";
    {
        StagedFiles staged(dir);
        staged.stage("a.json", "[]\n");
    }
    EXPECT_FALSE(fs::exists(dir)) << "the directory it created is removed again";

    fs::create_directories(tmp / "existing");
    testing::write_file(tmp / "existing" / "keep.txt", "mine");
    {
        StagedFiles staged(tmp / "existing");
        staged.stage("a.json", "[]\n");
    }
    EXPECT_EQ(list_dir(tmp / "existing"), (std::vector<std::string>{"keep.txt"}));
}

TEST(StagedFiles, UnwritableDirectoryIsAnErrorNamingThePath) {
    TempDir tmp;
    testing::write_file(tmp / "file", "not a directory");
    StagedFiles staged(tmp / "file" / "sub");
    try {
        staged.stage("a.json", "[]");
        FAIL() << "staging under a regular file must fail";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("file/sub"), std::string::npos) << e.what();
    }
}

TEST(Links, BaseUrlMustBeAbsoluteHttpWithoutQuery) {
    EXPECT_EQ(normalize_base_url("https://events.example.org/"), "https://events.example.org");
    EXPECT_EQ(normalize_base_url("http://10.0.0.5:8080/onstage//"), "http://10.0.0.5:8080/onstage");
    EXPECT_FALSE(normalize_base_url("events.example.org"));
    EXPECT_FALSE(normalize_base_url("ftp://events.example.org"));
    EXPECT_FALSE(normalize_base_url("https://"));
    EXPECT_FALSE(normalize_base_url("https://e.example.org/?x=1"));
    EXPECT_FALSE(normalize_base_url("https://e.example.org/#top"));
    EXPECT_FALSE(normalize_base_url("https://e.example.org/a b"));
}

TEST(Links, SchemePerRole) {
    const std::string base = "https://e.example.org";
    EXPECT_EQ(access_url(base, domain::Role::talent, "ev-1", "p-1"),
              "https://e.example.org/talent?e=ev-1&p=p-1");
    EXPECT_EQ(viewer_url(base, "ev-1"), "https://e.example.org/watch?e=ev-1");
    EXPECT_EQ(hls_url(base, "ev-1"), "https://e.example.org/hls/ev-1/index.m3u8");
}

}  // namespace
}  // namespace onstage::importer
