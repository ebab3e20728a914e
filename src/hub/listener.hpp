// What the hub calls for every frame of a participant's stream: one Listener per connected tab.
// Called on the event's strand; an implementation must not call back into the hub from
// deliver(), nor throw from it (it typically posts the frame to its own connection's strand).
#pragma once

#include "hub/frame.hpp"

namespace onstage::hub {

class Listener {
public:
    virtual ~Listener() = default;
    virtual void deliver(const Frame& frame) = 0;
};

}  // namespace onstage::hub
