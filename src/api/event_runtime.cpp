#include "api/event_runtime.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>

namespace onstage::api {
namespace {

using domain::Role;
using domain::StageState;
using protocol::CommandType;

Reply error_reply(const domain::Error& e) {
    return Reply{std::string(domain::to_string(e.code)), e.message};
}

// An audit entry for an action that is not a stage transition (moderation, signing out).
domain::AuditEntry action_entry(const std::string& event_id, const std::string& actor_id,
                                std::string action, const std::string& subject_id) {
    domain::AuditEntry audit;
    audit.event_id = event_id;
    audit.at_ms = now_ms();
    audit.actor_id = actor_id;
    audit.action = std::move(action);
    audit.subject_id = subject_id;
    return audit;
}

// Commands after which someone's media plan may change (a raise or a claim changes none).
bool changes_media(CommandType type) {
    switch (type) {
    case CommandType::accept:
    case CommandType::end_interview:
    case CommandType::approve:
    case CommandType::reject:
    case CommandType::promote:
    case CommandType::demote:
    case CommandType::remove:
    case CommandType::kick:
    case CommandType::set_on_air:
    case CommandType::sign_out:
    case CommandType::mute:
    case CommandType::unmute:
    case CommandType::video_off:
    case CommandType::video_on:
        return true;
    default:
        return false;
    }
}

bool on_stage(StageState s) {
    return s == StageState::holding || s == StageState::live || s == StageState::interviewing;
}

}  // namespace

domain::TimeMs now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

asio::awaitable<std::shared_ptr<EventRuntime>> EventRuntime::load(
    asio::io_context& ioc, StoreWorker& store, Metrics& metrics, std::string event_id,
    domain::TimeMs invite_timeout_ms, MediaSettings media) {
    struct Loaded {
        std::optional<domain::Event> event;
        std::vector<domain::Participant> participants;
        std::vector<domain::AttendeeStatus> statuses;
    };
    auto read = [&event_id](store::Store& s) {
        Loaded out;
        out.event = s.find_event(event_id);
        if (out.event) {
            out.participants = s.participants(event_id);
            out.statuses = s.attendee_statuses(event_id);
        }
        return out;
    };
    Loaded loaded = co_await store.run(std::move(read));
    if (!loaded.event) {
        co_return nullptr;
    }
    std::unordered_map<std::string, Person> people;
    domain::ParticipantRoles roles;
    people.reserve(loaded.participants.size());
    roles.reserve(loaded.participants.size());
    for (auto& p : loaded.participants) {
        roles.emplace(p.id, p.role);
        people.emplace(std::move(p.id), Person{std::move(p.full_name), p.role});
    }
    domain::Stage stage(loaded.event->id, std::move(roles), std::move(loaded.statuses),
                        invite_timeout_ms);
    auto runtime =
        std::make_shared<EventRuntime>(ioc, store, metrics, std::move(*loaded.event),
                                       std::move(people), std::move(stage), std::move(media));
    asio::post(runtime->strand_, [runtime] { runtime->schedule_invite_expiry(); });
    co_return runtime;
}

EventRuntime::~EventRuntime() {
    broadcast_->on_change(nullptr);
}

EventRuntime::EventRuntime(asio::io_context& ioc, StoreWorker& store, Metrics& metrics,
                           domain::Event event, std::unordered_map<std::string, Person> people,
                           domain::Stage stage, MediaSettings media)
    : store_(store),
      metrics_(metrics),
      strand_(asio::make_strand(ioc)),
      event_(std::move(event)),
      people_(std::move(people)),
      stage_(std::move(stage)),
      // Microseconds since the epoch: above every seq an earlier run of this server gave out
      // (unless it sent one participant over 1,000 events per millisecond of its life), and
      // below 2^53, so browsers read it exactly.
      hub_(event_.id, hub::limits::kResumeEvents, static_cast<std::uint64_t>(now_ms()) * 1000U),
      invite_timer_(strand_),
      ice_servers_json_(std::move(media.ice_servers_json)),
      media_(
          media.sfu, event_.id, [this](std::string_view id) { return media_role(id); },
          [this](std::string_view id) {
              const Person* p = person(id);
              return p != nullptr ? p->name : std::string();
          }),
      broadcast_options_(std::move(media.broadcast)),
      broadcast_(std::make_shared<BroadcastRuntime>(strand_, media.sfu, broadcast_options_,
                                                    event_.id, event_.name)) {
    // The runtime owns the broadcast and outlives its use on the strand; the destructor clears
    // this callback before the broadcast could call it.
    broadcast_->on_change([this] { send_broadcast(); });
    if (media.hls_viewers) {
        broadcast_->viewers_from(
            [viewers = std::move(media.hls_viewers), id = event_.id] { return viewers(id); });
    }
    for (const auto& [id, p] : people_) {
        if (p.role != Role::attendee) {
            staff_ids_.push_back(id);
        }
    }
    std::sort(staff_ids_.begin(), staff_ids_.end());
    for (const auto& s : stage_.live()) {
        live_.insert(s.attendee_id);
    }
    ended_at_ms_ = event_.ended_at_ms.value_or(0);
}

const Person* EventRuntime::person(std::string_view participant_id) const {
    const auto it = people_.find(std::string(participant_id));
    return it == people_.end() ? nullptr : &it->second;
}

protocol::NameOf EventRuntime::name_of() const {
    return [this](std::string_view id) -> std::string_view {
        const Person* p = person(id);
        return p != nullptr ? std::string_view(p->name) : std::string_view();
    };
}

asio::awaitable<AttachResult> EventRuntime::attach(Identity who, std::shared_ptr<Tab> tab,
                                                   std::uint64_t since) {
    co_return co_await asio::co_spawn(
        strand_, attach_on_strand(std::move(who), std::move(tab), since), asio::use_awaitable);
}

asio::awaitable<void> EventRuntime::detach(Identity who, const Tab* tab) {
    co_await asio::co_spawn(strand_, detach_on_strand(std::move(who), tab), asio::use_awaitable);
}

asio::awaitable<Reply> EventRuntime::handle(Identity who, const Tab* tab,
                                            protocol::Command command) {
    const auto received = std::chrono::steady_clock::now();
    const bool measured = command.type != CommandType::ping;
    Reply reply = co_await asio::co_spawn(
        strand_, handle_on_strand(std::move(who), tab, std::move(command)), asio::use_awaitable);
    if (measured && reply.ok()) {
        metrics_.command_delivery.observe(std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - received));
    }
    co_return reply;
}

