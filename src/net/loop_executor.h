#pragma once
// LoopExecutor: an event loop seen as an Executor (the control loop, for frames that
// workers hand to RTMP connections).

#include "base/executor.h"
#include "net/event_loop.h"

namespace rtcgate::net {

class LoopExecutor final : public Executor {
 public:
  explicit LoopExecutor(net::EventLoop& loop) : loop_(loop) {}
  void post(std::function<void()> fn) override { loop_.post(std::move(fn)); }

 private:
  net::EventLoop& loop_;
};

}  // namespace rtcgate::net
