#pragma once
// PublisherTrack: one track a publisher sends (audio or video) and its simulcast layers,
// with the per-layer receive state the feedback loops need.

#include <cstdint>
#include <string>
#include <vector>

#include <optional>

#include "base/packet_buffer.h"
#include "media/keyframe_requester.h"
#include "media/nack_generator.h"
#include "media/packet_history.h"
#include "media/receive_statistics.h"
#include "media/media_frame.h"
#include "sfu/keyframe.h"
#include "sfu/media_kind.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

// One simulcast layer (or the only stream of a non-simulcast track) and the receive-side
// machinery the feedback loops need: history for retransmissions, NACK generation,
// receive statistics for receiver reports, rate-limited keyframe requests.
struct PublisherLayer {
  PublisherLayer(std::string r, MediaKind kind)
      : rid(std::move(r)), history(kind == MediaKind::kVideo ? 1024 : 256) {}

  std::string rid;
  uint32_t ssrc = 0;     // 0 until learned
  uint32_t rtxSsrc = 0;  // 0 until learned
  media::PacketHistory history;
  media::NackGenerator nack;
  media::KeyframeRequester keyframes;
  std::optional<media::ReceiveStatistics> stats;  // created with the SSRC
  int64_t lastKeyframeUs = 0;
  uint64_t bitrateBps = 0;  // sampled once per report interval
  uint32_t pixels = 0;      // width x height of the last keyframe, when the codec says
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
  std::optional<media::MediaCodec> frameCodec;  // when frames can be made of its payloads

  // Layers ordered by quality, lowest first: by resolution once every layer's is known,
  // else by bitrate once every layer has one, else by rid name. True when the order changed.
  std::vector<int> byQuality;
  bool rerank();
};

}  // namespace rtcgate::sfu
