// Admin routes that write: creating an event from uploaded rosters and rotating access keys.
// Both use the importer of `onstage event create` / `event export --rotate-keys`, so the
// checks, errors and stored rows are the CLI's. CSV parsing and Argon2id run on the crypto
// pool (never on an I/O thread), the writes on the store thread, in one transaction each.
#include "api/admin_api.hpp"
#include "api/admin_handlers.hpp"
#include "importer/event_generator.hpp"

namespace onstage::api::admin {
namespace {

namespace http = boost::beast::http;
using nlohmann::json;

// The result of the off-thread half of an import (run_on needs a default-constructible type).
struct Prepared {
    std::optional<importer::PreparedEvent> event;
    std::optional<importer::ImportError> error;
    std::vector<std::string> hashes;
};

struct Rotation {
    std::optional<domain::Event> event;
    std::vector<domain::Participant> people;
    std::vector<std::string> keys;
    std::vector<std::string> hashes;
};

HttpResponse import_error(const HttpRequest& req, const importer::ImportError& e) {
    json error{{"code", e.code}, {"message", e.message}};
    if (!e.file.empty()) {
        error["file"] = e.file;
        error["line"] = e.line;
        error["column"] = e.column;
    }
    const bool conflict = e.code == "event_exists";
    const bool internal = e.code == "store_failed";
    const auto status = conflict   ? http::status::conflict
                        : internal ? http::status::internal_server_error
                                   : http::status::unprocessable_entity;
    return json_response(req, status, json{{"error", std::move(error)}}.dump());
}

// The upload's text fields, checked for type; nullopt names the first bad one.
struct Upload {
    importer::CreateEventRequest request;
    std::string attendees, moderators, talent;
};

std::optional<Upload> read_upload(const json& body, std::string& bad_field) {
    Upload u;
    auto text = [&](const char* name, std::string& out) {
        const auto it = body.find(name);
        if (it == body.end() || !it->is_string()) {
            bad_field = name;
            return false;
        }
        out = it->get<std::string>();
        return true;
    };
    if (!text("name", u.request.name) || !text("base_url", u.request.base_url) ||
        !text("attendees_csv", u.attendees) || !text("moderators_csv", u.moderators) ||
        !text("talent_csv", u.talent)) {
        return std::nullopt;
    }
    if (const auto it = body.find("public"); it != body.end()) {
        if (!it->is_boolean()) {
            bad_field = "public";
            return std::nullopt;
        }
        u.request.is_public = it->get<bool>();
    }
    return u;
}

}  // namespace

asio::awaitable<HttpResponse> create_event(ServerContext& ctx, const HttpRequest& req) {
    if (req.body().size() > ctx.limits.max_upload_bytes) {
        co_return error_response(req, http::status::payload_too_large, "body_too_large",
                                 "The rosters are larger than the upload limit.");
    }
    const json body = json::parse(req.body(), nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        co_return error_response(req, http::status::bad_request, "bad_json",
                                 "The body must be a JSON object.");
    }
    std::string bad_field;
    auto upload = read_upload(body, bad_field);
    if (!upload) {
        co_return error_response(req, http::status::bad_request, "bad_field",
                                 "name, base_url, attendees_csv, moderators_csv and talent_csv "
                                 "are required strings, public a boolean; check " +
                                     bad_field + ".");
    }
    upload->request.now_ms = now_ms();
    // Parsing 100k rows and hashing keys is CPU work: the crypto pool, not this I/O thread.
    auto prepare = [u = std::move(*upload)] {
        Prepared out;
        const importer::RosterTexts texts{{"attendees.csv", u.attendees},
                                          {"moderators.csv", u.moderators},
                                          {"talent.csv", u.talent}};
        auto prepared = importer::prepare_event(u.request, texts);
        if (!prepared) {
            out.error = prepared.error();
            return out;
        }
        out.hashes = importer::hash_access_keys(prepared->access_keys);
        out.event = std::move(prepared).value();
        return out;
    };
    Prepared prepared = co_await run_on(ctx.crypto.get_executor(), std::move(prepare));
    if (prepared.error) {
        co_return import_error(req, *prepared.error);
    }
    auto write = [&prepared](store::Store& s) {
        return importer::store_prepared_event(s, *prepared.event, prepared.hashes);
    };
    const std::optional<importer::ImportError> failed = co_await ctx.store.run(std::move(write));
    if (failed) {
        co_return import_error(req, *failed);
    }
    const importer::PreparedEvent& created = *prepared.event;
    // Keys are shown this once, as by the CLI: only their hashes were stored.
    std::string out = "{\"event\":" + event_json(created.event).dump() + ",\"people\":" +
                      people_json(created.event, created.participants, created.access_keys) + "}";
    co_return json_response(req, http::status::created, std::move(out));
}

asio::awaitable<HttpResponse> rotate_keys(ServerContext& ctx, const HttpRequest& req,
                                          const std::string& event_id) {
    auto read = [id = event_id](store::Store& s) {
        EventPeople loaded = load_event_people(s, id, false);
        Rotation r;
        r.event = std::move(loaded.event);
        r.people = std::move(loaded.people);
        return r;
    };
    Rotation rotation = co_await ctx.store.run(std::move(read));
    if (!rotation.event) {
        co_return unknown_event(req);
    }
    auto draw = [people = rotation.people] {
        Rotation r;
        r.keys = importer::generate_access_keys(people);
        r.hashes = importer::hash_access_keys(r.keys);
        return r;
    };
    Rotation drawn = co_await run_on(ctx.crypto.get_executor(), std::move(draw));
    rotation.keys = std::move(drawn.keys);
    rotation.hashes = std::move(drawn.hashes);
    auto write = [&rotation](store::Store& s) {
        return importer::store_rotated_keys(s, *rotation.event, rotation.people, rotation.keys,
                                            rotation.hashes, now_ms());
    };
    const std::optional<importer::ImportError> failed = co_await ctx.store.run(std::move(write));
    if (failed) {
        co_return import_error(req, *failed);
    }
    std::vector<domain::Participant> staff;
    std::vector<std::string> staff_keys;
    for (std::size_t i = 0; i < rotation.people.size(); ++i) {
        if (!rotation.keys[i].empty()) {
            staff.push_back(rotation.people[i]);
            staff_keys.push_back(rotation.keys[i]);
        }
    }
    std::string out = "{\"event\":" + event_json(*rotation.event).dump() +
                      ",\"people\":" + people_json(*rotation.event, staff, staff_keys) + "}";
    co_return json_response(req, http::status::ok, std::move(out));
}

}  // namespace onstage::api::admin
