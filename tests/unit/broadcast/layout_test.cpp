// The program rules of the spec: slate with nobody, solo, side by side, grid, a screen share
// shown large, the nine-tile cap (talent first) and forced layouts that hold until auto.
#include "broadcast/layout.hpp"

#include <gtest/gtest.h>

namespace onstage::broadcast {
namespace {

LayoutInput cam(std::string id, std::string role = "guest") {
    return LayoutInput{std::move(id), std::move(role), "camera"};
}
LayoutInput screen(std::string id) {
    return LayoutInput{std::move(id), "talent", "screen"};
}

std::vector<std::string> ids(const LayoutPlan& p) {
    std::vector<std::string> out;
    for (const auto& t : p.tiles) {
        out.push_back(t.id);
    }
    return out;
}

bool inside(const Tile& t, int w, int h) {
    return t.x >= 0 && t.y >= 0 && t.x + t.width <= w && t.y + t.height <= h && t.width > 0 &&
           t.height > 0 && t.width % 2 == 0 && t.height % 2 == 0;
}

bool overlap(const Tile& a, const Tile& b) {
    return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height &&
           b.y < a.y + a.height;
}

void expect_disjoint_and_inside(const LayoutPlan& p, int w = 1280, int h = 720) {
    for (std::size_t i = 0; i < p.tiles.size(); ++i) {
        EXPECT_TRUE(inside(p.tiles[i], w, h)) << p.tiles[i].id;
        for (std::size_t j = i + 1; j < p.tiles.size(); ++j) {
            EXPECT_FALSE(overlap(p.tiles[i], p.tiles[j])) << p.tiles[i].id << p.tiles[j].id;
        }
    }
}

TEST(Layout, NobodyIsTheSlateEvenWhenForced) {
    EXPECT_EQ(plan_layout({}, Layout::automatic, "", 1280, 720).applied, Layout::slate);
    EXPECT_EQ(plan_layout({}, Layout::grid, "", 1280, 720).applied, Layout::slate);
    EXPECT_TRUE(plan_layout({}, Layout::grid, "", 1280, 720).tiles.empty());
    EXPECT_EQ(plan_layout({cam("a")}, Layout::slate, "", 1280, 720).applied, Layout::slate);
}

TEST(Layout, OneInputIsSoloFullFrame) {
    const auto p = plan_layout({cam("a")}, Layout::automatic, "", 1280, 720);
    EXPECT_EQ(p.applied, Layout::solo);
    ASSERT_EQ(p.tiles.size(), 1U);
    EXPECT_EQ(p.tiles[0], (Tile{"a", 0, 0, 1280, 720, true}));
}

TEST(Layout, TwoInputsSideBySideLeftThenRight) {
    const auto p = plan_layout({cam("a"), cam("b")}, Layout::automatic, "", 1280, 720);
    EXPECT_EQ(p.applied, Layout::side_by_side);
    ASSERT_EQ(p.tiles.size(), 2U);
    EXPECT_EQ(p.tiles[0], (Tile{"a", 0, 180, 640, 360, false}));
    EXPECT_EQ(p.tiles[1], (Tile{"b", 640, 180, 640, 360, false}));
}

TEST(Layout, ThreeToNineAreAGrid) {
    for (int n = 3; n <= 9; ++n) {
        std::vector<LayoutInput> in;
        in.reserve(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            in.push_back(cam("c" + std::to_string(i)));
        }
        const auto p = plan_layout(in, Layout::automatic, "", 1280, 720);
        EXPECT_EQ(p.applied, Layout::grid) << n;
        EXPECT_EQ(p.tiles.size(), static_cast<std::size_t>(n));
        expect_disjoint_and_inside(p);
    }
    const auto three =
        plan_layout({cam("a"), cam("b"), cam("c")}, Layout::automatic, "", 1280, 720);
    EXPECT_EQ(three.tiles[0], (Tile{"a", 0, 0, 640, 360, false}));
    EXPECT_EQ(three.tiles[1], (Tile{"b", 640, 0, 640, 360, false}));
    EXPECT_EQ(three.tiles[2], (Tile{"c", 320, 360, 640, 360, false}));  // short row centred
}

TEST(Layout, MoreThanNineShowsNineTalentFirst) {
    std::vector<LayoutInput> in;
    in.reserve(11);
    for (int i = 0; i < 10; ++i) {
        in.push_back(cam("g" + std::to_string(i)));
    }
    in.push_back(cam("t1", "talent"));
    const auto p = plan_layout(in, Layout::automatic, "", 1280, 720);
    EXPECT_EQ(p.applied, Layout::grid);
    EXPECT_EQ(ids(p),
              (std::vector<std::string>{"t1", "g0", "g1", "g2", "g3", "g4", "g5", "g6", "g7"}));
}

TEST(Layout, AScreenShareIsFocusWithTheScreenLarge) {
    const auto p =
        plan_layout({cam("a"), cam("b", "talent"), screen("s")}, Layout::automatic, "", 1280, 720);
    EXPECT_EQ(p.applied, Layout::focus);
    EXPECT_EQ(ids(p), (std::vector<std::string>{"s", "b", "a"}));
    EXPECT_TRUE(p.tiles[0].large);
    EXPECT_GT(p.tiles[0].width, 2 * p.tiles[1].width);
    expect_disjoint_and_inside(p);
}

TEST(Layout, ForcedLayoutsHoldAndFocusPicksNamedThenScreenThenTalentThenFirst) {
    const std::vector<LayoutInput> in{cam("a"), cam("b", "talent"), cam("c")};
    EXPECT_EQ(plan_layout(in, Layout::side_by_side, "", 1280, 720).tiles.size(), 2U);
    EXPECT_EQ(plan_layout(in, Layout::side_by_side, "", 1280, 720).applied, Layout::side_by_side);
    EXPECT_EQ(ids(plan_layout(in, Layout::solo, "", 1280, 720)), (std::vector<std::string>{"b"}));
    EXPECT_EQ(ids(plan_layout(in, Layout::solo, "c", 1280, 720)), (std::vector<std::string>{"c"}));
    EXPECT_EQ(ids(plan_layout(in, Layout::focus, "", 1280, 720)),
              (std::vector<std::string>{"b", "a", "c"}));
    EXPECT_EQ(ids(plan_layout(in, Layout::focus, "gone", 1280, 720))[0], "b");
    EXPECT_EQ(ids(plan_layout({cam("x"), cam("y")}, Layout::focus, "", 1280, 720))[0], "x");
    EXPECT_EQ(plan_layout({cam("x")}, Layout::grid, "", 1280, 720).applied, Layout::solo);
    const auto forced_grid = plan_layout({cam("x"), screen("s")}, Layout::grid, "", 1280, 720);
    EXPECT_EQ(forced_grid.applied, Layout::grid);
    expect_disjoint_and_inside(forced_grid);
}

TEST(Layout, FocusWithEightOthersStaysInsideTheFrame) {
    std::vector<LayoutInput> in{screen("s")};
    for (int i = 0; i < 8; ++i) {
        in.push_back(cam("c" + std::to_string(i)));
    }
    const auto p = plan_layout(in, Layout::automatic, "", 1920, 1080);
    EXPECT_EQ(p.tiles.size(), 9U);
    expect_disjoint_and_inside(p, 1920, 1080);
}

}  // namespace
}  // namespace onstage::broadcast
