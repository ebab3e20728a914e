// Client frames → Commands. Every frame is untrusted: each check below turns a bad frame into a
// ProtocolError value, and nothing here throws (nlohmann is used in its non-throwing modes and
// every member is type-checked before it is read).
#include "api/protocol.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <initializer_list>
#include <string>
#include <utility>

namespace onstage::api::protocol {
namespace {

using nlohmann::json;

// Which members a command carries besides type and id.
enum Field : unsigned {
    kNone = 0,
    kHello = 1U << 0U,               // token, since; no id
    kQuestion = 1U << 1U,            // question
    kAttendeeId = 1U << 2U,          // attendee_id, required
    kOptionalAttendeeId = 1U << 3U,  // attendee_id, absent when the attendee speaks for themself
    kParticipantId = 1U << 4U,       // participant_id
    kReason = 1U << 5U,              // reason, optional
    kOnAir = 1U << 6U,               // on_air
    kRoomSource = 1U << 7U,          // room, source
    kSdp = 1U << 8U,                 // sdp
    kFeed = 1U << 9U,                // feed
    kSub = 1U << 10U,                // sub
    kTrickle = 1U << 11U,            // target, candidate (an object, or null)
    kLayout = 1U << 12U,             // layout, focus (optional)
};

struct Spec {
    CommandType type;
    std::string_view name;
    unsigned fields;
};

// In CommandType order, so to_string can index it.
constexpr std::array<Spec, kCommandTypes.size()> kSpecs{{
    {CommandType::hello, "hello", kHello},
    {CommandType::ping, "ping", kNone},
    {CommandType::raise, "raise", kQuestion},
    {CommandType::edit_question, "edit_question", kQuestion},
    {CommandType::lower, "lower", kNone},
    {CommandType::accept, "accept", kNone},
    {CommandType::decline, "decline", kNone},
    {CommandType::claim, "claim", kAttendeeId},
    {CommandType::release, "release", kAttendeeId},
    {CommandType::dismiss, "dismiss", kAttendeeId},
    {CommandType::invite, "invite", kAttendeeId},
    {CommandType::cancel_invite, "cancel_invite", kAttendeeId},
    {CommandType::end_interview, "end_interview", kOptionalAttendeeId},
    {CommandType::approve, "approve", kAttendeeId},
    {CommandType::reject, "reject", kAttendeeId},
    {CommandType::promote, "promote", kAttendeeId},
    {CommandType::demote, "demote", kAttendeeId},
    {CommandType::remove, "remove", kAttendeeId},
    {CommandType::kick, "kick", kAttendeeId | kReason},
    {CommandType::mute, "mute", kParticipantId},
    {CommandType::unmute, "unmute", kParticipantId},
    {CommandType::video_off, "video_off", kParticipantId},
    {CommandType::video_on, "video_on", kParticipantId},
    {CommandType::set_on_air, "set_on_air", kOnAir},
    {CommandType::sign_out, "sign_out", kNone},
    {CommandType::publish, "publish", kRoomSource | kSdp},
    {CommandType::unpublish, "unpublish", kRoomSource},
    {CommandType::subscribe, "subscribe", kFeed},
    {CommandType::answer, "answer", kSub | kSdp},
    {CommandType::unsubscribe, "unsubscribe", kSub},
    {CommandType::trickle, "trickle", kTrickle},
    {CommandType::broadcast_start, "broadcast_start", kNone},
    {CommandType::broadcast_stop, "broadcast_stop", kNone},
    {CommandType::set_layout, "set_layout", kLayout},
}};

constexpr bool specs_in_enum_order() {
    for (std::size_t i = 0; i < kSpecs.size(); ++i) {
        if (kSpecs[i].type != kCommandTypes[i] || static_cast<std::size_t>(kSpecs[i].type) != i) {
            return false;
        }
    }
    return true;
}
static_assert(specs_in_enum_order(), "kSpecs and kCommandTypes must follow CommandType");
static_assert(static_cast<std::size_t>(CommandType::set_layout) + 1 == kCommandTypes.size(),
              "a new CommandType needs an entry in kCommandTypes and kSpecs");

ProtocolError error(std::string_view code, std::string message, std::string id = {}) {
    return ProtocolError{
        .code = std::string(code), .message = std::move(message), .id = std::move(id)};
}

// Reads one member of a command object and reports the first problem with it.
class Reader {
public:
    Reader(const json& object, std::string id) : object_(object), id_(std::move(id)) {}

    // nullptr if absent; with `optional`, a null value counts as absent too.
    const json* find(std::string_view name, bool optional) const {
        const auto it = object_.find(name);
        if (it == object_.end() || (optional && it->is_null())) {
            return nullptr;
        }
        return &*it;
    }

