#include "media/event_media.hpp"

#include <utility>

#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace onstage::media {
namespace {

// Room and feed numbers are unique in this process, so two events (or a reset) never reuse a
// number the SFU might still know. They start from the clock so a restarted onstage talking
// to a Janus that survived it does not collide with its old rooms either.
std::uint64_t next_number() {
    static std::atomic<std::uint64_t> counter{
        static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                       std::chrono::system_clock::now().time_since_epoch())
                                       .count()) *
        1000};
    return counter.fetch_add(1);
}

std::string room_key(const RoomRef& room) {
    std::string key(to_string(room.kind));
    if (room.kind == RoomKind::interview) {
        key += ':';
        key += room.owner;
    }
    return key;
}

std::string pub_target(RoomKind room, Source source) {
    return "pub:" + std::string(to_string(room)) + ":" + std::string(to_string(source));
}

std::optional<FeedId> parse_feed(std::string_view text) {
    if (text.empty() || text.size() > 20) {
        return std::nullopt;
    }
    FeedId value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        const auto digit = static_cast<FeedId>(c - '0');
        if (value > (UINT64_MAX - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    return value;
}

MediaError not_allowed(RoomKind room, Source source) {
    return MediaError{"media_not_allowed", "You may not publish your " +
                                               std::string(to_string(source)) + " into the " +
                                               std::string(to_string(room)) + " now."};
}

MediaError not_visible() {
    return MediaError{"feed_not_visible", "That feed is not one you may see now."};
}

MediaError unknown_subscription() {
    return MediaError{"unknown_subscription", "There is no such subscription on this tab."};
}

}  // namespace

EventMedia::EventMedia(Sfu* sfu, std::string event_id, RoleOf role_of, NameOf name_of)
    : sfu_(sfu),
      event_id_(std::move(event_id)),
      role_of_(std::move(role_of)),
      name_of_(std::move(name_of)) {}

MediaError EventMedia::unavailable() {
    return MediaError{"media_unavailable",
                      "Audio and video are not available right now; the app retries by itself."};
}

MediaError EventMedia::failed(const SfuError& e) {
    if (e.code == "sfu_unavailable" || e.code == "sfu_timeout") {
        return unavailable();
    }
    return MediaError{"media_failed", "The media server refused: " + e.message};
}

RoomId EventMedia::room_id(const RoomRef& room) {
    const std::string key = room_key(room);
    auto it = room_ids_.find(key);
    if (it == room_ids_.end()) {
        it = room_ids_.emplace(key, next_number()).first;
    }
    return it->second;
}

asio::awaitable<MediaResult<Ok>> EventMedia::ensure_room(const RoomRef& room) {
    const RoomId id = room_id(room);
    if (created_.contains(id)) {
        co_return Ok{};
    }
    RoomSpec spec;
    spec.id = id;
    spec.description = event_id_ + " " + room_key(room);
    spec.max_publishers = room.kind == RoomKind::interview ? 2 : 24;
    const std::uint64_t epoch = epoch_;
    auto made = co_await sfu_->create_room(std::move(spec));
    if (!made) {
        co_return fail(failed(made.error()));
    }
    if (closed_) {
        // The event ended while the SFU created the room: close() could not know about it.
        static_cast<void>(co_await sfu_->destroy_room(id));
        co_return fail(unavailable());
    }
    if (epoch == epoch_) {
        created_[id] = true;
    }
    co_return Ok{};
}

EventMedia::Publication* EventMedia::find_publication(TabKey tab, const std::string& participant_id,
                                                      RoomKind room, Source source) {
    for (auto& [feed, pub] : publications_) {
        if (pub.participant_id == participant_id && pub.room.kind == room && pub.source == source &&
            (tab == nullptr || pub.tab == tab)) {
            return &pub;
        }
    }
    return nullptr;
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::publish(TabKey tab, std::string participant_id,
                                                           RoomKind kind, Source source,
                                                           std::string sdp) {
    const MediaRole role = role_of_(participant_id);
    const Rights rights = rights_of(participant_id, role);
    RoomRef room{kind, {}};
    for (const RoomRef& allowed : rights.publish) {
        if (allowed.kind == kind) {
            room = allowed;
        }
    }
    if (!may_publish(participant_id, role, room, source)) {
        co_return fail(not_allowed(kind, source));
    }
    if (sfu_ == nullptr || closed_) {
        co_return fail(unavailable());
    }
    if (Publication* existing = find_publication(nullptr, participant_id, kind, source)) {
        if (existing->tab != tab) {
            co_return fail(MediaError{"already_publishing",
                                      "Another tab of yours is already sending this; close it "
                                      "or use that tab."});
        }
        // The same tab publishing again (a new PeerConnection): the old one ends first.
        co_await end_publication(existing->feed, false);
    }
    const std::uint64_t epoch = epoch_;
    auto room_ok = co_await ensure_room(room);
    if (!room_ok) {
        co_return fail(room_ok.error());
    }
    const FeedId feed = next_number();
    Publication pending;
    pending.tab = tab;
    pending.participant_id = participant_id;
    pending.room = room;
    pending.source = source;
    pending.feed = feed;
    publications_.emplace(feed, std::move(pending));
    const std::string display = name_of_(participant_id);
    auto published = co_await sfu_->publish(room_id(room), feed, display, std::move(sdp));
    auto it = publications_.find(feed);
    if (!published) {
        if (it != publications_.end()) {
            publications_.erase(it);
        }
        co_return fail(failed(published.error()));
    }
    // The world may have moved while the SFU worked: a reset, the tab closing, or a state
    // change that took the right away. Then the new handle goes again.
    const bool still_allowed = may_publish(participant_id, role_of_(participant_id), room, source);
    if (epoch != epoch_ || it == publications_.end() || !still_allowed) {
        if (it != publications_.end()) {
            publications_.erase(it);
        }
        const HandleId handle = published->handle;
        static_cast<void>(co_await sfu_->hangup(handle));
        co_return fail(epoch != epoch_ ? unavailable() : not_allowed(kind, source));
    }
    Publication& pub = it->second;
    pub.handle = published->handle;
    pub.streams = published->streams;
    // Candidates the tab trickled while the SFU was busy go now. The map may change during
    // each co_await, so nothing below holds a reference into it.
    const HandleId handle = pub.handle;
    std::vector<Candidate> early = std::move(pub.early_candidates);
    const bool completed = pub.early_completed;
    pub.early_candidates.clear();
    for (auto& candidate : early) {
        static_cast<void>(co_await sfu_->trickle(handle, std::move(candidate)));
    }
    if (completed) {
        static_cast<void>(co_await sfu_->trickle(handle, std::nullopt));
    }
    if (const auto again = publications_.find(feed); again != publications_.end()) {
        const Publication copy = again->second;
        co_await apply_flags(copy);
    }
    MediaAck ack;
    ack.sdp = std::move(published->sdp_answer);
    ack.feed = std::to_string(feed);
    co_return ack;
}

asio::awaitable<void> EventMedia::apply_flags(const Publication& pub) {
    if (pub.source != Source::camera || sfu_ == nullptr) {
        co_return;
    }
    const auto flags = flags_.find(pub.participant_id);
    if (flags == flags_.end()) {
        co_return;
    }
    const RoomId room = room_id(pub.room);
    const FeedId feed = pub.feed;
    const std::vector<StreamInfo> streams = pub.streams;
    const Flags f = flags->second;
    for (const StreamInfo& s : streams) {
        const bool mute = s.type == "audio" ? f.audio_muted : s.type == "video" && f.video_muted;
        if (mute) {
            static_cast<void>(co_await sfu_->moderate(room, feed, s.mid, true));
        }
    }
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::unpublish(TabKey tab, std::string participant_id,
                                                             RoomKind room, Source source) {
    if (Publication* pub = find_publication(tab, participant_id, room, source)) {
        co_await end_publication(pub->feed, false);
    }
    co_return MediaAck{};
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::subscribe(TabKey tab, std::string participant_id,
                                                             std::string feed_text) {
    const auto feed = parse_feed(feed_text);
    auto visible = [&]() {
        if (!feed) {
            return false;
        }
        const auto it = publications_.find(*feed);
        return it != publications_.end() && it->second.up &&
               may_see(participant_id, role_of_(participant_id), it->second.participant_id,
                       it->second.room);
    };
    if (!visible()) {
        co_return fail(not_visible());
    }
    if (sfu_ == nullptr || closed_) {
        co_return fail(unavailable());
    }
    const std::uint64_t epoch = epoch_;
    const RoomId room = room_id(publications_.at(*feed).room);
    auto subscribed = co_await sfu_->subscribe(room, *feed);
    if (!subscribed) {
        co_return fail(subscribed.error().code == "sfu_gone" ? not_visible()
                                                             : failed(subscribed.error()));
    }
    if (epoch != epoch_ || !visible()) {
        const HandleId handle = subscribed->handle;
        static_cast<void>(co_await sfu_->hangup(handle));
        co_return fail(epoch != epoch_ ? unavailable() : not_visible());
    }
    const std::string sub = "s" + std::to_string(next_sub_++);
    subscriptions_.emplace(sub, SubscriptionState{tab, participant_id, *feed, subscribed->handle});
    MediaAck ack;
    ack.sub = sub;
    ack.sdp = std::move(subscribed->sdp_offer);
    co_return ack;
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::answer(TabKey tab, std::string sub,
                                                          std::string sdp) {
    const auto it = subscriptions_.find(sub);
    if (it == subscriptions_.end() || it->second.tab != tab) {
        co_return fail(unknown_subscription());
    }
    if (sfu_ == nullptr) {
        co_return fail(unavailable());
    }
    const HandleId handle = it->second.handle;
    auto started = co_await sfu_->start(handle, std::move(sdp));
    if (!started) {
        co_return fail(failed(started.error()));
    }
    co_return MediaAck{};
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::unsubscribe(TabKey tab, std::string sub) {
    const auto it = subscriptions_.find(sub);
    if (it != subscriptions_.end() && it->second.tab == tab) {
        co_await end_subscription(sub);
    }
    co_return MediaAck{};
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::trickle(TabKey tab, std::string participant_id,
                                                           std::string target,
                                                           std::optional<Candidate> candidate) {
    HandleId handle = 0;
    if (target.starts_with("sub:")) {
        const auto it = subscriptions_.find(target.substr(4));
        if (it == subscriptions_.end() || it->second.tab != tab) {
            co_return fail(unknown_subscription());
        }
        handle = it->second.handle;
    } else {
        Publication* found = nullptr;
        for (const RoomKind room : {RoomKind::interview, RoomKind::holding, RoomKind::stage}) {
            for (const Source source : {Source::camera, Source::screen}) {
                if (target == pub_target(room, source)) {
                    found = find_publication(tab, participant_id, room, source);
                }
            }
        }
        if (found == nullptr) {
            co_return fail(MediaError{"media_not_allowed", "There is no such publication."});
        }
        if (found->handle == 0) {
            if (candidate) {
                found->early_candidates.push_back(std::move(*candidate));
            } else {
                found->early_completed = true;
            }
            co_return MediaAck{};
        }
        handle = found->handle;
    }
    if (sfu_ == nullptr) {
        co_return fail(unavailable());
    }
    auto sent = co_await sfu_->trickle(handle, std::move(candidate));
    if (!sent) {
        co_return fail(failed(sent.error()));
    }
    co_return MediaAck{};
}

asio::awaitable<void> EventMedia::end_publication(FeedId feed, bool kick) {
    const auto it = publications_.find(feed);
    if (it == publications_.end()) {
        co_return;
    }
    const Publication pub = it->second;
    publications_.erase(it);
    // Subscriptions to this feed are useless now; the viewers' plans drop the feed.
    std::vector<std::string> subs;
    for (const auto& [sub, state] : subscriptions_) {
        if (state.feed == feed) {
            subs.push_back(sub);
        }
    }
    for (const auto& sub : subs) {
        co_await end_subscription(sub);
    }
    if (sfu_ == nullptr || pub.handle == 0) {
        co_return;
    }
    if (kick) {
        static_cast<void>(co_await sfu_->kick(room_id(pub.room), feed));
    }
    static_cast<void>(co_await sfu_->hangup(pub.handle));
}

asio::awaitable<void> EventMedia::end_subscription(const std::string& sub) {
    const auto it = subscriptions_.find(sub);
    if (it == subscriptions_.end()) {
        co_return;
    }
    const HandleId handle = it->second.handle;
    subscriptions_.erase(it);
    if (sfu_ != nullptr && handle != 0) {
        static_cast<void>(co_await sfu_->hangup(handle));
    }
}

asio::awaitable<void> EventMedia::enforce() {
    std::vector<std::pair<FeedId, bool>> ending;  // feed, kick
    for (const auto& [feed, pub] : publications_) {
        const MediaRole role = role_of_(pub.participant_id);
        if (!may_publish(pub.participant_id, role, pub.room, pub.source)) {
            ending.emplace_back(feed, role.state == domain::StageState::kicked);
        }
    }
    for (const auto& [feed, kick] : ending) {
        co_await end_publication(feed, kick);
    }
    std::vector<std::string> unsubscribing;
    for (const auto& [sub, state] : subscriptions_) {
        const auto pub = publications_.find(state.feed);
        if (pub == publications_.end() ||
            !may_see(state.participant_id, role_of_(state.participant_id),
                     pub->second.participant_id, pub->second.room)) {
            unsubscribing.push_back(sub);
        }
    }
    for (const auto& sub : unsubscribing) {
        co_await end_subscription(sub);
    }
}

asio::awaitable<bool> EventMedia::tab_gone(TabKey tab) {
    std::vector<FeedId> feeds;
    for (const auto& [feed, pub] : publications_) {
        if (pub.tab == tab) {
            feeds.push_back(feed);
        }
    }
    for (const FeedId feed : feeds) {
        co_await end_publication(feed, false);
    }
    std::vector<std::string> subs;
    for (const auto& [sub, state] : subscriptions_) {
        if (state.tab == tab) {
            subs.push_back(sub);
        }
    }
    for (const auto& sub : subs) {
        co_await end_subscription(sub);
    }
    co_return !feeds.empty() || !subs.empty();
}

asio::awaitable<MediaResult<MediaAck>> EventMedia::moderate(std::string participant_id, bool audio,
                                                            bool mute) {
    Flags& flags = flags_[participant_id];
    (audio ? flags.audio_muted : flags.video_muted) = mute;
    struct Target {
        RoomId room;
        FeedId feed;
        std::string mid;
    };
    std::vector<Target> targets;
    for (const auto& [feed, pub] : publications_) {
        if (pub.participant_id != participant_id || pub.source != Source::camera ||
            pub.handle == 0) {
            continue;
        }
        for (const StreamInfo& s : pub.streams) {
            if (s.type == (audio ? "audio" : "video")) {
                targets.push_back(Target{room_id(pub.room), feed, s.mid});
            }
        }
    }
    if (!targets.empty() && sfu_ == nullptr) {
        co_return fail(unavailable());
    }
    for (const Target& t : targets) {
        auto done = co_await sfu_->moderate(t.room, t.feed, t.mid, mute);
        if (!done && done.error().code != "sfu_gone") {
            co_return fail(failed(done.error()));
        }
    }
    co_return MediaAck{};
}

void EventMedia::reset() {
    ++epoch_;
    created_.clear();
    publications_.clear();
    subscriptions_.clear();
}

asio::awaitable<void> EventMedia::close() {
    closed_ = true;
    // A new epoch: a publish or subscribe the SFU is still answering finds it moved on and
    // hangs up the handle it gets back.
    ++epoch_;
    const auto publications = std::exchange(publications_, {});
    const auto subscriptions = std::exchange(subscriptions_, {});
    const auto rooms = std::exchange(created_, {});
    room_ids_.clear();
    flags_.clear();
    if (sfu_ == nullptr) {
        co_return;
    }
    // Subscribers first, then publishers, then the rooms: each step leaves nothing that the
    // next one would have to clean up in Janus. A failure needs nothing more: the SFU is then
    // down or restarting, and a restarted Janus has none of these handles or rooms.
    for (const auto& [sub, state] : subscriptions) {
        if (state.handle != 0) {
            static_cast<void>(co_await sfu_->hangup(state.handle));
        }
    }
    for (const auto& [feed, pub] : publications) {
        if (pub.handle != 0) {
            static_cast<void>(co_await sfu_->hangup(pub.handle));
        }
    }
    for (const auto& [room, created] : rooms) {
        static_cast<void>(co_await sfu_->destroy_room(room));
    }
}

bool EventMedia::handle_gone(HandleId handle) {
    for (auto it = publications_.begin(); it != publications_.end(); ++it) {
        if (it->second.handle == handle) {
            const FeedId feed = it->first;
            publications_.erase(it);
            std::erase_if(subscriptions_, [feed](const auto& s) { return s.second.feed == feed; });
            return true;
        }
    }
    return std::erase_if(subscriptions_,
                         [handle](const auto& s) { return s.second.handle == handle; }) > 0;
}

bool EventMedia::handle_up(HandleId handle) {
    for (auto& [feed, pub] : publications_) {
        if (pub.handle == handle && !pub.up) {
            pub.up = true;
            return true;
        }
    }
    return false;
}

bool EventMedia::muted(const std::string& participant_id, bool audio) const {
    const auto it = flags_.find(participant_id);
    if (it == flags_.end()) {
        return false;
    }
    return audio ? it->second.audio_muted : it->second.video_muted;
}

std::vector<ProgramFeed> EventMedia::program() const {
    std::vector<ProgramFeed> out;
    if (sfu_ == nullptr) {
        return out;
    }
    for (const auto& [feed, pub] : publications_) {
        if (!pub.up || pub.room.kind != RoomKind::stage) {
            continue;
        }
        const auto room = room_ids_.find(room_key(pub.room));
        if (room == room_ids_.end()) {
            continue;
        }
        ProgramFeed p;
        p.feed = feed;
        p.room = room->second;
        p.participant_id = pub.participant_id;
        p.name = name_of_(pub.participant_id);
        p.role = role_of_(pub.participant_id).role;
        p.source = pub.source;
        for (const StreamInfo& stream : pub.streams) {
            std::string& mid = stream.type == "audio" ? p.audio_mid : p.video_mid;
            if ((stream.type == "audio" || stream.type == "video") && mid.empty()) {
                mid = stream.mid;
            }
        }
        p.audio_muted = pub.source == Source::camera && muted(pub.participant_id, true);
        p.video_muted = pub.source == Source::camera && muted(pub.participant_id, false);
        out.push_back(std::move(p));
    }
    const auto rank = [](domain::Role role) {
        return role == domain::Role::talent ? 0 : role == domain::Role::moderator ? 1 : 2;
    };
    std::stable_sort(out.begin(), out.end(), [&rank](const ProgramFeed& a, const ProgramFeed& b) {
        return rank(a.role) < rank(b.role);
    });
    return out;
}

Plan EventMedia::plan_for(const std::string& participant_id, const MediaRole& role) const {
    Plan plan;
    plan.epoch = epoch_;
    if (sfu_ == nullptr) {
        return plan;  // media is off: nothing to publish or show, so the apps ask for no camera
    }
    const Rights rights = rights_of(participant_id, role);
    for (const RoomRef& room : rights.publish) {
        plan.publish.push_back(room.kind);
    }
    plan.screen = rights.screen;
    for (const auto& [feed, pub] : publications_) {
        if (!pub.up || !may_see(participant_id, role, pub.participant_id, pub.room)) {
            continue;
        }
        FeedView view;
        view.feed = std::to_string(feed);
        view.participant_id = pub.participant_id;
        view.name = name_of_(pub.participant_id);
        view.role = role_of_(pub.participant_id).role;
        view.room = pub.room.kind;
        view.source = pub.source;
        view.audio_muted = pub.source == Source::camera && muted(pub.participant_id, true);
        view.video_muted = pub.source == Source::camera && muted(pub.participant_id, false);
        plan.feeds.push_back(std::move(view));
    }
    return plan;
}

}  // namespace onstage::media
