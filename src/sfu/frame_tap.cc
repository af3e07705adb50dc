#include "sfu/frame_tap.h"

#include "media/h264_depacketizer.h"
#include "media/vp8_depacketizer.h"
#include "sfu/stream.h"

namespace rtcgate::sfu {

FrameTap::FrameTap() = default;
FrameTap::~FrameTap() = default;

void FrameTap::onPacket(const ForwardedPacket& p, int videoLayer, std::vector<media::MediaFrame>& out) {
  if (!p.codec) return;
  if (startUs_ < 0) startUs_ = p.receivedUs;
  const size_t before = out.size();
  if (p.kind == MediaKind::kAudio) {
    if (*p.codec != media::MediaCodec::kOpus) return;
    if (!audio_) audio_ = std::make_unique<media::OpusDepacketizer>();
    audio_->push(p.rtp, out);
    align(MediaKind::kAudio, p.receivedUs, out, before);
    return;
  }
  if (p.layer != videoLayer) return;
  if (!video_ || videoLayer != videoLayer_ || videoCodec_ != p.codec) {
    // A new source of video: new sequence space, start again at a keyframe.
    video_.reset();
    if (*p.codec == media::MediaCodec::kVp8) video_ = std::make_unique<media::Vp8Depacketizer>();
    if (*p.codec == media::MediaCodec::kH264) video_ = std::make_unique<media::H264Depacketizer>();
    if (!video_) return;
    videoLayer_ = videoLayer;
    videoCodec_ = p.codec;
    offsetUs_[kindIndex(MediaKind::kVideo)] = -1;
    videoNeedsKeyframe_ = true;
  }
  video_->push(p.rtp, out);
  // Frames before the first keyframe cannot be decoded by anyone.
  size_t keep = before;
  for (size_t i = before; i < out.size(); ++i) {
    if (videoNeedsKeyframe_ && !out[i].keyframe) continue;
    videoNeedsKeyframe_ = false;
    if (keep != i) out[keep] = std::move(out[i]);
    ++keep;
  }
  out.resize(keep);
  align(MediaKind::kVideo, p.receivedUs, out, before);
}

void FrameTap::align(MediaKind kind, int64_t receivedUs, std::vector<media::MediaFrame>& frames, size_t from) {
  if (from == frames.size()) return;
  int64_t& offset = offsetUs_[kindIndex(kind)];
  if (offset < 0) offset = (receivedUs - startUs_) - frames[from].ptsUs;
  for (size_t i = from; i < frames.size(); ++i) {
    frames[i].ptsUs += offset;
    frames[i].dtsUs = frames[i].ptsUs;
  }
}

}  // namespace rtcgate::sfu