    // A string member of min..max bytes. Absent: nullopt, and an error unless `optional`.
    std::optional<std::string> string(std::string_view name, std::size_t min, std::size_t max,
                                      bool optional = false) {
        const json* value = find(name, optional);
        if (value == nullptr) {
            if (!optional) {
                missing(name);
            }
            return std::nullopt;
        }
        if (!value->is_string()) {
            bad(name, "must be a string");
            return std::nullopt;
        }
        const auto& text = value->get_ref<const std::string&>();
        if (text.size() < min) {
            bad(name, "must not be empty");
            return std::nullopt;
        }
        if (text.size() > max) {
            bad(name, "must be at most " + std::to_string(max) + " bytes long");
            return std::nullopt;
        }
        return text;
    }

    std::optional<std::uint64_t> unsigned_integer(std::string_view name) {
        const json* value = find(name, false);
        if (value == nullptr) {
            missing(name);
            return std::nullopt;
        }
        if (!value->is_number_unsigned()) {
            bad(name, "must be a whole number, 0 or more");
            return std::nullopt;
        }
        return value->get<std::uint64_t>();
    }

    std::optional<bool> boolean(std::string_view name) {
        const json* value = find(name, false);
        if (value == nullptr) {
            missing(name);
            return std::nullopt;
        }
        if (!value->is_boolean()) {
            bad(name, "must be true or false");
            return std::nullopt;
        }
        return value->get<bool>();
    }

    // A string member that must be one of `allowed`.
    std::optional<std::string> one_of(std::string_view name,
                                      std::initializer_list<std::string_view> allowed) {
        auto text = string(name, 1, kMaxIdBytes);
        if (!text) {
            return std::nullopt;
        }
        for (const std::string_view a : allowed) {
            if (*text == a) {
                return text;
            }
        }
        std::string list;
        for (const std::string_view a : allowed) {
            list += list.empty() ? "" : ", ";
            list += a;
        }
        bad(name, "must be one of " + list);
        return std::nullopt;
    }

    // trickle's `candidate`: an RTCIceCandidateInit object, or null (gathering finished).
    std::optional<Command::Candidate> candidate() {
        const auto it = object_.find("candidate");
        if (it == object_.end()) {
            missing("candidate");
            return std::nullopt;
        }
        if (it->is_null()) {
            return std::nullopt;
        }
        if (!it->is_object()) {
            bad("candidate", "must be an object or null");
            return std::nullopt;
        }
        Reader inner(*it, id_);
        Command::Candidate out;
        out.candidate = inner.string("candidate", 0, kMaxCandidateBytes).value_or("");
        out.sdp_mid = inner.string("sdpMid", 0, kMaxMediaIdBytes, true).value_or("");
        if (const json* index = inner.find("sdpMLineIndex", true)) {
            if (!index->is_number_unsigned() || index->get<std::uint64_t>() > 255) {
                inner.bad("sdpMLineIndex", "must be a whole number 0..255");
            } else {
                out.sdp_mline_index = index->get<std::uint32_t>();
            }
        }
        if (inner.first_error()) {
            report(inner.first_error()->code, "In \"candidate\": " + inner.first_error()->message);
            return std::nullopt;
        }
        return out;
    }

    const std::optional<ProtocolError>& first_error() const { return error_; }

private:
    void missing(std::string_view name) {
        report("missing_field", "The field \"" + std::string(name) + "\" is missing.");
    }
    void bad(std::string_view name, const std::string& why) {
        report("bad_field", "The field \"" + std::string(name) + "\" " + why + ".");
    }
    void report(std::string_view code, std::string message) {
        if (!error_) {
            error_ = error(code, std::move(message), id_);
        }
    }

