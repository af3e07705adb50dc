#include "codec/codec_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "codec_test_media.h"

namespace rtcgate::codec {
namespace {

using media::MediaCodec;
using media::MediaFrame;
using namespace std::chrono_literals;

// A thread's queue of closures, run by the test's own loop.
class TestExecutor final : public Executor {
 public:
  void post(std::function<void()> fn) override {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
    cv_.notify_one();
  }

  // Runs posted closures on this thread until `done` holds or `timeout` passes.
  bool runUntil(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      std::unique_lock lock(mutex_);
      if (!cv_.wait_until(lock, deadline, [this] { return !queue_.empty(); })) return done();
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
    }
    return true;
  }

  // Runs whatever is queued now.
  void runPending() {
    for (;;) {
      std::unique_lock lock(mutex_);
      if (queue_.empty()) return;
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
};

// Counts what reaches an owner; the counters live outside it so a test can watch a
// destroyed owner too.
struct Tally {
  int frames = 0;
  int keyframes = 0;
  int failures = 0;
  std::string reason;
  std::thread::id thread;
};

class Recorder final : public TranscodeOutput {
 public:
  explicit Recorder(Tally& tally) : tally_(tally) {}
  void onTranscodedFrame(std::shared_ptr<const MediaFrame> frame) override {
    ++tally_.frames;
    tally_.keyframes += frame->keyframe ? 1 : 0;
    tally_.thread = std::this_thread::get_id();
  }
  void onTranscodeFailed(std::string reason) override {
    ++tally_.failures;
    tally_.reason = std::move(reason);
  }

 private:
  Tally& tally_;
};

std::vector<std::shared_ptr<const MediaFrame>> shared(const std::vector<MediaFrame>& frames) {
  std::vector<std::shared_ptr<const MediaFrame>> out;
  for (const auto& f : frames) out.push_back(std::make_shared<const MediaFrame>(f));
  return out;
}

TranscodeSpec vp8ToH264() {
  TranscodeSpec spec;
  spec.from = MediaCodec::kVp8;
  spec.to = MediaCodec::kH264;
  return spec;
}

void waitFor(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
}

TEST(CodecPoolTest, ResultsArriveOnTheOwnersExecutor) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 320, 240, 30));
  CodecPool pool(2, 64);
  EXPECT_EQ(pool.threads(), 2u);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto handle = pool.start(vp8ToH264(), executor, owner);
  for (const auto& f : frames) EXPECT_TRUE(handle->submit(f));
  ASSERT_TRUE(executor.runUntil([&] { return tally.frames >= 30; }));
  EXPECT_EQ(tally.thread, std::this_thread::get_id());
  EXPECT_GE(tally.keyframes, 1);
  EXPECT_EQ(handle->stats().framesIn, 30u);
  EXPECT_EQ(handle->stats().framesOut, 30u);
  EXPECT_EQ(handle->stats().framesDropped, 0u);
  EXPECT_EQ(handle->stats().decodeErrors, 0u);
  EXPECT_GT(handle->stats().busyUs, 0u);
  EXPECT_FALSE(handle->wantsKeyframe());
  EXPECT_EQ(handle->spec().to, MediaCodec::kH264);
}

TEST(CodecPoolTest, AudioTranscodeRunsToo) {
  const auto frames = shared(testing::encodeSine(MediaCodec::kAac, 44'100, 2, 500));
  CodecPool pool(1, 64);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  TranscodeSpec spec;
  spec.from = MediaCodec::kAac;
  spec.to = MediaCodec::kOpus;
  auto handle = pool.start(spec, executor, owner);
  for (const auto& f : frames) EXPECT_TRUE(handle->submit(f));
  ASSERT_TRUE(executor.runUntil([&] { return tally.frames >= 20; }));
  EXPECT_EQ(tally.failures, 0);
}

TEST(CodecPoolTest, FullQueueDropsAndSkipsUntilTheNextKeyframe) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 640, 480, 60, 1000));
  CodecPool pool(1, 2);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto handle = pool.start(vp8ToH264(), executor, owner);
  int refused = 0;
  for (const auto& f : frames) refused += handle->submit(f) ? 0 : 1;
  EXPECT_GT(refused, 0);
  EXPECT_TRUE(handle->wantsKeyframe());
  EXPECT_GE(handle->stats().framesDropped, static_cast<uint64_t>(refused));
  // Every accepted frame gives one output frame.
  waitFor([&] { return handle->stats().framesOut + handle->stats().framesDropped == 60u; });
  ASSERT_EQ(handle->stats().framesOut + handle->stats().framesDropped, 60u);
  // Still waiting: delta frames are not decoded after the drop.
  const uint64_t outBefore = handle->stats().framesOut;
  EXPECT_TRUE(handle->submit(frames[59]));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(handle->stats().framesOut, outBefore);
  EXPECT_TRUE(handle->wantsKeyframe());
  // A keyframe ends the wait.
  MediaFrame key = *frames[0];
  key.ptsUs = frames[59]->ptsUs + testing::kFrameUs;
  key.dtsUs = key.ptsUs;
  EXPECT_TRUE(handle->submit(std::make_shared<const MediaFrame>(key)));
  EXPECT_FALSE(handle->wantsKeyframe());
  waitFor([&] { return handle->stats().framesOut == outBefore + 1; });
  EXPECT_EQ(handle->stats().framesOut, outBefore + 1);
}

