// Program layout math for the compositor worker: which inputs are on the program and where each
// tile goes, as a pure function of the inputs (in add order), the requested layout and the
// output size. No GStreamer here, so the rules in the spec are unit-tested in isolation.
#pragma once

#include "broadcast/control.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onstage::broadcast {

struct LayoutInput {
    std::string id;
    std::string role;             // talent | guest | moderator
    std::string kind = "camera";  // camera | screen
};

struct Tile {
    std::string id;
    int x = 0, y = 0, width = 0, height = 0;
    bool large = false;  // the focus tile
    bool operator==(const Tile&) const = default;
};

struct LayoutPlan {
    Layout applied = Layout::slate;
    std::vector<Tile> tiles;  // program order: the large tile first, then the rest
};

inline constexpr std::size_t kMaxTiles = 9;

// `requested` is what the last layout command asked for (automatic unless forced); `focus` is
// the forced focus input id or "". Forced layouts degrade when there are too few inputs (e.g.
// side_by_side with one input is solo); zero inputs are always the slate.
LayoutPlan plan_layout(const std::vector<LayoutInput>& inputs, Layout requested,
                       std::string_view focus, int width, int height);

}  // namespace onstage::broadcast
