#include "sfu/frame_tap.h"

#include <cstdlib>

#include "media/h264_depacketizer.h"
#include "media/vp8_depacketizer.h"
#include "sfu/stream.h"
#include "sfu/stream_source.h"

namespace rtcgate::sfu {

namespace {
// A gap wider than this is a new sequence space (a restarted sender), not loss.
constexpr int kMaxGapPackets = 512;
}  // namespace

FrameTap::FrameTap() = default;
FrameTap::~FrameTap() = default;

template <typename Feed>
void FrameTap::inOrder(Order& o, const ForwardedPacket& p, const PacketLookup* lookup, Feed&& feed) {
  const uint16_t seq = p.rtp.sequenceNumber();
  if (!o.started || static_cast<int16_t>(seq - o.next) > kMaxGapPackets) {
    o = {true, seq, seq, 0};
  }
  if (static_cast<int16_t>(seq - o.next) < 0) return;  // already given up (or a duplicate)
  if (static_cast<int16_t>(seq - o.newest) > 0) o.newest = seq;
  while (static_cast<int16_t>(o.next - o.newest) <= 0) {
    if (o.next == seq) {
      feed(p.rtp);
    } else if (PacketRef ref = lookup ? lookup->findPacket(p.kind, p.layer, o.next) : PacketRef{}) {
      auto view = wire::rtp::RtpPacketView::parse(ref->span());
      if (view.ok()) feed(*view);
    } else {
      // `next` is missing: wait for its retransmission a while, then give it up.
      if (!o.gapSinceUs) o.gapSinceUs = p.receivedUs;
      if (p.receivedUs - o.gapSinceUs < kMaxGapWaitUs) return;
      ++gapsGivenUp_;
      ++o.next;
      continue;  // the wait is over for the packets missing after it too
    }
    ++o.next;
    o.gapSinceUs = 0;
  }
}

void FrameTap::onPacket(const ForwardedPacket& p, int videoLayer, const PacketLookup* lookup,
                        std::vector<media::MediaFrame>& out) {
  if (!p.codec) return;
  if (startUs_ < 0) startUs_ = p.receivedUs;
  const size_t before = out.size();
  if (p.kind == MediaKind::kAudio) {
    if (*p.codec != media::MediaCodec::kOpus) return;
    if (!audio_) audio_ = std::make_unique<media::OpusDepacketizer>();
    inOrder(order_[kindIndex(MediaKind::kAudio)], p, lookup, [&](const wire::rtp::RtpPacketView& rtp) {
      const size_t n = out.size();
      audio_->push(rtp, out);
      if (out.size() > n) noteRtpZero(MediaKind::kAudio, rtp.timestamp(), out.back());
    });
    align(MediaKind::kAudio, p.receivedUs, out, before, lookup, 0);
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
    offsetUs_[kindIndex(MediaKind::kVideo)].reset();
    rtpZero_[kindIndex(MediaKind::kVideo)].reset();
    captureZeroUs_[kindIndex(MediaKind::kVideo)].reset();
    synced_ = false;
    order_[kindIndex(MediaKind::kVideo)] = {};
    videoNeedsKeyframe_ = true;
  }
  inOrder(order_[kindIndex(MediaKind::kVideo)], p, lookup, [&](const wire::rtp::RtpPacketView& rtp) {
    const size_t n = out.size();
    video_->push(rtp, out);
    if (out.size() > n) noteRtpZero(MediaKind::kVideo, rtp.timestamp(), out.back());
  });
  // Frames before the first keyframe cannot be decoded by anyone.
  size_t keep = before;
  for (size_t i = before; i < out.size(); ++i) {
    if (videoNeedsKeyframe_ && !out[i].keyframe) continue;
    videoNeedsKeyframe_ = false;
    if (keep != i) out[keep] = std::move(out[i]);
    ++keep;
  }
  out.resize(keep);
  align(MediaKind::kVideo, p.receivedUs, out, before, lookup, videoLayer);
}

void FrameTap::noteRtpZero(MediaKind kind, uint32_t rtpTimestamp, const media::MediaFrame& completed) {
  auto& zero = rtpZero_[kindIndex(kind)];
  if (zero) return;
  const int64_t rate = kind == MediaKind::kVideo ? 90'000 : 48'000;
  zero = rtpTimestamp - static_cast<uint32_t>(completed.ptsUs * rate / 1'000'000);
}

namespace {
int64_t ntpToUs(uint64_t ntp) noexcept {
  return static_cast<int64_t>(ntp >> 32) * 1'000'000 + static_cast<int64_t>(((ntp & 0xffffffffu) * 1'000'000) >> 32);
}
}  // namespace

void FrameTap::align(MediaKind kind, int64_t receivedUs, std::vector<media::MediaFrame>& frames, size_t from,
                     const PacketLookup* lookup, int layer) {
  if (from == frames.size()) return;
  const auto k = kindIndex(kind);
  std::optional<int64_t>& offset = offsetUs_[k];
  if (!offset) offset = (receivedUs - startUs_) - frames[from].ptsUs;
  if (!synced_ && lookup && rtpZero_[k] && !captureZeroUs_[k]) {
    if (const auto clock = lookup->senderClock(kind, layer)) {
      const int64_t rate = kind == MediaKind::kVideo ? 90'000 : 48'000;
      const auto sinceReport = static_cast<int32_t>(*rtpZero_[k] - clock->rtpTimestamp);
      captureZeroUs_[k] = ntpToUs(clock->ntpTime) + int64_t{sinceReport} * 1'000'000 / rate;
    }
  }
  const auto a = kindIndex(MediaKind::kAudio), v = kindIndex(MediaKind::kVideo);
  if (!synced_ && captureZeroUs_[a] && captureZeroUs_[v] && offsetUs_[a] && offsetUs_[v]) {
    // Time t of each track is its capture time minus captureZero: equal capture times get
    // equal frame times when the offsets differ as the capture clocks do.
    const int64_t want = *offsetUs_[a] + (*captureZeroUs_[v] - *captureZeroUs_[a]);
    if (std::llabs(want - *offsetUs_[v]) < 1'000'000) offsetUs_[v] = want;  // else a report that makes no sense
    synced_ = true;
  }
  for (size_t i = from; i < frames.size(); ++i) {
    frames[i].ptsUs += *offset;
    frames[i].dtsUs = frames[i].ptsUs;
  }
}

}  // namespace rtcgate::sfu
