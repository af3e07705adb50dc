#include "net/event_loop.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtcgate::net {
namespace {

// A posted task that throws used to end the process (the exception left io_context::run()
// on a thread); now it is logged, counted and abandoned, and the loop goes on.
TEST(EventLoop, ATaskThatThrowsDoesNotEndTheLoop) {
  EventLoop loop("test");
  int ran = 0;
  loop.post([] { throw std::runtime_error("boom"); });
  loop.post([&] { ++ran; });
  loop.post([] { throw 42; });
  loop.post([&] {
    ++ran;
    loop.stop();
  });
  loop.runHere();
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(loop.taskExceptions(), 2u);
}

TEST(EventLoop, ThreadedLoopSurvivesAThrowingTask) {
  EventLoop loop("test-thread");
  std::atomic<int> ran{0};
  loop.start();
  loop.post([] { throw std::runtime_error("boom"); });
  loop.post([&] { ran = 1; });
  for (int i = 0; i < 1000 && ran == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(loop.taskExceptions(), 1u);
  loop.stop();
}

}  // namespace
}  // namespace rtcgate::net
