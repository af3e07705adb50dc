#pragma once
// Peer: one remote party and its media transport, with any number of producers (tracks it
// sends us) and consumers (tracks we send it). A WHIP publisher is a peer with producers
// only, a WHEP player one with consumers only; a room participant or a SIP call has both.
// The peer routes what its transport delivers — RTP to a producer by SSRC (learned from
// SDP or from mid/rid), RTCP to the producers and consumers it is about — and keeps what
// is shared across its tracks: the transport-wide CC feedback it sends, the transport-wide
// sequence its consumers write, the downlink estimate, the RTCP it schedules.

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "media/loss_based_bwe.h"
#include "media/twcc_recorder.h"
#include "sfu/consumer.h"
#include "sfu/data_sink.h"
#include "sfu/peer_host.h"
#include "sfu/producer.h"
#include "sfu/session_info.h"
#include "sfu/session_spec.h"
#include "sfu/stream_source.h"
#include "transport/media_transport.h"
#include "wire/rtcp/compound.h"

namespace rtcgate::sfu {

class RoomData;
class Stream;

class Peer final : public transport::MediaTransportListener,
                   public StreamSource,
                   private ProducerFeedback,
                   private ConsumerOutput,
                   private DataSink {
 public:
  // Producers for the sections the peer sends on, consumers for those we send on.
  Peer(PeerHost& host, SessionSpec spec, SessionKind kind, SfuCounters& counters);
  ~Peer() override;

  // Makes the transport (through the host) and starts it.
  Status start();
  // Starts on a transport made elsewhere (a relay link's channel).
  Status start(std::unique_ptr<transport::MediaTransport> transport);
  // A relay's peer: a data message of the stream, from its node, stamped there.
  void onRelayedData(DataMessage&& message);
  // Ends the peer (telling the remote side where the transport can); the host is told.
  void close(std::string_view reason);
  // Timers of the transport and the RTCP the peer schedules.
  void onTick(int64_t nowUs);
  // Joins `stream` (null: leaves it): producers feed it, consumers take from it.
  void attach(Stream* stream);
  void setQuality(Quality q);
  // New ICE credentials (the transport's, and the demux's route by ufrag).
  bool restartIce(const transport::ice::IceCredentials& local, const transport::ice::IceCredentials& remote);

  const std::string& id() const noexcept { return spec_.id; }
  const SessionSpec& spec() const noexcept { return spec_; }
  const std::string& streamName() const noexcept { return spec_.stream; }
  SessionKind kind() const noexcept { return kind_; }
  bool ended() const noexcept { return ended_; }
  transport::MediaTransport& transport() noexcept { return *transport_; }
  const transport::MediaTransport& transport() const noexcept { return *transport_; }
  SessionInfo info(unsigned worker) const;
  Producer* producer(MediaKind kind) noexcept;
  const Producer* producer(MediaKind kind) const noexcept;
  std::vector<Consumer*> consumers() noexcept;
  Consumer* consumer(MediaKind kind) noexcept;
  Consumer* consumerForMid(std::string_view mid) noexcept;
  // A room subscriber's consumers come and go with renegotiation: one per sendonly section.
  // The caller attaches a new consumer to its stream, and detaches one before removing it.
  Consumer& addConsumer(const wire::sdp::NegotiatedMedia& media);
  void removeConsumer(Consumer& consumer);
  // A room subscriber with data channels: the room's data on this worker (null: leaves it).
  void setRoomData(RoomData* room);
  RoomData* roomData() const noexcept { return roomData_; }

  // StreamSource (a publishing peer)
  const std::string& sourceId() const noexcept override { return spec_.id; }
  int layerForQuality(MediaKind kind, Quality quality) const override;
  int layerCount(MediaKind kind) const override;
  int lowerLayer(MediaKind kind, int layer) const override;
  uint64_t layerBitrate(MediaKind kind, int layer) const override;
  PacketRef findPacket(MediaKind kind, int layer, uint16_t seq) const override;
  std::optional<SenderClock> senderClock(MediaKind kind, int layer) const override;
  void requestKeyframe(MediaKind kind, int layer) override;
  std::vector<TrackInfo> trackInfo() const override;
  float audioLevel(int64_t nowUs) const noexcept override {
    const Producer* p = producer(MediaKind::kAudio);
    return p ? p->audioLevel(nowUs) : 0.0f;
  }
  void endSource(std::string_view reason) override { close(reason); }

  // transport::MediaTransportListener
  void onTransportSend(transport::MediaTransport& t, PacketRef datagram, const SocketAddress& to) override;
  void onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) override;
  void onTransportStateChanged(transport::MediaTransport& t, transport::TransportState state,
                               std::string_view reason) override;
  void onTransportRtp(transport::MediaTransport& t, PacketRef packet) override;
  void onTransportRtcp(transport::MediaTransport& t, PacketRef packet) override;
  void onTransportDataMessage(transport::MediaTransport& t, const transport::sctp::DataChannelInfo& channel,
                              bool binary, std::vector<uint8_t>&& data) override;
  void onTransportDataChannelClosed(transport::MediaTransport& t, const transport::sctp::DataChannelInfo& channel,
                                    std::string_view reason) override;

