#pragma once
// PublisherSession: a WHIP publisher. Maps its SSRCs to tracks and simulcast layers
// (a=ssrc, or mid/rid header extensions), unwraps RTX, keeps the feedback loops the browser
// relies on (receiver reports, NACKs, keyframe requests, transport-wide CC feedback) and
// hands every media packet to its Stream for fan-out.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "media/twcc_recorder.h"
#include "sfu/keyframe.h"
#include "sfu/media_kind.h"
#include "sfu/publisher_track.h"
#include "sfu/session.h"
#include "sfu/stream_source.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

class PublisherSession final : public Session, public StreamSource {
 public:
  PublisherSession(SessionHost& host, SessionSpec spec, SfuCounters& counters);

  // StreamSource
  const std::string& sourceId() const noexcept override { return id(); }
  int layerForQuality(MediaKind kind, std::string_view quality) const override;
  int layerCount(MediaKind kind) const override;
  int lowerLayer(MediaKind kind, int layer) const override;
  uint64_t layerBitrate(MediaKind kind, int layer) const override;
  PacketRef findPacket(MediaKind kind, int layer, uint16_t seq) const override;
  void requestKeyframe(MediaKind kind, int layer) override;
  std::vector<TrackInfo> trackInfo() const override;
  void endSource(std::string_view reason) override { close(reason); }

  // Next higher layer by quality (or the same at the top).
  int higherLayer(MediaKind kind, int layer) const;
  const PublisherTrack* track(MediaKind kind) const;

  void onTick(int64_t nowUs) override;
  void onTransportRtp(transport::webrtc::WebRtcTransport& t, PacketRef packet) override;
  void onTransportRtcp(transport::webrtc::WebRtcTransport& t, PacketRef packet) override;

 private:
  // Where an SSRC belongs, learned from SDP or from the first packet's mid/rid.
  struct SsrcRoute {
    uint32_t ssrc;
    uint8_t track;
    uint8_t layer;
    bool rtx;
  };
  const SsrcRoute* route(const wire::rtp::RtpPacketView& pkt);
  const SsrcRoute* learn(const wire::rtp::RtpPacketView& pkt);
  void sendTransportFeedback(int64_t nowUs);
  void sendNacks(int64_t nowUs);
  void sendKeyframeRequests(int64_t nowUs);
  void sendPli(PublisherLayer& layer, int64_t nowUs);
  void sendReceiverReport(int64_t nowUs);
  void sendRemb(int64_t nowUs);
  void onSenderReport(std::span<const uint8_t> packet, int64_t nowUs);

  uint32_t rtcpSsrc_;
  std::vector<PublisherTrack> tracks_;
  std::vector<SsrcRoute> routes_;
  media::TwccRecorder twcc_;  // transport-wide: one per publisher across its tracks
  uint8_t twccExt_ = 0;
  bool remb_ = false;  // goog-remb negotiated
  int64_t nextReportUs_ = 0;
  int64_t nextNackUs_ = 0;
};

}  // namespace rtcgate::sfu
