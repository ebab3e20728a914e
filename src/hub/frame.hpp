// One serialized server event and its place in a participant's stream. A Payload is immutable
// once made, so one object is shared by every recipient (and thread) instead of copied per tab.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace onstage::hub {

using Payload = std::shared_ptr<const std::string>;

Payload make_payload(std::string json);

// Bytes the payload occupies; 0 for a null payload.
std::size_t payload_bytes(const Payload& payload);

struct Frame {
    std::uint64_t seq = 0;  // position in the recipient's stream; 0 for frames outside it
    Payload payload;
};

}  // namespace onstage::hub