asio::awaitable<AttachResult> EventRuntime::attach_on_strand(Identity who, std::shared_ptr<Tab> tab,
                                                             std::uint64_t since) {
    auto self = shared_from_this();
    AttachResult result;
    if (ended_at_ms_ != 0) {
        result.refused = event_ended_reply();
        result.refused_close = protocol::kCloseEventEnded;
        co_return result;
    }
    if (who.role == Role::attendee) {
        const auto status = stage_.status(who.participant_id);
        if (status && status->state == StageState::kicked) {
            result.refused = Reply{"kicked", "You were removed from this event."};
            co_return result;
        }
    }
    const Person* me = person(who.participant_id);
    ++metrics_.tabs_attached;
    Online& online = online_[who.participant_id];
    online.tab_refs.push_back(tab);
    if (online.tabs++ == 0 && who.role != Role::attendee) {
        // Announced before this tab joins the hub: its own first frames are welcome, then
        // the replay or snapshot (which already shows it online).
        const auto payload = hub::make_payload(protocol::encode_presence(
            {who.participant_id, me != nullptr ? me->name : "", who.role, online.on_air}, true));
        hub_.send_to_role(Role::moderator, payload);
        hub_.send_to_role(Role::talent, payload);
    }
    result.welcome = protocol::encode_welcome(
        protocol::ParticipantView{who.participant_id, me != nullptr ? me->name : "", who.role},
        event_, hub_.stream_seq(who.participant_id));
    auto missed = hub_.attach(who.participant_id, who.role, tab, since, now_ms());
    if (since == 0 || !missed) {
        result.frames = {
            hub::Frame{hub_.stream_seq(who.participant_id), hub::make_payload(snapshot_for(who))}};
    } else {
        result.frames = std::move(*missed);
    }
    // The tab starts its media from the current plan; a new tab changes no one else's.
    const media::Plan plan = media_.plan_for(who.participant_id, media_role(who.participant_id));
    result.media = protocol::encode_media(plan, ice_servers_json_);
    if (!plan.publish.empty() || !plan.feeds.empty()) {
        sent_plans_[who.participant_id] = result.media;
    }
    result.broadcast = broadcast_payload(who.role);
    co_return result;
}

