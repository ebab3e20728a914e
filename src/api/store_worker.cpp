#include "api/store_worker.hpp"

#include <boost/asio/post.hpp>

#include <future>

namespace onstage::api {

StoreWorker::StoreWorker(std::unique_ptr<store::Store> store)
    : store_(std::move(store)), work_(ioc_.get_executor()), thread_([this] { ioc_.run(); }) {}

StoreWorker::~StoreWorker() {
    work_.reset();
    thread_.join();
}

void StoreWorker::flush() {
    std::promise<void> done;
    asio::post(ioc_, [&done] { done.set_value(); });
    done.get_future().wait();
}

}  // namespace onstage::api
