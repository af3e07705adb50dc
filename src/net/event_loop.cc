#include "net/event_loop.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace rtcgate::net {

EventLoop::EventLoop(std::string name) : name_(std::move(name)), work_(io_.get_executor()) {}

EventLoop::~EventLoop() { stop(); }

void EventLoop::start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
    runHere();
  });
}

void EventLoop::runHere() {
  threadId_ = std::this_thread::get_id();
  // A task that throws loses its own work, not the loop: io_context::run() may be called
  // again after a handler's exception (its queue is intact) and returns normally on stop().
  for (;;) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      taskExceptions_.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("{}: a task threw and was abandoned: {}", name_, e.what());
    } catch (...) {
      taskExceptions_.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("{}: a task threw a non-exception and was abandoned", name_);
    }
  }
}

void EventLoop::stop() {
  work_.reset();
  io_.stop();
  if (thread_.joinable() && std::this_thread::get_id() != thread_.get_id()) thread_.join();
}

void Timer::startUs(int64_t delayUs, std::function<void()> fn) {
  timer_.expires_after(std::chrono::microseconds(delayUs < 0 ? 0 : delayUs));
  timer_.async_wait([fn = std::move(fn)](const boost::system::error_code& ec) {
    if (!ec) fn();
  });
}

}  // namespace rtcgate::net
