#include "sfu/posting_frame_sink.h"

namespace rtcgate::sfu {

PostingFrameSink::PostingFrameSink(Executor& executor, std::weak_ptr<FrameTarget> target, FrameWants wants)
    : executor_(executor), target_(std::move(target)), wants_(wants) {}

void PostingFrameSink::onFrame(const std::shared_ptr<const media::MediaFrame>& frame) {
  const bool video = media::isVideo(frame->codec);
  if (video && skipVideo_ && !frame->keyframe) {
    ++dropped_;
    return;
  }
  if (inFlight_->load(std::memory_order_relaxed) >= kMaxInFlight) {
    ++dropped_;
    if (video) skipVideo_ = true;
    return;
  }
  if (video) skipVideo_ = false;
  inFlight_->fetch_add(1, std::memory_order_relaxed);
  executor_.post([target = target_, frame, inFlight = inFlight_] {
    inFlight->fetch_sub(1, std::memory_order_relaxed);
    if (auto t = target.lock()) t->onFrame(frame);
  });
}

void PostingFrameSink::onStreamEnded(std::string_view reason) {
  executor_.post([target = target_, reason = std::string(reason)] {
    if (auto t = target.lock()) t->onStreamEnded(reason);
  });
}

}  // namespace rtcgate::sfu
