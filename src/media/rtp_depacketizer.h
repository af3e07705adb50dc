#pragma once
// RtpDepacketizer: reassembles video frames from RTP packets; codecs plug in the payload
// format.

#include <cstdint>
#include <span>
#include <vector>

#include "media/media_frame.h"
#include "media/rtp_time_mapper.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::media {

// What a depacketizer has seen, for metrics and tests.
struct DepacketizerStats {
  uint64_t packets = 0;
  uint64_t framesOut = 0;
  uint64_t framesDropped = 0;     // partial frames dropped because a packet was missing
  uint64_t packetsDiscarded = 0;  // waited for a frame start, or part of a dropped frame
  uint64_t packetsLate = 0;       // older than one already seen (duplicate or reordered)
  uint64_t malformed = 0;         // payloads the format rejects (their frame is dropped)
  uint64_t framesTooLarge = 0;    // frames dropped for growing past kMaxFrameBytes
};

// No real frame comes near this (a 4K keyframe is 1-2 MB); a sender that never ends a frame
// (no marker, one timestamp) would otherwise grow one without limit.
inline constexpr size_t kMaxFrameBytes = 8 * 1024 * 1024;

// Frame boundaries from the RTP header, the payload format only says where frames start
// and what their bytes are. Packets must arrive in sequence order (a jitter buffer or
// NACK recovery sits in front): a missing sequence number drops the frame being built,
// a late packet is discarded, and assembly resumes at the next frame start, which the
// next frame reports through MediaFrame::afterLoss.
//
// A frame ends at its marker packet, or, for senders that omit the marker, when the next
// in-sequence packet carries a new timestamp. It starts at a packet the format marks as a
// start (VP8's S bit) or, for formats without one (H.264), at the packet after a frame's
// end; the first packet of a stream is taken as a start.
class RtpDepacketizer {
 public:
  virtual ~RtpDepacketizer() = default;
  RtpDepacketizer(const RtpDepacketizer&) = delete;
  RtpDepacketizer& operator=(const RtpDepacketizer&) = delete;

  // Feeds one packet; completed frames are appended to `out`.
  void push(const wire::rtp::RtpPacketView& packet, std::vector<MediaFrame>& out);
  void push(uint16_t seq, uint32_t timestamp, bool marker, std::span<const uint8_t> payload,
            std::vector<MediaFrame>& out);

  const DepacketizerStats& stats() const noexcept { return stats_; }

 protected:
  RtpDepacketizer(MediaCodec codec, bool formatMarksStart) noexcept;

  // True if a frame may begin with this payload. Formats that mark starts decide alone;
  // the others veto only payloads that cannot begin a frame (an FU-A continuation).
  virtual bool startsFrame(std::span<const uint8_t> payload) const noexcept = 0;
  // Adds one payload to the frame being built; false if malformed.
  virtual bool append(std::span<const uint8_t> payload, MediaFrame& frame) = 0;
  // Completes a frame (keyframe flag, parameter sets); false drops it.
  virtual bool finish(MediaFrame& frame) = 0;
  // Forgets the frame being built.
  virtual void discard() noexcept {}

 private:
  void startFrame(uint32_t timestamp);
  void emit(std::vector<MediaFrame>& out);
  void drop();

  MediaFrame frame_;
  RtpTimeMapper time_;
  DepacketizerStats stats_;
  MediaCodec codec_;
  uint32_t frameTs_ = 0;
  uint32_t lastTs_ = 0;
  uint16_t lastSeq_ = 0;
  bool formatMarksStart_;
  bool started_ = false;      // any packet seen
  bool building_ = false;     // frame_ holds a frame in progress
  bool lastMarker_ = false;   // the previous in-order packet ended a frame
  bool lossPending_ = false;  // a frame was dropped since the last emitted one
};

}  // namespace rtcgate::media
