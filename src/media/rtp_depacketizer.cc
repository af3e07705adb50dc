#include "media/rtp_depacketizer.h"

#include "base/seq_num.h"

namespace rtcgate::media {

RtpDepacketizer::RtpDepacketizer(MediaCodec codec, bool formatMarksStart) noexcept
    : time_(rtpClockRate(codec)), codec_(codec), formatMarksStart_(formatMarksStart) {}

void RtpDepacketizer::push(const wire::rtp::RtpPacketView& packet, std::vector<MediaFrame>& out) {
  push(packet.sequenceNumber(), packet.timestamp(), packet.marker(), packet.payload(), out);
}

void RtpDepacketizer::push(uint16_t seq, uint32_t timestamp, bool marker, std::span<const uint8_t> payload,
                           std::vector<MediaFrame>& out) {
  ++stats_.packets;
  if (started_ && !seqNewer(seq, lastSeq_)) {
    ++stats_.packetsLate;
    return;
  }
  const bool first = !started_;
  const bool gap = started_ && seq != static_cast<uint16_t>(lastSeq_ + 1);
  const bool boundary = first || (!gap && (lastMarker_ || timestamp != lastTs_));
  started_ = true;
  lastSeq_ = seq;
  lastTs_ = timestamp;
  lastMarker_ = marker;
  if (gap) {
    if (building_) drop();
    lossPending_ = true;
  }
  // A contiguous packet with a new timestamp ends a frame whose sender set no marker.
  if (building_ && timestamp != frameTs_) emit(out);
  if (!building_) {
    const bool canStart = startsFrame(payload) && (formatMarksStart_ || boundary);
    if (!canStart) {
      ++stats_.packetsDiscarded;
      return;
    }
    startFrame(timestamp);
  }
  if (!append(payload, frame_)) {
    ++stats_.malformed;
    drop();
    return;
  }
  if (frame_.data.size() > kMaxFrameBytes) {
    ++stats_.framesTooLarge;
    drop();
    frame_.data.shrink_to_fit();
    return;
  }
  if (marker) emit(out);
}

void RtpDepacketizer::startFrame(uint32_t timestamp) {
  building_ = true;
  frameTs_ = timestamp;
  frame_ = MediaFrame{};
  frame_.codec = codec_;
  frame_.ptsUs = frame_.dtsUs = time_.toUs(timestamp);
}

void RtpDepacketizer::emit(std::vector<MediaFrame>& out) {
  building_ = false;
  if (!finish(frame_)) {
    ++stats_.malformed;
    drop();
    return;
  }
  frame_.afterLoss = lossPending_;
  lossPending_ = false;
  ++stats_.framesOut;
  out.push_back(std::move(frame_));
  discard();
}

void RtpDepacketizer::drop() {
  building_ = false;
  lossPending_ = true;
  ++stats_.framesDropped;
  frame_.data.clear();
  discard();
}

}  // namespace rtcgate::media
