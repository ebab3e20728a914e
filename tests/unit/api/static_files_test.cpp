#include "api/static_files.hpp"

#include <gtest/gtest.h>

#include "support/process.hpp"

namespace onstage::api {
namespace {

using onstage::testing::TempDir;
using onstage::testing::write_file;

TEST(StaticFiles, ServesAppPagesAtTheirRoutesAndAssetsAsImmutable) {
    TempDir dist;
    std::filesystem::create_directories(dist / "assets");
    write_file(dist / "attendee.html", "<!doctype html><title>a</title>");
    write_file(dist / "assets" / "attendee-3f9a1c.js", "console.log(1)");
    write_file(dist / "assets" / "style-77aa.css", "body{}");
    const StaticFiles files(dist.path());

    const StaticFile* page = files.find("/attendee");
    ASSERT_NE(page, nullptr);
    EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
    EXPECT_FALSE(page->immutable) << "pages must be revalidated so releases show at once";
    ASSERT_NE(files.find("/attendee.html"), nullptr);

    const StaticFile* js = files.find("/assets/attendee-3f9a1c.js");
    ASSERT_NE(js, nullptr);
    EXPECT_EQ(js->body, "console.log(1)");
    EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
    EXPECT_TRUE(js->immutable);
    EXPECT_EQ(files.find("/assets/style-77aa.css")->content_type, "text/css; charset=utf-8");
}

TEST(StaticFiles, RefusesTraversalAndUnknownPaths) {
    TempDir dist;
    write_file(dist / "talent.html", "x");
    const StaticFiles files(dist.path());
    EXPECT_EQ(files.find("/../talent.html"), nullptr);
    EXPECT_EQ(files.find("/assets/../../etc/passwd"), nullptr);
    EXPECT_EQ(files.find("/nope"), nullptr);
    EXPECT_EQ(files.find(""), nullptr);
}

TEST(StaticFiles, AMissingBuildLeavesItEmpty) {
    const StaticFiles files("/nonexistent/onstage/web/dist");
    EXPECT_TRUE(files.empty());
    EXPECT_EQ(StaticFiles::content_type_for("x.unknown"), "application/octet-stream");
}

}  // namespace
}  // namespace onstage::api