 private:
  // DataSink (a player with data channels): the publisher's messages, on the channel of
  // the same label (opened by us when the player has none).
  void onStreamData(const DataMessage& message) override;
  bool takesData() const noexcept;
  // A room participant's message: to the others through the room, or an error back to it.
  void onRoomData(const transport::sctp::DataChannelInfo& channel, DataMessage message);
  // Where a publisher's media is now (timed metadata), and a stamped message made into
  // this player's {"rtpTimestamp", "data"} JSON (null when its media is not forwarded yet).
  std::optional<MediaStamp> mediaStamp() const;
  transport::sctp::MessageBytes timedMetadata(const DataMessage& message);
  // Where an SSRC belongs, learned from SDP or from the first packet's mid/rid.
  struct SsrcRoute {
    uint32_t ssrc;
    uint8_t producer;
    uint8_t layer;
    bool rtx;
  };
  const SsrcRoute* route(const wire::rtp::RtpPacketView& packet);
  void onSenderReport(std::span<const uint8_t> packet, int64_t nowUs);
  void onReportBlocks(std::span<const uint8_t> packet, int64_t nowUs);
  void onNack(std::span<const uint8_t> packet);
  void onKeyframeRequest(const wire::rtcp::RtcpPacketRef& ref);
  void sendReports(int64_t nowUs);
  void sendTransportFeedback(int64_t nowUs);
  void sendRemb(int64_t nowUs);
  // Sends an RTCP packet built by `build` into a pooled buffer (returns bytes written).
  template <typename Build>
  void sendRtcp(Build&& build);

  // ProducerFeedback
  void sendPli(uint32_t mediaSsrc) override;
  void sendNack(uint32_t mediaSsrc, std::span<const uint16_t> lost) override;
  // ConsumerOutput
  PacketPool& pool() noexcept override { return host_.pool(); }
  bool connected() const noexcept override;
  Status sendRtp(PacketRef packet) noexcept override { return transport_->sendRtp(std::move(packet)); }
  uint16_t nextTransportSequence() noexcept override { return transportSeq_++; }
  int64_t nowUs() const noexcept override { return host_.clock().nowUs(); }

  PeerHost& host_;
  SessionSpec spec_;
  SessionKind kind_;
  SfuCounters& counters_;
  std::unique_ptr<transport::MediaTransport> transport_;
  std::vector<std::unique_ptr<Producer>> producers_;
  std::vector<std::unique_ptr<Consumer>> consumers_;
  std::vector<SsrcRoute> routes_;
  Stream* stream_ = nullptr;
  RoomData* roomData_ = nullptr;
  // Data channel labels whose channel we closed for overflowing (not opened again by us).
  std::vector<std::string> overflowedLabels_;
  bool ended_ = false;
  bool connectedOnce_ = false;
  // Our ICE ufrags the worker's demux routes to this peer (after an ICE restart: two).
  std::vector<std::string> ufrags_;
  uint32_t rtcpSsrc_;
  // Transport-wide: one per peer across its producers, made when one negotiated it (its
  // window is 32 KiB, which a peer that only plays does not need).
  std::unique_ptr<media::TwccRecorder> twcc_;
  uint8_t twccExt_ = 0;
  bool remb_ = false;  // goog-remb negotiated on a producer
  uint16_t transportSeq_;
  media::LossBasedBwe bwe_{media::LossBasedBweConfig{.initialBps = 20'000'000}};  // lowered only on evidence
  int64_t nextReportUs_ = 0;
  int64_t nextNackUs_ = 0;
};

}  // namespace rtcgate::sfu
