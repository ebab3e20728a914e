// The HLS cookie secret: created once per data dir (private, 64 hex characters), then kept; or
// read from the configured file, refused with a clear code when unusable.
#include "app/hls_secret.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <regex>

#include "support/process.hpp"

namespace onstage::app {
namespace {

using testing::TempDir;
using testing::write_file;

TEST(HlsSecret, CreatedOnceWithMode0600AndKept) {
    TempDir tmp;
    const auto first = load_or_create_hls_secret(tmp.path(), {});
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_TRUE(std::regex_match(*first, std::regex("[0-9a-f]{64}"))) << *first;
    struct stat st {};
    ASSERT_EQ(::stat((tmp / "hls.secret").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);
    EXPECT_EQ(testing::list_dir(tmp.path()), std::vector<std::string>{"hls.secret"})
        << "no temporary file left behind";

    const auto again = load_or_create_hls_secret(tmp.path(), {});
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *first) << "the next serve keeps the secret: issued cookies stay valid";

    TempDir other;
    const auto elsewhere = load_or_create_hls_secret(other.path(), {});
    ASSERT_TRUE(elsewhere);
    EXPECT_NE(*elsewhere, *first);
}

TEST(HlsSecret, ConfiguredFileIsReadWithoutItsNewlineAndNeverCreated) {
    TempDir tmp;
    const std::string secret(40, 'k');
    write_file(tmp / "mine", secret + "\n");
    const auto read = load_or_create_hls_secret(tmp / "data", tmp / "mine");
    ASSERT_TRUE(read) << read.error().message;
    EXPECT_EQ(*read, secret);

    const auto missing = load_or_create_hls_secret(tmp / "data", tmp / "absent");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, "hls_secret_unreadable");
    EXPECT_NE(missing.error().message.find("absent"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(tmp / "absent"));
}

TEST(HlsSecret, ShortOrUnquotableSecretsAreRefused) {
    TempDir tmp;
    for (const std::string& bad : std::vector<std::string>{
             std::string(31, 'a'), std::string(257, 'a'), std::string(40, 'a') + " b",
             std::string(40, 'a') + "\"", std::string(40, 'a') + ";"}) {
        write_file(tmp / "bad", bad);
        const auto r = load_or_create_hls_secret(tmp.path(), tmp / "bad");
        ASSERT_FALSE(r) << bad;
        EXPECT_EQ(r.error().code, "hls_secret_invalid");
    }
    write_file(tmp / "hls.secret", "short\n");
    const auto r = load_or_create_hls_secret(tmp.path(), {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "hls_secret_invalid") << "a damaged secret is not replaced silently";
}

TEST(HlsSecret, UncreatableSecretFailsWithItsCode) {
    TempDir tmp;
    const auto r = load_or_create_hls_secret(tmp / "no" / "such" / "dir", {});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "hls_secret_unreadable");
}

}  // namespace
}  // namespace onstage::app
