#pragma once
// RelaySender: a stream this worker sends to another node over a relay link — every
// simulcast layer and the audio, as its source sends them (only the SSRC changes, to the
// layer's link SSRC), with the source's sender reports (so the far side keeps lip sync),
// NACKs answered from the source's history and keyframe requests passed to the source, which
// rate-limits them. It ends with an RTCP BYE saying whether the stream ended ("ended") or its
// source went away ("lost"): the far side ends its players or lets them wait, as here. The
// stream's data channel messages (timed metadata with their media stamp) cross with it.

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "sfu/data_sink.h"
#include "sfu/peer_host.h"
#include "sfu/relay_link.h"
#include "sfu/relay_track.h"
#include "sfu/rtp_consumer.h"
#include "sfu/session_info.h"
#include "wire/sdp/negotiated_session.h"

namespace rtcgate::sfu {

class Stream;

class RelaySender final : private transport::MediaTransportListener, private DataSink {
 public:
  RelaySender(std::string id, std::string toNode, PeerHost& host, std::unique_ptr<RelayChannel> channel,
              SfuCounters& counters);
  ~RelaySender() override;

  // Starts taking `stream`'s packets; the tracks as they travel (one per kind the source has;
  // `published` is the source's negotiated media: its codecs and header extensions).
  std::vector<RelayTrack> attach(Stream& stream, const std::vector<wire::sdp::NegotiatedMedia>& published);
  void detach();
  // Sends BYE ("ended" or "lost") and ends; the router is told through onEnded.
  void close(bool streamEnded, std::string_view reason);
  void onTick(int64_t nowUs);

  const std::string& id() const noexcept { return id_; }
  const std::string& streamName() const noexcept { return streamName_; }
  bool ended() const noexcept { return ended_; }
  SessionInfo info(unsigned worker) const;
  const std::string& linkId() const noexcept { return linkId_; }

  // The router learns of the sender's end (link failed, closed) through this.
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void onRelaySenderEnded(RelaySender& sender, std::string_view reason) = 0;
  };
  void setListener(Listener* l) noexcept { listener_ = l; }

 private:
  static constexpr int kMaxLayers = 4;
  // One kind's packets of the stream.
  class Output final : public RtpConsumer {
   public:
    Output(RelaySender& owner, MediaKind kind) : owner_(owner), kind_(kind) {}
    MediaKind kind() const noexcept override { return kind_; }
    const std::string& ownerId() const noexcept override { return owner_.id_; }
    void onRtp(const ForwardedPacket& packet) override { owner_.forward(*this, packet); }
    // The sender checks its stream's source every tick (a lost publisher is not announced).
    void onSourceChanged() override {}
    void onLayersReranked() override {}

    RelaySender& owner_;
    MediaKind kind_;
    int layers = 0;
    std::array<uint32_t, kMaxLayers> ssrcs{};
    std::array<uint64_t, kMaxLayers> packets{}, octets{};
  };

  void forward(Output& out, const ForwardedPacket& packet);
  void send(uint32_t ssrc, const wire::rtp::RtpPacketView& rtp);
  void onNack(std::span<const uint8_t> bytes);
  void onKeyframeRequest(uint32_t mediaSsrc);
  void sendSenderReports();
  // Finds the output and layer of a link SSRC.
  bool locate(uint32_t ssrc, Output*& out, int& layer);
  bool ssrcTaken(uint32_t ssrc);

  // transport::MediaTransportListener (the channel)
  void onTransportSend(transport::MediaTransport&, PacketRef, const SocketAddress&) override {}
  void onTransportPathBound(transport::MediaTransport&, const SocketAddress&) override {}
  void onTransportStateChanged(transport::MediaTransport& t, transport::TransportState state,
                               std::string_view reason) override;
  void onTransportRtp(transport::MediaTransport&, PacketRef) override {}
  void onTransportRtcp(transport::MediaTransport& t, PacketRef packet) override;
  // DataSink: the stream's data channel messages cross with it.
  void onStreamData(const DataMessage& message) override { channel_->sendData(message); }

  std::string id_;
  std::string toNode_;
  std::string streamName_;
  std::string linkId_;
  PeerHost& host_;
  std::unique_ptr<RelayChannel> channel_;
  SfuCounters& counters_;
  Stream* stream_ = nullptr;
  const void* source_ = nullptr;  // the source the layers were taken from
  std::vector<std::unique_ptr<Output>> outputs_;
  uint32_t rtcpSsrc_;
  int64_t nextReportUs_ = 0;
  int64_t createdMs_ = 0;
  uint64_t forwarded_ = 0, retransmitted_ = 0;
  bool ended_ = false;
  Listener* listener_ = nullptr;
};

}  // namespace rtcgate::sfu
