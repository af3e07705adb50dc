#pragma once
// PostingFrameSink: the worker-side stand-in of a frame consumer that lives on another
// thread (an RTMP player's or RTMP push's connection on the control loop). Frames are
// handed over as shared references by posting; a consumer that falls behind loses video
// up to the next keyframe instead of queueing without bound.

#include <atomic>
#include <memory>
#include <string>

#include "base/executor.h"
#include "sfu/frame_sink.h"

namespace rtcgate::sfu {

// The consumer, on its own thread.
class FrameTarget {
 public:
  virtual ~FrameTarget() = default;
  virtual void onFrame(std::shared_ptr<const media::MediaFrame> frame) = 0;
  virtual void onStreamEnded(const std::string& reason) = 0;
};

class PostingFrameSink final : public FrameSink {
 public:
  // At most this many frames posted and not yet taken by the target.
  static constexpr int kMaxInFlight = 240;

  PostingFrameSink(Executor& target_thread, std::weak_ptr<FrameTarget> target, FrameWants wants);

  const FrameWants& wants() const noexcept override { return wants_; }
  void onFrame(const std::shared_ptr<const media::MediaFrame>& frame) override;
  void onStreamEnded(std::string_view reason) override;
  uint64_t dropped() const noexcept { return dropped_; }

 private:
  Executor& executor_;
  std::weak_ptr<FrameTarget> target_;
  FrameWants wants_;
  std::shared_ptr<std::atomic<int>> inFlight_ = std::make_shared<std::atomic<int>>(0);
  bool skipVideo_ = false;  // dropped a video frame: skip to the next keyframe
  uint64_t dropped_ = 0;
};

}  // namespace rtcgate::sfu
