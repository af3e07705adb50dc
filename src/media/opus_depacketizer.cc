#include "media/opus_depacketizer.h"

#include "base/seq_num.h"

namespace rtcgate::media {

void OpusDepacketizer::push(const wire::rtp::RtpPacketView& packet, std::vector<MediaFrame>& out) {
  push(packet.sequenceNumber(), packet.timestamp(), packet.payload(), out);
}

void OpusDepacketizer::push(uint16_t seq, uint32_t timestamp, std::span<const uint8_t> payload,
                            std::vector<MediaFrame>& out) {
  ++stats_.packets;
  if (started_ && !seqNewer(seq, lastSeq_)) {
    ++stats_.packetsLate;
    return;
  }
  if (payload.empty()) {
    // RFC 7587 §4.2 allows no empty payload; left out of the sequence, the next packet
    // sees it as the loss it stands for.
    ++stats_.malformed;
    return;
  }
  const bool gap = started_ && seq != static_cast<uint16_t>(lastSeq_ + 1);
  started_ = true;
  lastSeq_ = seq;
  MediaFrame frame;
  frame.codec = MediaCodec::kOpus;
  frame.ptsUs = frame.dtsUs = time_.toUs(timestamp);
  frame.keyframe = true;
  frame.afterLoss = gap;
  frame.data.assign(payload.begin(), payload.end());
  ++stats_.framesOut;
  out.push_back(std::move(frame));
}

}  // namespace rtcgate::media
