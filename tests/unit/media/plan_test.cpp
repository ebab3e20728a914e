#include "media/plan.hpp"

#include <gtest/gtest.h>

namespace onstage::media {
namespace {

using domain::Role;
using domain::StageState;

MediaRole attendee(StageState state, std::string moderator = {}) {
    MediaRole r;
    r.role = Role::attendee;
    r.state = state;
    r.moderator_id = std::move(moderator);
    r.online = true;
    return r;
}

MediaRole moderator(std::string interviewee = {}, bool on_air = false) {
    MediaRole r;
    r.role = Role::moderator;
    r.interviewee = std::move(interviewee);
    r.on_air = on_air;
    r.online = true;
    return r;
}

MediaRole talent() {
    MediaRole r;
    r.role = Role::talent;
    r.online = true;
    return r;
}

const RoomRef kStage{RoomKind::stage, {}};
const RoomRef kHolding{RoomKind::holding, {}};

TEST(MediaPlan, EachAttendeeStatePublishesIntoItsOneRoom) {
    EXPECT_TRUE(rights_of("a", attendee(StageState::watching)).publish.empty());
    EXPECT_TRUE(rights_of("a", attendee(StageState::hand_raised)).publish.empty());
    EXPECT_TRUE(rights_of("a", attendee(StageState::invited, "m")).publish.empty());
    EXPECT_EQ(rights_of("a", attendee(StageState::interviewing, "m")).publish,
              (std::vector<RoomRef>{{RoomKind::interview, "m"}}));
    EXPECT_EQ(rights_of("a", attendee(StageState::holding)).publish, std::vector{kHolding});
    EXPECT_EQ(rights_of("a", attendee(StageState::live)).publish, std::vector{kStage});
    EXPECT_FALSE(rights_of("a", attendee(StageState::live)).screen);
    EXPECT_TRUE(rights_of("a", attendee(StageState::kicked)).publish.empty());
}

TEST(MediaPlan, AnOfflineParticipantPublishesNothing) {
    MediaRole t = talent();
    t.online = false;
    EXPECT_TRUE(rights_of("t", t).publish.empty());
}

TEST(MediaPlan, ModeratorsPublishIntoTheirInterviewAndTheStageWhenOnAir) {
    EXPECT_TRUE(rights_of("m", moderator()).publish.empty());
    EXPECT_EQ(rights_of("m", moderator("a")).publish,
              (std::vector<RoomRef>{{RoomKind::interview, "m"}}));
    const Rights both = rights_of("m", moderator("a", true));
    EXPECT_EQ(both.publish, (std::vector<RoomRef>{{RoomKind::interview, "m"}, kStage}));
    EXPECT_TRUE(both.screen);
    EXPECT_TRUE(may_publish("m", moderator({}, true), kStage, Source::screen));
    EXPECT_FALSE(
        may_publish("m", moderator("a"), RoomRef{RoomKind::interview, "m"}, Source::screen));
}

TEST(MediaPlan, TalentPublishesCameraAndScreenIntoTheStageOnly) {
    EXPECT_TRUE(may_publish("t", talent(), kStage, Source::camera));
    EXPECT_TRUE(may_publish("t", talent(), kStage, Source::screen));
    EXPECT_FALSE(may_publish("t", talent(), kHolding, Source::camera));
}

TEST(MediaPlan, AnAttendeeCannotPublishIntoAnotherRoomOrAnotherModeratorsInterview) {
    EXPECT_FALSE(may_publish("a", attendee(StageState::holding), kStage, Source::camera));
    EXPECT_FALSE(may_publish("a", attendee(StageState::interviewing, "m1"),
                             RoomRef{RoomKind::interview, "m2"}, Source::camera));
    EXPECT_FALSE(may_publish("a", attendee(StageState::live), kStage, Source::screen));
}

TEST(MediaPlan, OnlyThePairSeesAnInterview) {
    const RoomRef m1_room{RoomKind::interview, "m1"};
    EXPECT_TRUE(may_see("m1", moderator("a"), "a", m1_room));
    EXPECT_TRUE(may_see("a", attendee(StageState::interviewing, "m1"), "m1", m1_room));
    EXPECT_FALSE(may_see("m2", moderator("b"), "a", m1_room));
    EXPECT_FALSE(may_see("b", attendee(StageState::interviewing, "m2"), "m1", m1_room));
    EXPECT_FALSE(may_see("t", talent(), "a", m1_room));
    EXPECT_FALSE(may_see("a", attendee(StageState::interviewing, "m1"), "a", m1_room));
}

TEST(MediaPlan, HoldingPreviewsAreForModeratorsAndTheStageForEveryoneOnIt) {
    EXPECT_TRUE(may_see("m", moderator(), "a", kHolding));
    EXPECT_FALSE(may_see("t", talent(), "a", kHolding));
    EXPECT_FALSE(may_see("b", attendee(StageState::holding), "a", kHolding));
    EXPECT_TRUE(may_see("b", attendee(StageState::holding), "t", kStage));
    EXPECT_TRUE(may_see("b", attendee(StageState::live), "t", kStage));
    EXPECT_TRUE(may_see("t", talent(), "b", kStage));
    EXPECT_TRUE(may_see("m", moderator(), "b", kStage));
    EXPECT_FALSE(may_see("w", attendee(StageState::watching), "t", kStage));
    EXPECT_FALSE(may_see("w", attendee(StageState::hand_raised), "t", kStage));
    EXPECT_FALSE(may_see("t", talent(), "t", kStage));
}

TEST(MediaPlan, NamesRoundTrip) {
    for (const RoomKind k : {RoomKind::interview, RoomKind::holding, RoomKind::stage}) {
        EXPECT_EQ(room_kind_from_string(to_string(k)), k);
    }
    EXPECT_EQ(source_from_string("screen"), Source::screen);
    EXPECT_FALSE(room_kind_from_string("Stage").has_value());
    EXPECT_FALSE(source_from_string("").has_value());
}

}  // namespace
}  // namespace onstage::media
