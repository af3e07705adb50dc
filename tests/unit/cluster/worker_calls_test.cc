// WorkerCalls with real event loops: answers come back as posted completions, a request
// that times out is skipped (not started yet) or undone (started), never completed later.
#include "cluster/worker_calls.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace rtcgate::cluster {
namespace {

using namespace std::chrono_literals;

class WorkerCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    control.start();
    worker.start();
  }
  void TearDown() override {
    worker.stop();
    control.stop();
  }
  // Runs `fn` on the control thread and waits for it (the test thread is not the control thread).
  template <typename Fn>
  void onControl(Fn fn) {
    std::promise<void> done;
    control.post([&] {
      fn();
      done.set_value();
    });
    done.get_future().wait();
  }
  WorkerCalls::Post post() {
    return [this](std::function<void()> fn) { worker.post(std::move(fn)); };
  }

  net::EventLoop control{"control"};
  net::EventLoop worker{"worker"};
  WorkerCalls calls{control};
  std::atomic<int> applied{0};
  std::atomic<int> undone{0};
};

TEST_F(WorkerCallsTest, AnswerComesBackOnTheControlThread) {
  std::promise<std::pair<int, bool>> answer;
  onControl([&] {
    calls.call<int>(
        post(), [this] { return ++applied; }, nullptr, -1, 1'000'000,
        [&](int v) { answer.set_value({v, control.inLoopThread()}); });
  });
  auto [value, onControlThread] = answer.get_future().get();
  EXPECT_EQ(value, 1);
  EXPECT_TRUE(onControlThread);
  onControl([&] { EXPECT_EQ(calls.pending(), 0u); });
}

// The worker is busy with something else past the deadline: the request never runs.
TEST_F(WorkerCallsTest, RequestNotStartedBeforeTheDeadlineIsSkipped) {
  worker.post([] { std::this_thread::sleep_for(300ms); });
  std::promise<int> answer;
  const auto start = std::chrono::steady_clock::now();
  onControl([&] {
    calls.call<int>(
        post(), [this] { return ++applied; }, [this] { ++undone; }, -1, 50'000, [&](int v) { answer.set_value(v); });
  });
  EXPECT_EQ(answer.get_future().get(), -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);  // not held up by the busy worker
  std::this_thread::sleep_for(400ms);                          // the worker gets through its queue
  EXPECT_EQ(applied, 0);
  EXPECT_EQ(undone, 0);
  onControl([&] {
    EXPECT_EQ(calls.pending(), 0u);
    EXPECT_EQ(calls.timeouts(), 1u);
  });
}

// The request itself runs past the deadline: it is undone right after it, and its late
// answer is dropped.
TEST_F(WorkerCallsTest, RequestThatRanPastTheDeadlineIsUndone) {
  std::promise<int> answer;
  int answers = 0;
  onControl([&] {
    calls.call<int>(
        post(),
        [this] {
          std::this_thread::sleep_for(200ms);
          return ++applied;
        },
        [this] { ++undone; }, -1, 50'000,
        [&](int v) {
          ++answers;
          answer.set_value(v);
        });
  });
  EXPECT_EQ(answer.get_future().get(), -1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(applied, 1);
  EXPECT_EQ(undone, 1);
  onControl([&] {
    EXPECT_EQ(answers, 1);  // the late answer was not delivered
    EXPECT_EQ(calls.pending(), 0u);
  });
}

// A gather answers within its wait even when one of the workers is stalled.
TEST_F(WorkerCallsTest, GatherDoesNotWaitForAStalledWorker) {
  net::EventLoop stalled("stalled");
  stalled.start();
  stalled.post([] { std::this_thread::sleep_for(500ms); });
  std::promise<std::vector<std::optional<int>>> answer;
  const auto start = std::chrono::steady_clock::now();
  onControl([&] {
    calls.gather<int>(
        2,
        [&](size_t i, std::function<void()> fn) {
          if (i == 0) worker.post(std::move(fn));
          else stalled.post(std::move(fn));
        },
        [](size_t i) { return static_cast<int>(i) + 10; }, 40'000,
        [&](std::vector<std::optional<int>> v) { answer.set_value(std::move(v)); });
  });
  const auto v = answer.get_future().get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 150ms);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], 10);
  EXPECT_FALSE(v[1].has_value());
  std::this_thread::sleep_for(600ms);
  stalled.stop();
  onControl([&] { EXPECT_EQ(calls.pending(), 0u); });
}

}  // namespace
}  // namespace rtcgate::cluster