asio::awaitable<void> EventRuntime::detach_on_strand(Identity who, const Tab* tab) {
    auto self = shared_from_this();
    hub_.detach(who.participant_id, tab, now_ms());
    detach_online(who, tab);
    const bool had_media = co_await media_.tab_gone(tab);
    // Most tabs are attendees watching: their going changes nobody's plan.
    if (had_media || who.role != Role::attendee || sent_plans_.contains(who.participant_id)) {
        co_await sync_media();
    }
}

void EventRuntime::detach_online(const Identity& who, const Tab* tab) {
    const auto it = online_.find(who.participant_id);
    if (it == online_.end()) {
        return;
    }
    --metrics_.tabs_attached;
    std::erase_if(it->second.tab_refs, [tab](const std::weak_ptr<Tab>& w) {
        const auto t = w.lock();
        return !t || t.get() == tab;
    });
    if (--it->second.tabs > 0) {
        return;
    }
    const bool was_staff = who.role != Role::attendee;
    const Person* me = person(who.participant_id);
    online_.erase(it);
    if (was_staff) {
        // A dropped connection changes no stage state (DESIGN §3); it only shows as offline.
        const auto payload = hub::make_payload(protocol::encode_presence(
            {who.participant_id, me != nullptr ? me->name : "", who.role, false}, false));
        hub_.send_to_role(Role::moderator, payload);
        hub_.send_to_role(Role::talent, payload);
    }
}

asio::awaitable<Reply> EventRuntime::handle_on_strand(Identity who, const Tab* tab,
                                                      protocol::Command command) {
    auto self = shared_from_this();
    if (ended_at_ms_ != 0) {
        co_return event_ended_reply();  // a command that raced the end; the tab is closing
    }
    Reply reply;
    switch (command.type) {
    case CommandType::ping:
        co_return Reply{};
    case CommandType::publish:
    case CommandType::unpublish:
    case CommandType::subscribe:
    case CommandType::answer:
    case CommandType::unsubscribe:
    case CommandType::trickle:
        reply = co_await handle_media(who, tab, command);
        if (command.type == CommandType::publish || command.type == CommandType::unpublish) {
            send_plans();  // a new or ended feed changes what others should show
        }
        co_return reply;
    case CommandType::broadcast_start:
    case CommandType::broadcast_stop:
    case CommandType::set_layout:
        co_return co_await handle_broadcast(who, command);
    case CommandType::set_on_air:
        reply = set_on_air(who, command.on_air);
        break;
    case CommandType::sign_out:
        reply = co_await sign_out(who);
        break;
    case CommandType::mute:
    case CommandType::unmute:
    case CommandType::video_off:
    case CommandType::video_on:
        reply = co_await moderate(who, command);
        break;
    default: {
        auto transition = run_stage_command(who, command);
        if (!transition) {
            co_return error_reply(transition.error());
        }
        reply = co_await apply(std::move(transition).value());
        break;
    }
    }
    if (reply.ok() && changes_media(command.type)) {
        co_await sync_media();
    }
    co_return reply;
}

