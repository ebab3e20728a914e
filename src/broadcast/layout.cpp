#include "broadcast/layout.hpp"

#include <algorithm>
#include <cmath>

namespace onstage::broadcast {

namespace {

struct Box {
    int x, y, width, height;
};

// The largest 16:9 rectangle (even sizes) centred in `cell`.
Tile fit(const std::string& id, Box cell, bool large = false) {
    int w = cell.width;
    int h = w * 9 / 16;
    if (h > cell.height) {
        h = cell.height;
        w = h * 16 / 9;
    }
    w -= w % 2;
    h -= h % 2;
    return Tile{id, cell.x + (cell.width - w) / 2, cell.y + (cell.height - h) / 2, w, h, large};
}

// Inputs that may be on the program: at most nine, talent first, then in add order.
std::vector<const LayoutInput*> eligible(const std::vector<LayoutInput>& inputs) {
    std::vector<const LayoutInput*> out;
    out.reserve(inputs.size());
    for (const auto& in : inputs) {
        out.push_back(&in);
    }
    std::stable_partition(out.begin(), out.end(),
                          [](const LayoutInput* in) { return in->role == "talent"; });
    if (out.size() > kMaxTiles) {
        out.resize(kMaxTiles);
    }
    return out;
}

// The focus pick: the named input if present, else the first screen, else the first talent,
// else the first input.
std::size_t focus_index(const std::vector<const LayoutInput*>& shown, std::string_view focus) {
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (!focus.empty() && shown[i]->id == focus) {
            return i;
        }
    }
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (shown[i]->kind == "screen") {
            return i;
        }
    }
    for (std::size_t i = 0; i < shown.size(); ++i) {
        if (shown[i]->role == "talent") {
            return i;
        }
    }
    return 0;
}

// Moves the focus pick to the front; the others keep their order.
std::vector<const LayoutInput*> focus_first(std::vector<const LayoutInput*> shown,
                                            std::string_view focus) {
    const std::size_t f = focus_index(shown, focus);
    std::rotate(shown.begin(), shown.begin() + static_cast<std::ptrdiff_t>(f),
                shown.begin() + static_cast<std::ptrdiff_t>(f) + 1);
    return shown;
}

std::vector<Tile> grid_tiles(const std::vector<const LayoutInput*>& shown, int width, int height) {
    const int n = static_cast<int>(shown.size());
    const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
    const int rows = (n + cols - 1) / cols;
    const int cell_w = width / cols;
    const int cell_h = height / rows;
    std::vector<Tile> tiles;
    for (int i = 0; i < n; ++i) {
        const int row = i / cols;
        const int in_row = std::min(cols, n - row * cols);
        const int offset = (width - in_row * cell_w) / 2;  // centre a short last row
        const Box cell{offset + (i % cols) * cell_w, row * cell_h, cell_w, cell_h};
        tiles.push_back(fit(shown[static_cast<std::size_t>(i)]->id, cell));
    }
    return tiles;
}

// The large tile above, the others in a strip along the bottom quarter.
std::vector<Tile> focus_tiles(const std::vector<const LayoutInput*>& shown, int width, int height) {
    const int others = static_cast<int>(shown.size()) - 1;
    const int slots = std::max(4, others);
    const int strip_w = width / slots;
    const int strip_h = std::min(height / 4, strip_w * 9 / 16);
    std::vector<Tile> tiles{fit(shown[0]->id, Box{0, 0, width, height - strip_h}, true)};
    const int offset = (width - others * strip_w) / 2;
    for (int i = 0; i < others; ++i) {
        const Box cell{offset + i * strip_w, height - strip_h, strip_w, strip_h};
        tiles.push_back(fit(shown[static_cast<std::size_t>(i) + 1]->id, cell));
    }
    return tiles;
}

Layout automatic_layout(const std::vector<const LayoutInput*>& shown) {
    const bool screen = std::any_of(shown.begin(), shown.end(),
                                    [](const LayoutInput* in) { return in->kind == "screen"; });
    if (screen && shown.size() > 1) {
        return Layout::focus;
    }
    if (shown.size() == 1) {
        return Layout::solo;
    }
    return shown.size() == 2 ? Layout::side_by_side : Layout::grid;
}

}  // namespace

LayoutPlan plan_layout(const std::vector<LayoutInput>& inputs, Layout requested,
                       std::string_view focus, int width, int height) {
    auto shown = eligible(inputs);
    if (shown.empty()) {
        return LayoutPlan{Layout::slate, {}};
    }
    Layout applied = requested == Layout::automatic ? automatic_layout(shown) : requested;
    if (applied == Layout::slate) {
        return LayoutPlan{Layout::slate, {}};
    }
    if (shown.size() == 1 || applied == Layout::solo) {
        applied = Layout::solo;
    } else if (applied == Layout::side_by_side && shown.size() > 2) {
        shown = focus_first(shown, focus);
        shown.resize(2);
    }
    switch (applied) {
    case Layout::solo: {
        const auto picked = focus_first(shown, focus);
        return LayoutPlan{applied, {fit(picked[0]->id, Box{0, 0, width, height}, true)}};
    }
    case Layout::focus:
        return LayoutPlan{applied, focus_tiles(focus_first(shown, focus), width, height)};
    case Layout::side_by_side:
    case Layout::grid:
    default:
        return LayoutPlan{applied, grid_tiles(shown, width, height)};
    }
}

}  // namespace onstage::broadcast
