#pragma once
// EventLoop: one Boost.Asio io_context run by one thread; a media worker or the control thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

namespace rtcgate::net {

class EventLoop {
 public:
  explicit EventLoop(std::string name);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Starts the loop on its own thread; stop() ends it and joins.
  void start();
  void stop();
  // Runs the loop on the calling thread until stop() (for the main thread / tests).
  void runHere();

  boost::asio::io_context& context() noexcept { return io_; }
  const std::string& name() const noexcept { return name_; }
  bool inLoopThread() const noexcept { return std::this_thread::get_id() == threadId_; }
  // Tasks that threw (each logged and abandoned; the loop went on). Any thread may read it.
  uint64_t taskExceptions() const noexcept { return taskExceptions_.load(std::memory_order_relaxed); }

  // Queues `fn` to run on the loop thread (the only way other threads touch its state).
  template <typename Fn>
  void post(Fn&& fn) {
    boost::asio::post(io_, std::forward<Fn>(fn));
  }

 private:
  std::string name_;
  boost::asio::io_context io_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::thread thread_;
  std::thread::id threadId_;
  std::atomic<uint64_t> taskExceptions_{0};
};

// A restartable one-shot timer on a loop; the callback runs on the loop thread.
class Timer {
 public:
  explicit Timer(EventLoop& loop) : timer_(loop.context()) {}
  // Arms (or re-arms) the timer to fire `fn` after `delayUs`.
  void startUs(int64_t delayUs, std::function<void()> fn);
  void cancel() { timer_.cancel(); }

 private:
  boost::asio::steady_timer timer_;
};

}  // namespace rtcgate::net