asio::awaitable<domain::TimeMs> EventRuntime::end(std::string actor) {
    co_return co_await asio::co_spawn(strand_, end_on_strand(std::move(actor)),
                                      asio::use_awaitable);
}

std::optional<domain::TimeMs> EventRuntime::ended_at_ms() const {
    const domain::TimeMs ended = ended_at_ms_;
    return ended != 0 ? std::optional(ended) : std::nullopt;
}

Reply EventRuntime::event_ended_reply() {
    return Reply{"event_ended", "This event has ended."};
}

asio::awaitable<domain::TimeMs> EventRuntime::end_on_strand(std::string actor) {
    auto self = shared_from_this();
    if (const domain::TimeMs ended = ended_at_ms_; ended != 0) {
        co_return ended;
    }
    // Persist first: nobody is told about an end that a crash could take back. The store keeps
    // an earlier end (e.g. by the CLI while this server ran) and returns its time.
    const domain::AuditEntry audit = action_entry(event_.id, actor, "event_ended", "");
    auto save = [id = event_.id, audit](store::Store& s) { return s.end_event(id, audit); };
    const domain::TimeMs ended = co_await store_.run(std::move(save));
    if (ended_at_ms_ != 0) {
        co_return ended_at_ms_.load();  // another end() finished while this one saved
    }
    ended_at_ms_ = ended;
    spdlog::info("event={} ended by {}", event_.id, actor);
    invite_timer_.cancel();
    // Through the hub like every stream event, so `revoked` carries a seq and each tab's 4410
    // close is queued behind it.
    const auto payload = hub::make_payload(protocol::encode_revoked("event_ended"));
    for (const auto& [id, online] : online_) {
        hub_.send_to(id, payload);
        for (const auto& weak : online.tab_refs) {
            if (const auto tab = weak.lock()) {
                tab->revoke(protocol::kCloseEventEnded, "event_ended");
            }
        }
    }
    sent_plans_.clear();
    static_cast<void>(broadcast_->stop());  // finishes the playlist and the recording
    co_await media_.close();
    co_return ended;
}

Result<domain::Transition, domain::Error> EventRuntime::run_stage_command(
    const Identity& who, const protocol::Command& c) {
    const std::string& me = who.participant_id;
    // Attendee commands are about the attendee themself; moderators name the attendee.
    const std::string& subject = who.role == Role::attendee ? me : c.attendee_id;
    const domain::TimeMs now = now_ms();
    switch (c.type) {
    case CommandType::raise:
        return stage_.raise(me, me, c.question, now);
    case CommandType::edit_question:
        return stage_.edit_question(me, me, c.question, now);
    case CommandType::lower:
        return stage_.lower(me, me, now);
    case CommandType::accept:
        return stage_.accept(me, me, now);
    case CommandType::decline:
        return stage_.decline(me, me, now);
    case CommandType::end_interview:
        return stage_.end_interview(me, subject, now);
    case CommandType::claim:
        return stage_.claim(me, subject, now);
    case CommandType::release:
        return stage_.release(me, subject, now);
    case CommandType::dismiss:
        return stage_.dismiss(me, subject, now);
    case CommandType::invite:
        return stage_.invite(me, subject, now);
    case CommandType::cancel_invite:
        return stage_.cancel_invite(me, subject, now);
    case CommandType::approve:
        return stage_.approve(me, subject, now);
    case CommandType::reject:
        return stage_.reject(me, subject, now);
    case CommandType::promote:
        return stage_.promote(me, subject, now);
    case CommandType::demote:
        return stage_.demote(me, subject, now);
    case CommandType::remove:
        return stage_.remove(me, subject, now);
    case CommandType::kick:
        return stage_.kick(me, subject, c.reason, now);
    default:
        return fail(domain::Error{domain::ErrorCode::invalid_state, "Not a stage command."});
    }
}

