#pragma once
// PublisherTrack: one track a publisher sends (audio or video) and its simulcast layers,
// with the per-layer receive state the feedback loops need.

#include <cstdint>
#include <string>
#include <vector>

#include "base/packet_buffer.h"
#include "sfu/keyframe.h"
#include "sfu/media_kind.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

// Bytes over a sliding window, sampled once per tick.
class BitrateMeter {
 public:
  void add(size_t bytes) noexcept { bytes_ += bytes; }
  void sample(int64_t nowUs) noexcept {
    if (lastUs_ == 0) lastUs_ = nowUs;
    const int64_t dt = nowUs - lastUs_;
    if (dt >= 500'000) {
      const uint64_t bps = (bytes_ - lastBytes_) * 8 * 1'000'000 / static_cast<uint64_t>(dt);
      bps_ = bps_ == 0 ? bps : (bps_ + bps) / 2;  // light smoothing
      lastBytes_ = bytes_;
      lastUs_ = nowUs;
    }
  }
  uint64_t bps() const noexcept { return bps_; }
  uint64_t totalBytes() const noexcept { return bytes_; }

 private:
  uint64_t bytes_ = 0, lastBytes_ = 0, bps_ = 0;
  int64_t lastUs_ = 0;
};

// One simulcast layer (or the only stream of a non-simulcast track).
struct PublisherLayer {
  static constexpr size_t kHistory = 1024;  // power of two

  std::string rid;
  uint32_t ssrc = 0;     // 0 until learned
  uint32_t rtxSsrc = 0;  // 0 until learned
  uint64_t packets = 0;
  BitrateMeter bitrate;
  int64_t lastKeyframeUs = 0;
  // Keyframe requests towards the publisher, rate-limited.
  bool keyframeWanted = false;
  int64_t lastKeyframeRequestUs = -10'000'000;
  uint8_t firSeq = 0;
  // Recent packets by sequence number for retransmissions to subscribers.
  std::vector<PacketRef> history = std::vector<PacketRef>(kHistory);

  PacketRef find(uint16_t seq) const noexcept {
    const PacketRef& r = history[seq & (kHistory - 1)];
    if (!r) return {};
    const uint16_t stored = static_cast<uint16_t>((r->data()[2] << 8) | r->data()[3]);
    return stored == seq ? r : PacketRef{};
  }
};

class PublisherTrack {
 public:
  PublisherTrack(MediaKind kind, const wire::sdp::NegotiatedMedia& media);

  MediaKind kind;
  std::string mid;
  wire::sdp::NegotiatedCodec codec;
  VideoCodec videoCodec = VideoCodec::kOther;
  std::vector<PublisherLayer> layers;
  uint8_t midExt = 0, ridExt = 0, repairedRidExt = 0, twccExt = 0;
  bool simulcast = false;

  // Layers ordered by bitrate, lowest first (re-ranked once per second).
  std::vector<int> byQuality;
  void rerank();
};

}  // namespace rtcgate::sfu
