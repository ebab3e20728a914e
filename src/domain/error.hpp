// Why a domain command was refused. Every refusal is an ordinary outcome (untrusted input, a
// command that arrived too late), returned as a value; the API layer turns it into a protocol
// error whose `code` is to_string(ErrorCode). Pure data, no I/O; safe to use from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace onstage::domain {

enum class ErrorCode : std::uint8_t {
    unknown_participant,  // an id that is not a participant of this event
    not_an_attendee,      // the subject of a stage command is a moderator or talent
    forbidden,            // the actor's role may not issue this command (or not for this subject)
    kicked,               // the attendee was kicked; nothing more happens to them
    question_empty,       // nothing left after trimming white space
    question_too_long,    // more than limits::kMaxQuestionChars code points
    invalid_utf8,         // the question is not valid UTF-8
    no_hand_raised,       // the attendee is watching, the command needs a raised hand
    already_raised,       // raise while the attendee already has a hand up (or is further on)
    already_claimed,      // claim of a hand that is already in a moderator's queue
    not_your_queue,       // a moderator acting on another moderator's queue/invite/interview
    moderator_busy,       // the moderator already has an attendee invited or interviewing
    not_invited,          // accept/decline/cancel without a pending invite
    not_interviewing,     // approve/reject/end outside an interview
    not_in_holding,       // promote/remove of an attendee who is neither holding nor live
    not_live,             // demote of an attendee who is not live
    invalid_state,        // a legal command in a state where no more specific code fits
};

// Stable snake_case names (the protocol's error codes); never renamed once shipped.
std::string_view to_string(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::invalid_state;
    std::string message;  // one human sentence for the UI and the log
};

}  // namespace onstage::domain