TEST(CodecPoolTest, RequestKeyframeReachesTheEncoder) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 320, 240, 30, 1000));
  CodecPool pool(1, 64);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto handle = pool.start(vp8ToH264(), executor, owner);
  for (int i = 0; i < 10; ++i) handle->submit(frames[i]);
  ASSERT_TRUE(executor.runUntil([&] { return tally.frames >= 10; }));
  EXPECT_EQ(tally.keyframes, 1);
  handle->requestKeyframe();
  handle->submit(frames[10]);
  ASSERT_TRUE(executor.runUntil([&] { return tally.frames >= 11; }));
  EXPECT_EQ(tally.keyframes, 2);
}

TEST(CodecPoolTest, ADestroyedOwnerReceivesNothing) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 320, 240, 10));
  CodecPool pool(1, 64);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto handle = pool.start(vp8ToH264(), executor, owner);
  for (const auto& f : frames) handle->submit(f);
  waitFor([&] { return handle->stats().framesOut == 10u; });
  ASSERT_EQ(handle->stats().framesOut, 10u);
  owner.reset();
  executor.runPending();
  EXPECT_EQ(tally.frames, 0);
}

TEST(CodecPoolTest, FailureToCreateIsReported) {
  CodecPool pool(1);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  TranscodeSpec spec;
  spec.from = MediaCodec::kOpus;
  spec.to = MediaCodec::kH264;
  auto handle = pool.start(spec, executor, owner);
  ASSERT_TRUE(executor.runUntil([&] { return tally.failures > 0; }));
  EXPECT_FALSE(tally.reason.empty());
  handle->submit(std::make_shared<const MediaFrame>());
  waitFor([&] { return handle->stats().framesDropped == 1u; });
  EXPECT_EQ(handle->stats().framesDropped, 1u);
}

TEST(CodecPoolTest, DecodeErrorsAreCounted) {
  const auto frames = testing::encodeVideo(MediaCodec::kVp8, 320, 240, 3);
  CodecPool pool(1, 64);
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto handle = pool.start(vp8ToH264(), executor, owner);
  handle->submit(std::make_shared<const MediaFrame>(frames[0]));
  MediaFrame broken = frames[1];
  broken.data.assign(3, 0xff);
  handle->submit(std::make_shared<const MediaFrame>(broken));
  handle->submit(std::make_shared<const MediaFrame>(frames[2]));
  ASSERT_TRUE(executor.runUntil([&] { return tally.frames >= 2; }));
  EXPECT_EQ(handle->stats().decodeErrors, 1u);
  EXPECT_EQ(tally.failures, 0);
}

TEST(CodecPoolTest, HandlesDestroyedMidFlightLeaveThePoolClean) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 320, 240, 30));
  const auto audio = shared(testing::encodeSine(MediaCodec::kAac, 44'100, 2, 300));
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  {
    CodecPool pool(2, 16);
    for (int round = 0; round < 4; ++round) {
      std::vector<std::unique_ptr<TranscodeHandle>> handles;
      for (int i = 0; i < 3; ++i) handles.push_back(pool.start(vp8ToH264(), executor, owner));
      TranscodeSpec spec;
      spec.from = MediaCodec::kAac;
      spec.to = MediaCodec::kOpus;
      handles.push_back(pool.start(spec, executor, owner));
      for (size_t i = 0; i < frames.size(); ++i) {
        for (int h = 0; h < 3; ++h) {
          if (handles[h]) handles[h]->submit(frames[i]);
        }
        if (i < audio.size()) handles[3]->submit(audio[i]);
        if (i == static_cast<size_t>(round * 5)) handles[round % 3].reset();
      }
      handles.clear();  // while the pool threads are busy with them
      // Nothing of a stopped transcode reaches its owner, even if already posted.
      const int before = tally.frames;
      executor.runPending();
      EXPECT_EQ(tally.frames, before);
    }
  }
  executor.runPending();
}

// Transcodes are bounded across the whole process: past the cap start() refuses, and a
// stopped transcode frees its place.
TEST(CodecPoolTest, StartRefusesPastTheCap) {
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  CodecPool pool(1, 8, 2);
  auto a = pool.start(vp8ToH264(), executor, owner);
  auto b = pool.start(vp8ToH264(), executor, owner);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(pool.running(), 2u);
  EXPECT_EQ(pool.start(vp8ToH264(), executor, owner), nullptr);
  a.reset();
  EXPECT_EQ(pool.running(), 1u);
  auto c = pool.start(vp8ToH264(), executor, owner);
  EXPECT_NE(c, nullptr);
  b.reset();
  c.reset();
  executor.runPending();
}

TEST(CodecPoolTest, AHandleMayOutliveThePool) {
  const auto frames = shared(testing::encodeVideo(MediaCodec::kVp8, 320, 240, 2));
  TestExecutor executor;
  Tally tally;
  auto owner = std::make_shared<Recorder>(tally);
  auto pool = std::make_unique<CodecPool>(1);
  auto handle = pool->start(vp8ToH264(), executor, owner);
  handle->submit(frames[0]);
  pool.reset();
  EXPECT_FALSE(handle->submit(frames[1]));
  handle.reset();
  executor.runPending();
}

}  // namespace
}  // namespace rtcgate::codec
