#pragma once
// FrameTap: turns a WebRTC publisher's packets into media frames for the stream's frame
// sinks (RTMP players and pushes), on the stream's worker. Only runs while a sink exists.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "media/media_frame.h"
#include "media/opus_depacketizer.h"
#include "media/rtp_depacketizer.h"
#include "sfu/media_kind.h"

namespace rtcgate::sfu {

struct ForwardedPacket;

class FrameTap {
 public:
  FrameTap();
  ~FrameTap();

  // Feeds one forwarded packet; `videoLayer` is the layer to take video from (the best).
  // Complete frames are appended to `out` with both tracks on one time base.
  void onPacket(const ForwardedPacket& packet, int videoLayer, std::vector<media::MediaFrame>& out);
  // The video was reset (layer change, codec change): frames resume at a keyframe.
  bool videoNeedsKeyframe() const noexcept { return videoNeedsKeyframe_; }

 private:
  // Frame time of `kind`: its RTP-derived time shifted so both tracks start where their
  // first packet arrived (A/V sync without sender reports; good to a few ms on a LAN).
  void align(MediaKind kind, int64_t receivedUs, std::vector<media::MediaFrame>& frames, size_t from);

  std::unique_ptr<media::RtpDepacketizer> video_;
  std::optional<media::MediaCodec> videoCodec_;
  int videoLayer_ = -1;
  std::unique_ptr<media::OpusDepacketizer> audio_;
  bool videoNeedsKeyframe_ = true;
  int64_t startUs_ = -1;
  int64_t offsetUs_[kMediaKinds] = {-1, -1};
};

}  // namespace rtcgate::sfu
