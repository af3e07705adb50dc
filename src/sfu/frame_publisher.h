#pragma once
// FramePublisher: a stream source that delivers media frames (an RTMP publisher; later a
// mixer or a relay). Its frames go to the stream's frame sinks; while the stream has WebRTC
// subscribers it is also a frame sink itself (H.264 in order, Opus) and packetizes what it
// gets into RTP for them, keeping a history for their retransmission requests.

#include <cstdint>
#include <memory>
#include <string>

#include "base/drop_counters.h"
#include "media/h264_packetizer.h"
#include "media/packet_history.h"
#include "media/rtp_time_mapper.h"
#include "sfu/frame_sink.h"
#include "sfu/peer_host.h"
#include "sfu/session_info.h"
#include "sfu/stream_source.h"

namespace rtcgate::sfu {

class Stream;

// Told when a frame publisher is ended from the worker's side (replaced, closed by an operator).
class FramePublisherListener {
 public:
  virtual ~FramePublisherListener() = default;
  virtual void onFramePublisherEnded(const std::string& id, std::string_view reason) = 0;
};

class FramePublisher final : public StreamSource, public FrameSink {
 public:
  // The payload types of its RTP (what rtmpPublishedMedia() announces to players).
  static constexpr uint8_t kH264PayloadType = 102;
  static constexpr uint8_t kOpusPayloadType = 111;

  FramePublisher(PeerHost& host, FramePublisherListener& listener, std::string id, std::string stream,
                 SessionKind kind, int64_t createdMs);
  ~FramePublisher() override;

  void attach(Stream* stream) noexcept { stream_ = stream; }
  // Leaves the stream (stops being its frame sink); nothing reaches the stream after this.
  void detach();
  const std::string& streamName() const noexcept { return streamName_; }
  // One frame from the source (the owner's thread hands it to this worker).
  void pushFrame(const std::shared_ptr<const media::MediaFrame>& frame, bool videoReorders);
  // Timed metadata at stream time `ptsUs`: stamped with the RTP timestamp our video (else
  // audio) track gives that time, and handed to the stream's data sinks.
  void pushTimedData(int64_t ptsUs, const std::shared_ptr<const std::vector<uint8_t>>& bytes);
  SessionInfo info(unsigned worker) const;
  // Frames that could not become RTP, by reason.
  const DropCounters& drops() const noexcept { return drops_; }

  // StreamSource
  const std::string& sourceId() const noexcept override { return id_; }
  int layerForQuality(MediaKind, Quality) const override { return 0; }
  int layerCount(MediaKind kind) const override;
  int lowerLayer(MediaKind, int layer) const override { return layer; }
  uint64_t layerBitrate(MediaKind, int) const override { return 0; }
  PacketRef findPacket(MediaKind kind, int layer, uint16_t seq) const override;
  void requestKeyframe(MediaKind kind, int layer) override;
  std::vector<TrackInfo> trackInfo() const override;
  bool producesFrames() const noexcept override { return true; }
  void onConsumerCountChanged(size_t count) override;
  void endSource(std::string_view reason) override;

  // FrameSink (the RTP side, for WebRTC subscribers)
  const FrameWants& wants() const noexcept override { return wants_; }
  void onFrame(const std::shared_ptr<const media::MediaFrame>& frame) override;
  void onStreamEnded(std::string_view) override {}

 private:
  // One RTP output track made from frames.
  struct RtpTrack {
    RtpTrack(MediaKind k, uint32_t rate);
    MediaKind kind;
    uint32_t ssrc;
    uint16_t seq;
    media::RtpTimeMapper time;
    media::PacketHistory history;
    bool seen = false;
    media::MediaCodec codec = media::MediaCodec::kH264;
  };
  void packetizeVideo(const media::MediaFrame& frame, int64_t nowUs);
  void packetizeAudio(const media::MediaFrame& frame, int64_t nowUs);
  // Sends one payload already written at offset 12 of `packet` as RTP of `track`.
  void emit(RtpTrack& track, PacketRef packet, size_t payloadSize, bool marker, uint32_t ts, bool keyframeStart,
            int64_t nowUs);

  PeerHost& host_;
  FramePublisherListener& listener_;
  std::string id_;
  std::string streamName_;
  SessionKind kind_;
  int64_t createdMs_;
  Stream* stream_ = nullptr;
  FrameWants wants_{media::MediaCodec::kH264, media::MediaCodec::kOpus, true};
  bool sinking_ = false;  // registered as the stream's frame sink
  bool ended_ = false;
  RtpTrack video_;
  RtpTrack audio_;
  media::H264Packetizer h264_;
  DropCounters drops_;
  uint64_t framesIn_ = 0, bytesIn_ = 0, packetsOut_ = 0, bytesOut_ = 0;
  bool haveVideo_ = false, haveAudio_ = false;
  media::MediaCodec videoCodec_ = media::MediaCodec::kH264, audioCodec_ = media::MediaCodec::kAac;
};

}  // namespace rtcgate::sfu
