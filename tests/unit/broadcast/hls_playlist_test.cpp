// index.m3u8 as the spec wants it: rolling window, TARGETDURATION = ceil(segment), old segments
// deleted a window after they leave, ENDLIST on stop, and a resumed worker continuing the
// MEDIA-SEQUENCE with a DISCONTINUITY (whose sequence advances as it rolls out).
#include "broadcast/hls_playlist.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace onstage::broadcast {
namespace {

TEST(HlsPlaylist, RollingWindowAndDeletion) {
    HlsPlaylist p(1000, 3);
    std::vector<std::string> deleted;
    for (int i = 0; i < 8; ++i) {
        EXPECT_EQ(p.next_sequence(), i);
        for (auto& d : p.add("r-" + std::to_string(i) + ".ts", 1000)) {
            deleted.push_back(d);
        }
    }
    EXPECT_EQ(p.render(),
              "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:5\n"
              "#EXT-X-DISCONTINUITY-SEQUENCE:0\n"
              "#EXTINF:1.000,\nr-5.ts\n#EXTINF:1.000,\nr-6.ts\n#EXTINF:1.000,\nr-7.ts\n");
    // 0..4 left the window; 0 and 1 left it more than a window ago.
    EXPECT_EQ(deleted, (std::vector<std::string>{"r-0.ts", "r-1.ts"}));
    p.finish();
    EXPECT_NE(p.render().find("r-7.ts\n#EXT-X-ENDLIST\n"), std::string::npos);
}

TEST(HlsPlaylist, TargetDurationIsCeilOfTheSegmentAndNeverBelowARoundedExtinf) {
    HlsPlaylist p(1500, 6);
    (void)p.add("a.ts", 1480);
    EXPECT_NE(p.render().find("#EXT-X-TARGETDURATION:2\n"), std::string::npos);
    EXPECT_NE(p.render().find("#EXTINF:1.480,\n"), std::string::npos);
    HlsPlaylist q(1000, 6);
    (void)q.add("b.ts", 2600);
    EXPECT_NE(q.render().find("#EXT-X-TARGETDURATION:3\n"), std::string::npos);
}

TEST(HlsPlaylist, ResumeContinuesTheSequenceWithADiscontinuity) {
    HlsPlaylist first(1000, 3);
    for (int i = 0; i < 5; ++i) {
        (void)first.add("old-" + std::to_string(i) + ".ts", 1000);
    }
    const ParsedPlaylist parsed = parse_playlist(first.render());
    EXPECT_EQ(parsed.media_sequence, 2);
    ASSERT_EQ(parsed.segments.size(), 3U);
    EXPECT_EQ(parsed.segments[2], (HlsSegment{4, "old-4.ts", 1000, false}));

    HlsPlaylist p(1000, 3);
    p.resume_from(parsed);
    EXPECT_EQ(p.next_sequence(), 5);
    (void)p.add("new-5.ts", 1000);
    std::string text = p.render();
    EXPECT_NE(text.find("#EXT-X-MEDIA-SEQUENCE:3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("old-4.ts\n#EXT-X-DISCONTINUITY\n#EXTINF:1.000,\nnew-5.ts\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:0\n"), std::string::npos);
    // Once the discontinuity's segment leaves the window, the sequence counts it.
    for (int i = 6; i < 10; ++i) {
        (void)p.add("new-" + std::to_string(i) + ".ts", 1000);
    }
    text = p.render();
    EXPECT_NE(text.find("#EXT-X-DISCONTINUITY-SEQUENCE:1\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("#EXT-X-DISCONTINUITY\n"), std::string::npos) << text;
    // A second resume parses the counters back.
    const ParsedPlaylist again = parse_playlist(text);
    EXPECT_EQ(again.discontinuity_sequence, 1);
    EXPECT_EQ(again.media_sequence, 7);
}

TEST(HlsPlaylist, ResumeOfAnEndedPlaylistDropsTheEndlist) {
    HlsPlaylist first(1000, 3);
    (void)first.add("a.ts", 1000);
    first.finish();
    HlsPlaylist p(1000, 3);
    p.resume_from(parse_playlist(first.render()));
    (void)p.add("b.ts", 1000);
    EXPECT_EQ(p.render().find("ENDLIST"), std::string::npos);
    EXPECT_NE(p.render().find("#EXT-X-DISCONTINUITY\n#EXTINF:1.000,\nb.ts"), std::string::npos);
}

TEST(HlsPlaylist, AtomicWriteReplacesTheFile) {
    const auto dir = std::filesystem::temp_directory_path() / "onstage-hls-playlist-test";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "index.m3u8").string();
    ASSERT_TRUE(write_file_atomically(path, "one"));
    ASSERT_TRUE(write_file_atomically(path, "two"));
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "two");
    EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
    EXPECT_FALSE(write_file_atomically((dir / "missing" / "x.m3u8").string(), "x"));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace onstage::broadcast
