#pragma once
// Running test code on an event loop's thread and waiting for conditions there.

#include <chrono>
#include <future>
#include <thread>
#include <type_traits>

#include "net/event_loop.h"

namespace rtcgate::test {

// Runs `fn` on `loop`'s thread and returns its result.
template <typename Fn>
auto onLoop(net::EventLoop& loop, Fn fn) -> std::invoke_result_t<Fn> {
  using R = std::invoke_result_t<Fn>;
  std::promise<R> done;
  auto result = done.get_future();
  loop.post([&] {
    if constexpr (std::is_void_v<R>) {
      fn();
      done.set_value();
    } else {
      done.set_value(fn());
    }
  });
  return result.get();
}

// Polls `cond` on the loop until it holds or `timeout` passes.
template <typename Cond>
bool eventually(net::EventLoop& loop, Cond cond, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (onLoop(loop, cond)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace rtcgate::test
