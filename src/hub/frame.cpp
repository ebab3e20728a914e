#include "hub/frame.hpp"

#include <utility>

namespace onstage::hub {

Payload make_payload(std::string json) {
    return std::make_shared<const std::string>(std::move(json));
}

std::size_t payload_bytes(const Payload& payload) {
    return payload ? payload->size() : 0;
}

}  // namespace onstage::hub
