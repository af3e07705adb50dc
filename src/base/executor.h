#pragma once
// Executor: a thread's queue of closures (a media worker's loop, the control loop), so a
// codec pool or another thread can hand results back without sharing state.

#include <functional>

namespace rtcgate {

class Executor {
 public:
  virtual ~Executor() = default;
  // Queues `fn` to run later on the executor's thread. Callable from any thread.
  virtual void post(std::function<void()> fn) = 0;
};

}  // namespace rtcgate
