#include "domain/error.hpp"

namespace onstage::domain {

std::string_view to_string(ErrorCode code) {
    switch (code) {
    case ErrorCode::unknown_participant:
        return "unknown_participant";
    case ErrorCode::not_an_attendee:
        return "not_an_attendee";
    case ErrorCode::forbidden:
        return "forbidden";
    case ErrorCode::kicked:
        return "kicked";
    case ErrorCode::question_empty:
        return "question_empty";
    case ErrorCode::question_too_long:
        return "question_too_long";
    case ErrorCode::invalid_utf8:
        return "invalid_utf8";
    case ErrorCode::no_hand_raised:
        return "no_hand_raised";
    case ErrorCode::already_raised:
        return "already_raised";
    case ErrorCode::already_claimed:
        return "already_claimed";
    case ErrorCode::not_your_queue:
        return "not_your_queue";
    case ErrorCode::moderator_busy:
        return "moderator_busy";
    case ErrorCode::not_invited:
        return "not_invited";
    case ErrorCode::not_interviewing:
        return "not_interviewing";
    case ErrorCode::not_in_holding:
        return "not_in_holding";
    case ErrorCode::not_live:
        return "not_live";
    case ErrorCode::invalid_state:
        return "invalid_state";
    }
    return "invalid_state";
}

}  // namespace onstage::domain