asio::awaitable<Reply> EventRuntime::apply(domain::Transition transition, Revocation revocation) {
    // Persist first (store thread, in command order), then tell people: nobody is ever told
    // about a change that a crash could take back.
    bool saved = true;
    try {
        auto save = [&](store::Store& s) {
            s.apply_transition(event_.id, transition.changed, transition.audit);
            for (const auto& id : transition.revoke_sessions) {
                s.bump_session_version(event_.id, id);
            }
            return 0;
        };
        co_await store_.run(std::move(save));
    } catch (const std::exception& e) {
        spdlog::error("event={} persisting a transition failed: {}", event_.id, e.what());
        saved = false;
    }
    if (!saved) {
        // The Stage already moved on in memory; the store is the truth, so the next load of
        // this event (a restart) returns to what was saved.
        co_return Reply{"internal", "The change could not be saved; please try again."};
    }
    fan_out(transition, revocation);
    schedule_invite_expiry();
    co_return Reply{};
}

void EventRuntime::fan_out(const domain::Transition& t, Revocation revocation) {
    const auto names = name_of();
    for (const auto& status : t.changed) {
        const auto payload = hub::make_payload(protocol::encode_status(status, names));
        hub_.send_to_role(Role::moderator, payload);
        hub_.send_to(status.attendee_id, payload);
        // Talent sees who is live with them (their snapshot lists them), so they also hear when
        // someone goes live or stops being live; nothing about hands, queues or interviews.
        const bool was_live = live_.erase(status.attendee_id) > 0;
        if (status.state == StageState::live) {
            live_.insert(status.attendee_id);
        }
        if (was_live || status.state == StageState::live) {
            hub_.send_to_role(Role::talent, payload);
        }
    }
    for (const auto& notice : t.notices) {
        hub_.send_to(notice.to, hub::make_payload(protocol::encode_notice(notice)));
    }
    for (const auto& id : t.revoke_sessions) {
        const auto it = online_.find(id);
        if (it == online_.end()) {
            continue;
        }
        // Through the hub, so it carries a seq like every stream event; each tab's close is
        // queued after it on the same strand.
        hub_.send_to(id, hub::make_payload(protocol::encode_revoked(revocation.reason)));
        for (const auto& weak : it->second.tab_refs) {
            if (const auto tab = weak.lock()) {
                tab->revoke(revocation.close_code, revocation.reason);
            }
        }
    }
}

asio::awaitable<Reply> EventRuntime::moderate(const Identity& who, const protocol::Command& c) {
    if (who.role != Role::moderator) {
        co_return Reply{"forbidden", "Only moderators can do that."};
    }
    const Person* target = person(c.participant_id);
    if (target == nullptr) {
        co_return Reply{"unknown_participant", "There is no such participant in this event."};
    }
    if (target->role == Role::attendee) {
        const auto status = stage_.status(c.participant_id);
        if (!status || !on_stage(status->state)) {
            co_return Reply{"not_on_stage",
                            "Only people in an interview, in holding or live can be muted."};
        }
    }
    const std::string kind(protocol::to_string(c.type));
    // Enforced in the SFU first; only then recorded and announced.
    const bool audio = c.type == CommandType::mute || c.type == CommandType::unmute;
    const bool mute = c.type == CommandType::mute || c.type == CommandType::video_off;
    const auto enforced = co_await media_.moderate(c.participant_id, audio, mute);
    if (!enforced) {
        co_return Reply{enforced.error().code, enforced.error().message};
    }
    const domain::AuditEntry audit =
        action_entry(event_.id, who.participant_id, kind, c.participant_id);
    bool saved = true;
    try {
        auto save = [audit](store::Store& s) { return s.append_audit(audit); };
        co_await store_.run(std::move(save));
    } catch (const std::exception& e) {
        spdlog::error("event={} audit append failed: {}", event_.id, e.what());
        saved = false;
    }
    if (!saved) {
        co_return Reply{"internal", "The request could not be saved; please try again."};
    }
    const Person* me = person(who.participant_id);
    const auto payload = hub::make_payload(protocol::encode_moderation(
        c.participant_id, kind, who.participant_id, me != nullptr ? me->name : ""));
    hub_.send_to(c.participant_id, payload);
    hub_.send_to_role(Role::moderator, payload);
    co_return Reply{};
}

