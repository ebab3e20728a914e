#include "domain/attendee_state.hpp"

#include <array>

namespace onstage::domain {
namespace {

constexpr std::array<std::pair<StageState, std::string_view>, 8> kNames{{
    {StageState::watching, "watching"},
    {StageState::hand_raised, "hand_raised"},
    {StageState::queued, "queued"},
    {StageState::invited, "invited"},
    {StageState::interviewing, "interviewing"},
    {StageState::holding, "holding"},
    {StageState::live, "live"},
    {StageState::kicked, "kicked"},
}};

}  // namespace

std::string_view to_string(StageState state) {
    for (const auto& [value, name] : kNames) {
        if (value == state) {
            return name;
        }
    }
    return "watching";
}

std::optional<StageState> stage_state_from_string(std::string_view name) {
    for (const auto& [value, candidate] : kNames) {
        if (candidate == name) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace onstage::domain
