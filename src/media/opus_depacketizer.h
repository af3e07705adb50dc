#pragma once
// OpusDepacketizer: one Opus frame per RTP packet (RFC 7587 §4.2).

#include <cstdint>
#include <span>
#include <vector>

#include "media/media_frame.h"
#include "media/rtp_depacketizer.h"
#include "media/rtp_time_mapper.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::media {

// Every in-order packet is a whole frame (there is nothing to reassemble); a sequence gap
// sets afterLoss on the next frame so a decoder can conceal, late packets are discarded.
// Every Opus frame is independently decodable enough to start at, so all are keyframes.
class OpusDepacketizer {
 public:
  void push(const wire::rtp::RtpPacketView& packet, std::vector<MediaFrame>& out);
  void push(uint16_t seq, uint32_t timestamp, std::span<const uint8_t> payload, std::vector<MediaFrame>& out);

  const DepacketizerStats& stats() const noexcept { return stats_; }

 private:
  RtpTimeMapper time_{rtpClockRate(MediaCodec::kOpus)};
  DepacketizerStats stats_;
  uint16_t lastSeq_ = 0;
  bool started_ = false;
};

}  // namespace rtcgate::media
