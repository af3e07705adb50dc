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
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

class PublisherSession final : public Session {
 public:
  PublisherSession(SessionHost& host, SessionSpec spec, SfuCounters& counters);

  // Layer index of the quality a subscriber asked for: "h" highest bitrate, "l" lowest.
  int layerForQuality(MediaKind kind, std::string_view quality) const;
  int layerCount(MediaKind kind) const;
  // Next lower / higher layer by bitrate rank (or the same when at the end).
  int lowerLayer(MediaKind kind, int layer) const;
  int higherLayer(MediaKind kind, int layer) const;
  uint64_t layerBitrate(MediaKind kind, int layer) const;
  const PublisherTrack* track(MediaKind kind) const;
  // Packet of `layer` by original sequence number, for retransmission to a subscriber.
  PacketRef findPacket(MediaKind kind, int layer, uint16_t seq) const;

  void requestKeyframe(MediaKind kind, int layer);
  std::vector<TrackInfo> trackInfo() const;

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
