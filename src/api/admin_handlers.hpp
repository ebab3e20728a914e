// The admin API's handlers, called by handle_admin (admin_api.cpp) once the admin token has been
// checked and the event id has the shape of one. Internal to src/api. Arguments are references
// to the caller's named locals, never temporaries (GCC 12 coroutines, see api/async.hpp).
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/rest_api.hpp"
#include "domain/rtmp_target.hpp"
#include "importer/event_files.hpp"

namespace onstage::api::admin {

// POST /events (admin_create.cpp)
asio::awaitable<HttpResponse> create_event(ServerContext& ctx, const HttpRequest& req);
// POST /events/{id}/rotate-keys (admin_create.cpp)
asio::awaitable<HttpResponse> rotate_keys(ServerContext& ctx, const HttpRequest& req,
                                          const std::string& event_id);

// POST /events/{id}/end (admin_end.cpp)
asio::awaitable<HttpResponse> end_event(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id);

// GET /events/{id}/broadcast, POST /events/{id}/broadcast/start|stop (admin_broadcast.cpp);
// `action` is "", "start" or "stop".
asio::awaitable<HttpResponse> broadcast(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id, std::string_view action);

// GET|POST /events/{id}/rtmp-targets, DELETE /events/{id}/rtmp-targets/{target}
// (admin_rtmp.cpp). 404 unknown_event / unknown_target, 400 bad_field / bad_rtmp_url, 409
// too_many_targets, 410 event_ended (adding to an ended event).
asio::awaitable<HttpResponse> list_rtmp_targets(ServerContext& ctx, const HttpRequest& req,
                                                const std::string& event_id);
asio::awaitable<HttpResponse> add_rtmp_target(ServerContext& ctx, const HttpRequest& req,
                                              const std::string& event_id);
asio::awaitable<HttpResponse> remove_rtmp_target(ServerContext& ctx, const HttpRequest& req,
                                                 const std::string& event_id,
                                                 const std::string& target_id);
// {id, name, url_redacted, created_at}: never the stream key.
nlohmann::json rtmp_target_json(const domain::RtmpTarget& target);

// GET /events, /events/{id}, /events/{id}/links, /participants, /audit (admin_views.cpp)
asio::awaitable<HttpResponse> list_events(ServerContext& ctx, const HttpRequest& req);
asio::awaitable<HttpResponse> event_detail(ServerContext& ctx, const HttpRequest& req,
                                           const std::string& event_id);
asio::awaitable<HttpResponse> event_links(ServerContext& ctx, const HttpRequest& req,
                                          const std::string& event_id);
asio::awaitable<HttpResponse> participants(ServerContext& ctx, const HttpRequest& req,
                                           const std::string& event_id);
asio::awaitable<HttpResponse> audit_log(ServerContext& ctx, const HttpRequest& req,
                                        const std::string& event_id);

// {id, name, public, base_url, created_at, ended_at (null while it runs), viewer_url (null
// unless public), hls_url}
nlohmann::json event_json(const domain::Event& event);

// {"attendees":[…],"moderators":[…],"talent":[…]} exactly as `onstage event create` writes its
// JSON files (the same renderer); `access_keys` empty or aligned with `participants`.
std::string people_json(const domain::Event& event,
                        std::span<const domain::Participant> participants,
                        std::span<const std::string> access_keys);

HttpResponse unknown_event(const HttpRequest& req);

struct EventPeople {
    std::optional<domain::Event> event;  // nullopt: no such event (and the rest is empty)
    std::vector<domain::Participant> people;
    std::vector<domain::AttendeeStatus> statuses;  // only when asked for
};

// Store thread only: the event, its participants and, if asked, the attendees' statuses.
EventPeople load_event_people(store::Store& store, const std::string& event_id, bool with_statuses);

}  // namespace onstage::api::admin
