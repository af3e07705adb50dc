#pragma once
// SubscriberSession: a WHEP player. Receives the stream's packets, picks one simulcast
// layer per track (switching only on keyframes), rewrites SSRC/sequence/timestamp so the
// player sees one continuous stream, answers its NACKs from the publisher's history and
// forwards its keyframe requests.

#include <array>
#include <optional>
#include <string>

#include "media/loss_based_bwe.h"
#include "sfu/media_kind.h"
#include "sfu/out_track.h"
#include "sfu/session.h"
#include "sfu/stream.h"

namespace rtcgate::sfu {

class SubscriberSession final : public Session {
 public:
  SubscriberSession(SessionHost& host, SessionSpec spec, SfuCounters& counters);

  void sendMedia(const ForwardedPacket& packet);
  // The stream's publisher appeared, left or was replaced.
  void onPublisherChanged();
  // Same publisher, new quality order of its layers: re-pick (switching on a keyframe).
  void onLayersReranked() { chooseTargetLayers(); }
  // Asks for another simulcast quality ("h", "m", "l"); takes effect on the next keyframe.
  void setQuality(std::string_view quality);
  SessionInfo info(unsigned worker) const override;

  void onTick(int64_t nowUs) override;
  void onTransportRtp(transport::webrtc::WebRtcTransport& t, PacketRef packet) override;
  void onTransportRtcp(transport::webrtc::WebRtcTransport& t, PacketRef packet) override;

 protected:
  void onConnected() override;

 private:
  OutTrack* outTrack(MediaKind kind) noexcept;
  void retransmit(OutTrack& track, uint16_t outSeq);
  void sendSenderReports(int64_t nowUs);
  void chooseTargetLayers();
  // Lowers (or restores) the video layer when the estimate says the path cannot carry it.
  void adaptLayer();
  void onReceiverReport(std::span<const uint8_t> packet, int64_t nowUs);

  std::array<std::optional<OutTrack>, kMediaKinds> tracks_;
  uint32_t rtcpSsrc_;
  int64_t nextReportUs_ = 0;
  media::LossBasedBwe bwe_{media::LossBasedBweConfig{.initialBps = 20'000'000}};  // lowered only on evidence
  int preferredLayer_ = 0;  // what the player asked for; the estimate may hold it lower
};

}  // namespace rtcgate::sfu