    const json& object_;
    std::string id_;
    std::optional<ProtocolError> error_;
};

// The frame's id, if it is one we may echo (a string of 1..kMaxIdBytes bytes).
std::string echoable_id(const json& object) {
    const auto it = object.find("id");
    if (it == object.end() || !it->is_string()) {
        return {};
    }
    const auto& id = it->get_ref<const std::string&>();
    return id.size() <= kMaxIdBytes ? id : std::string{};
}

// Fills the members `spec` asks for; the first problem wins.
Result<Command, ProtocolError> read_fields(const Spec& spec, Reader& in, Command command) {
    if ((spec.fields & kHello) != 0U) {
        command.token = in.string("token", 1, kMaxTokenBytes).value_or("");
        command.since = in.unsigned_integer("since").value_or(0);
    }
    if ((spec.fields & kQuestion) != 0U) {
        command.question = in.string("question", 0, kMaxQuestionBytes).value_or("");
    }
    if ((spec.fields & (kAttendeeId | kOptionalAttendeeId)) != 0U) {
        const bool optional = (spec.fields & kOptionalAttendeeId) != 0U;
        command.attendee_id =
            in.string("attendee_id", 1, kMaxParticipantIdBytes, optional).value_or("");
    }
    if ((spec.fields & kParticipantId) != 0U) {
        command.participant_id =
            in.string("participant_id", 1, kMaxParticipantIdBytes).value_or("");
    }
    if ((spec.fields & kReason) != 0U) {
        command.reason = in.string("reason", 0, kMaxReasonBytes, true).value_or("");
    }
    if ((spec.fields & kOnAir) != 0U) {
        command.on_air = in.boolean("on_air").value_or(false);
    }
    if ((spec.fields & kRoomSource) != 0U) {
        command.room = in.one_of("room", {"interview", "holding", "stage"}).value_or("");
        command.source = in.one_of("source", {"camera", "screen"}).value_or("");
    }
    if ((spec.fields & kFeed) != 0U) {
        command.feed = in.string("feed", 1, kMaxMediaIdBytes).value_or("");
    }
    if ((spec.fields & kSub) != 0U) {
        command.sub = in.string("sub", 1, kMaxMediaIdBytes).value_or("");
    }
    if ((spec.fields & kSdp) != 0U) {
        command.sdp = in.string("sdp", 1, kMaxSdpBytes).value_or("");
    }
    if ((spec.fields & kTrickle) != 0U) {
        command.target = in.string("target", 1, kMaxMediaIdBytes).value_or("");
        command.candidate = in.candidate();
    }
    if ((spec.fields & kLayout) != 0U) {
        command.layout =
            in.one_of("layout", {"auto", "solo", "side_by_side", "grid", "focus"}).value_or("");
        command.focus = in.string("focus", 1, kMaxParticipantIdBytes, true).value_or("");
    }
    if (in.first_error()) {
        return fail(*in.first_error());
    }
    return command;
}

Result<Command, ProtocolError> decode_object(const json& object) {
    std::string id = echoable_id(object);
    const auto type_it = object.find("type");
    if (type_it == object.end()) {
        return fail(error("missing_field", "The field \"type\" is missing.", std::move(id)));
    }
    if (!type_it->is_string()) {
        return fail(error("bad_field", "The field \"type\" must be a string.", std::move(id)));
    }
    const auto& name = type_it->get_ref<const std::string&>();
    const auto type = command_type_from_string(name);
    if (!type) {
        // Long names are not echoed: the message is logged and shown, and they are junk anyway.
        std::string message = name.size() <= kMaxIdBytes
                                  ? "There is no command called \"" + name + "\"."
                                  : std::string("There is no command of that type.");
        return fail(error("unknown_type", std::move(message), std::move(id)));
    }
    const Spec& spec = kSpecs.at(static_cast<std::size_t>(*type));
    Command command;
    command.type = *type;
    Reader in(object, (spec.fields & kHello) != 0U ? std::string{} : id);
    if ((spec.fields & kHello) == 0U) {
        command.id = in.string("id", 1, kMaxIdBytes).value_or("");
    }
    return read_fields(spec, in, std::move(command));
}

}  // namespace

std::string_view to_string(CommandType type) {
    const auto index = static_cast<std::size_t>(type);
    return index < kSpecs.size() ? kSpecs.at(index).name : std::string_view("ping");
}

std::optional<CommandType> command_type_from_string(std::string_view name) {
    for (const Spec& spec : kSpecs) {
        if (spec.name == name) {
            return spec.type;
        }
    }
    return std::nullopt;
}

Result<Command, ProtocolError> decode_command(std::string_view text) {
    if (text.size() > kMaxClientFrameBytes) {
        return fail(error(
            "frame_too_large",
            "A message may be at most " + std::to_string(kMaxClientFrameBytes) + " bytes long."));
    }
    // Non-throwing parse: a syntax error (including ill-formed UTF-8) gives a "discarded" value.
    // The catch is for the remaining throw sites (e.g. allocation failure on a hostile frame),
    // because this function promises never to throw on client input.
    json object;
    try {
        object = json::parse(text, nullptr, false);
    } catch (const std::exception&) {
        object = json(json::value_t::discarded);
    }
    if (object.is_discarded()) {
        return fail(error("bad_json", "The message is not valid JSON."));
    }
    if (!object.is_object()) {
        return fail(error("bad_message", "A message must be a JSON object."));
    }
    return decode_object(object);
}

}  // namespace onstage::api::protocol
