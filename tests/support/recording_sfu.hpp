// A fake SFU that records every request as a line of text and answers as Janus would, or
// fails the next request on demand. For unit tests of the code that drives an Sfu: the real
// Janus is exercised by the integration and browser tests.
#pragma once

#include <utility>  // before Asio: GCC 12 + Boost 1.74 need std::exchange declared

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/sfu.hpp"

namespace onstage::media {

class RecordingSfu : public Sfu {
public:
    std::vector<std::string> calls;
    std::optional<SfuError> fail_next;  // the next request fails with this
    HandleId next_handle = 100;
    std::uint64_t next_forwarder = 1;

    asio::awaitable<SfuResult<Ok>> create_room(RoomSpec spec) override {
        co_return record<Ok>("create_room " + std::to_string(spec.id), Ok{});
    }
    asio::awaitable<SfuResult<Ok>> destroy_room(RoomId room) override {
        co_return record<Ok>("destroy_room " + std::to_string(room), Ok{});
    }
    asio::awaitable<SfuResult<Publication>> publish(RoomId room, FeedId feed, std::string display,
                                                    std::string sdp_offer) override {
        Publication p;
        p.handle = next_handle++;
        p.sdp_answer = "answer to " + sdp_offer;
        p.streams = {{"0", "audio"}, {"1", "video"}};
        co_return record<Publication>(
            "publish " + std::to_string(room) + " " + std::to_string(feed) + " " + display, p);
    }
    asio::awaitable<SfuResult<Subscription>> subscribe(RoomId room, FeedId feed) override {
        Subscription s;
        s.handle = next_handle++;
        s.sdp_offer = "offer of " + std::to_string(feed);
        co_return record<Subscription>(
            "subscribe " + std::to_string(room) + " " + std::to_string(feed), s);
    }
    asio::awaitable<SfuResult<Ok>> start(HandleId handle, std::string sdp_answer) override {
        co_return record<Ok>("start " + std::to_string(handle) + " " + sdp_answer, Ok{});
    }
    asio::awaitable<SfuResult<Ok>> trickle(HandleId handle,
                                           std::optional<Candidate> candidate) override {
        co_return record<Ok>("trickle " + std::to_string(handle) + " " +
                                 (candidate ? candidate->candidate : "completed"),
                             Ok{});
    }
    asio::awaitable<SfuResult<Ok>> hangup(HandleId handle) override {
        co_return record<Ok>("hangup " + std::to_string(handle), Ok{});
    }
    asio::awaitable<SfuResult<Ok>> moderate(RoomId, FeedId feed, std::string mid,
                                            bool mute) override {
        co_return record<Ok>(
            "moderate " + std::to_string(feed) + " mid " + mid + (mute ? " mute" : " unmute"),
            Ok{});
    }
    asio::awaitable<SfuResult<Ok>> kick(RoomId, FeedId feed) override {
        co_return record<Ok>("kick " + std::to_string(feed), Ok{});
    }
    // Forwarder ids count up from 1; the call lists feed, host and each mid:port/pt.
    asio::awaitable<SfuResult<std::vector<std::uint64_t>>> rtp_forward(
        RoomId, FeedId feed, std::string host, std::vector<ForwardStream> streams) override {
        std::string call = "rtp_forward " + std::to_string(feed) + " " + host;
        std::vector<std::uint64_t> ids;
        for (const auto& s : streams) {
            call += " " + s.mid + ":" + std::to_string(s.port) + "/" + std::to_string(s.pt);
            ids.push_back(next_forwarder++);
        }
        co_return record<std::vector<std::uint64_t>>(std::move(call), std::move(ids));
    }
    asio::awaitable<SfuResult<Ok>> stop_rtp_forward(RoomId, FeedId feed,
                                                    std::uint64_t forwarder) override {
        co_return record<Ok>(
            "stop_rtp_forward " + std::to_string(feed) + " " + std::to_string(forwarder), Ok{});
    }
    void set_listener(std::function<void(const SfuEvent&)>) override {}

    bool called(std::string_view prefix) const {
        for (const auto& c : calls) {
            if (c.starts_with(prefix)) {
                return true;
            }
        }
        return false;
    }

private:
    template <typename T>
    SfuResult<T> record(std::string call, T value) {
        calls.push_back(std::move(call));
        if (fail_next) {
            SfuError e = *fail_next;
            fail_next.reset();
            return fail(std::move(e));
        }
        return value;
    }
};

}  // namespace onstage::media
