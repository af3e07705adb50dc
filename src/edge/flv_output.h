#pragma once
// FlvOutput: frames → FLV tags for one RTMP output (a player's connection, a push to a
// CDN): onMetaData first, once both tracks are known or a short wait is over; sequence
// headers whenever the codec config changes; and, when the connection falls behind, video
// dropped up to the next keyframe that finds the queue drained (audio only past twice the
// limit). The one frame-to-FLV loop of the project.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/result.h"
#include "media/flv_muxer.h"
#include "media/media_frame.h"
#include "wire/rtmp/amf0.h"

namespace rtcgate::edge {

// Where the tags go: the RTMP session's send calls, and its connection's backlog.
class FlvTagOutput {
 public:
  virtual ~FlvTagOutput() = default;
  virtual Status sendFlvMetadata(const wire::rtmp::Amf0Value& metadata) = 0;
  virtual Status sendFlvTag(const media::FlvTag& tag) = 0;
  // A timed data message (an AMF0 body: onTextData, onCuePoint) at `timestampMs`.
  virtual Status sendFlvData(uint32_t timestampMs, std::span<const uint8_t> body) = 0;
  // Bytes written to the connection and not yet on the wire, and the age of the oldest.
  virtual size_t queuedBytes() const = 0;
  virtual int64_t queuedAgeMs() const = 0;
};

struct FlvOutputOptions {
  int64_t metadataWaitMs = 1000;            // onMetaData waits this long for both tracks
  int64_t maxQueuedMs = 2000;               // backlog older than this: drop video to a keyframe
  size_t maxQueuedBytes = 4 * 1024 * 1024;  // or more bytes than this
};

class FlvOutput {
 public:
  FlvOutput(Clock& clock, FlvOutputOptions options = {}) : clock_(clock), options_(options) {}

  // One frame of the stream (H.264 or AAC); false when it could not be written (a codec
  // RTMP cannot carry, or the output refused it).
  bool push(const media::MediaFrame& frame, FlvTagOutput& out);
  // A new connection: onMetaData and sequence headers go out again before any frame.
  void restart();
  // The muxer waits for a keyframe (it joined mid-GOP or dropped video): ask the source.
  bool waitingForKeyframe() const noexcept { return muxer_.waitingForKeyframe(); }

  uint64_t framesSent() const noexcept { return framesSent_; }
  uint64_t framesDropped() const noexcept { return framesDropped_ + muxer_.framesDropped(); }

 private:
  static std::vector<uint8_t> flvDataBody(const std::vector<uint8_t>& message);
  static wire::rtmp::Amf0Value jsonToAmf0(const nlohmann::json& j, int depth);
  bool maybeSendMetadata(FlvTagOutput& out);
  void sendTag(const media::FlvTag& tag, FlvTagOutput& out);
  bool dropForCongestion(const media::FlvTag& tag, const FlvTagOutput& out);

  Clock& clock_;
  FlvOutputOptions options_;
  media::FlvMuxer muxer_;
  std::vector<media::FlvTag> tags_;  // reused output of the muxer
  std::vector<media::FlvTag> held_;  // tags waiting for onMetaData to go first
  size_t heldBytes_ = 0;
  bool metadataSent_ = false;
  int64_t firstFrameAtMs_ = -1;
  bool dropVideoToKeyframe_ = false;
  uint64_t framesSent_ = 0;
  uint64_t framesDropped_ = 0;
};

}  // namespace rtcgate::edge