// Signing out ends this participant's session everywhere: a moderator's queue, invite and
// interview go back to the shared list (as when a moderator leaves), they go off air, the token
// stops working (session version bump) and every tab of theirs gets `revoked` and a 1000 close.
asio::awaitable<Reply> EventRuntime::sign_out(const Identity& who) {
    domain::Transition t;
    if (who.role == Role::moderator) {
        auto left = stage_.moderator_left(who.participant_id, now_ms());
        if (!left) {
            co_return error_reply(left.error());
        }
        t = std::move(left).value();
        if (const auto it = online_.find(who.participant_id);
            it != online_.end() && it->second.on_air) {
            set_on_air(who, false);
        }
    }
    t.audit.push_back(
        action_entry(event_.id, who.participant_id, "signed_out", who.participant_id));
    t.revoke_sessions.push_back(who.participant_id);
    co_return co_await apply(std::move(t), Revocation{"signed_out", protocol::kCloseNormal});
}

Reply EventRuntime::set_on_air(const Identity& who, bool on_air) {
    if (who.role != Role::moderator) {
        return Reply{"forbidden", "Only moderators can go on air."};
    }
    online_[who.participant_id].on_air = on_air;
    const auto payload = hub::make_payload(protocol::encode_on_air(who.participant_id, on_air));
    hub_.send_to_role(Role::moderator, payload);
    hub_.send_to_role(Role::talent, payload);
    return Reply{};
}

std::vector<protocol::OnlineView> EventRuntime::online_staff() const {
    // Walks the few staff, not everyone online: every tab's snapshot asks this.
    std::vector<protocol::OnlineView> out;
    for (const auto& id : staff_ids_) {
        const auto it = online_.find(id);
        if (it != online_.end() && it->second.tabs > 0) {
            const Person* p = person(id);
            out.push_back({id, p->name, p->role, it->second.on_air});
        }
    }
    return out;
}

std::string EventRuntime::snapshot_for(const Identity& who) const {
    std::optional<domain::AttendeeStatus> mine;
    std::vector<domain::AttendeeStatus> attendees;
    if (who.role == Role::attendee) {
        mine = stage_.status(who.participant_id);
    } else if (who.role == Role::moderator) {
        // Everyone a moderator works with: the shared list and queues, invites and interviews,
        // holding and live.
        attendees = stage_.raised_hands();
        for (const auto& id : staff_ids_) {
            if (person(id)->role == Role::moderator) {
                if (auto s = stage_.interview_of(id)) {
                    attendees.push_back(std::move(*s));
                }
            }
        }
        for (auto& s : stage_.holding()) {
            attendees.push_back(std::move(s));
        }
        for (auto& s : stage_.live()) {
            attendees.push_back(std::move(s));
        }
    } else {
        attendees = stage_.live();  // talent sees who is on stage with them
    }
    return protocol::encode_snapshot(mine, attendees, online_staff(), name_of());
}

void EventRuntime::schedule_invite_expiry() {
    const auto next = stage_.next_invite_expiry();
    invite_timer_.cancel();
    if (!next) {
        return;
    }
    invite_timer_.expires_after(
        std::chrono::milliseconds(std::max<domain::TimeMs>(0, *next - now_ms())));
    invite_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
        const auto self = weak.lock();
        if (ec || !self) {
            return;
        }
        asio::co_spawn(self->strand_, self->expire_invites(), asio::detached);
    });
}

asio::awaitable<void> EventRuntime::expire_invites() {
    auto self = shared_from_this();
    domain::Transition t = stage_.expire_invites(now_ms());
    if (t.changed.empty()) {
        schedule_invite_expiry();
        co_return;
    }
    co_await apply(std::move(t));
}

}  // namespace onstage::api
