#pragma once
// RelayLink: the encrypted transport between a worker of this node and a worker of another
// (DESIGN.md §4): ICE (controlling on the side that asked for the link, lite on the other),
// DTLS and SRTP on the workers' own UDP ports, carrying any number of relayed streams both
// ways, each on SSRCs of its own. One link per pair of worker addresses, since the worker's
// demux knows a remote address once. Streams use it through RelayChannels: RTP is routed to
// a channel by its SSRC, RTCP to every channel (each takes what names its SSRCs). A stream's
// data channel messages cross on an SCTP association over the link's DTLS (the side that
// asked for the link connects it): one reliable, ordered link channel per relayed stream,
// named after the stream's first SSRC, carrying each message with its original channel and
// media stamp (sfu/relay_data.h).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/socket_address.h"
#include "sfu/data_sink.h"
#include "sfu/peer_host.h"
#include "transport/ice/ice_types.h"
#include "transport/media_transport.h"

namespace rtcgate::sfu {

class RelayChannel;

struct RelayLinkSpec {
  std::string id;
  bool client = false;  // true: this side connects (ICE controlling, DTLS client)
  transport::ice::IceCredentials localIce;
  transport::ice::IceCredentials remoteIce;
  std::string remoteFingerprint;  // "sha-256 AB:CD:..."
  SocketAddress remoteAddress;    // the other worker's address (client: where to connect)
  int64_t consentTimeoutUs = 6'000'000;  // a link whose other end is silent this long fails
};

// Told when a link ends (failed or closed); the router forgets it.
class RelayLinkListener {
 public:
  virtual ~RelayLinkListener() = default;
  virtual void onRelayLinkEnded(const std::string& id, std::string_view reason) = 0;
};

struct RelayLinkStats {
  uint64_t rtpIn = 0, rtpOut = 0, rtcpIn = 0, rtcpOut = 0, bytesIn = 0, bytesOut = 0;
  uint64_t unroutedRtp = 0;  // RTP of an SSRC no channel takes (a relay just removed)
  uint64_t dataIn = 0, dataOut = 0;
  uint64_t dataDropped = 0;  // not sent (the far side reads too slowly, not ready) or not routed
};

class RelayLink final : public transport::MediaTransportListener {
 public:
  RelayLink(PeerHost& host, RelayLinkSpec spec, RelayLinkListener& listener);
  ~RelayLink() override;

  Status start();
  void onTick(int64_t nowUs);
  void close(std::string_view reason);

  // A channel for one relayed stream, receiving `inboundSsrcs` (none for a stream we send).
  std::unique_ptr<RelayChannel> openChannel(const std::vector<uint32_t>& inboundSsrcs);

  const std::string& id() const noexcept { return spec_.id; }
  const RelayLinkSpec& spec() const noexcept { return spec_; }
  transport::TransportState state() const noexcept;
  const std::string& reason() const noexcept;
  size_t channelCount() const noexcept { return channels_.size(); }
  const RelayLinkStats& stats() const noexcept { return stats_; }

  // The transport's side of the channels (RelayChannel calls these).
  Status sendRtp(PacketRef packet) noexcept;
  Status sendRtcp(PacketRef packet) noexcept;
  void detach(RelayChannel& channel) noexcept;
  // A channel's SSRCs end: their SRTP state leaves the link's tables (bounded), so a link that
  // lives long carries any number of relays over time.
  void forgetSsrcs(const std::vector<uint32_t>& sent, const std::vector<uint32_t>& received) noexcept;
  // Sends a relayed stream's data message on the link channel of `key` (the stream's first
  // SSRC), opening it when `channelId` is unset; dropped (counted) while the association is
  // not up or the far side has more than kMaxDataBuffered of it unread.
  void sendData(uint32_t key, const DataMessage& message, std::optional<uint16_t>& channelId);
  void closeData(uint16_t channelId);
  static constexpr size_t kMaxDataBuffered = 512 * 1024;

  // transport::MediaTransportListener (the link's own transport)
  void onTransportSend(transport::MediaTransport& t, PacketRef datagram, const SocketAddress& to) override;
  void onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) override;
  void onTransportStateChanged(transport::MediaTransport& t, transport::TransportState state,
                               std::string_view reason) override;
  void onTransportRtp(transport::MediaTransport& t, PacketRef packet) override;
  void onTransportRtcp(transport::MediaTransport& t, PacketRef packet) override;
  void onTransportDataMessage(transport::MediaTransport& t, const transport::sctp::DataChannelInfo& channel,
                              bool binary, std::vector<uint8_t>&& data) override;

 private:
  PeerHost& host_;
  RelayLinkSpec spec_;
  RelayLinkListener& listener_;
  std::unique_ptr<transport::MediaTransport> transport_;
  std::vector<RelayChannel*> channels_;
  std::unordered_map<uint32_t, RelayChannel*> bySsrc_;
  RelayLinkStats stats_;
  bool ended_ = false;
};

// One relayed stream's view of its link, as the MediaTransport of the peer (or sender) that
// owns it: sends go out on the link, what the link routes here comes in, and its state is the
// link's until it is closed.
class RelayChannel final : public transport::MediaTransport {
 public:
  RelayChannel(RelayLink& link, std::vector<uint32_t> inboundSsrcs, int64_t nowUs)
      : link_(&link), ssrcs_(std::move(inboundSsrcs)), lastMediaUs_(nowUs) {}
  ~RelayChannel() override;

  void setListener(transport::MediaTransportListener* listener) noexcept { listener_ = listener; }
  const std::vector<uint32_t>& inboundSsrcs() const noexcept { return ssrcs_; }
  RelayLink* link() const noexcept { return link_; }

  // From the link.
  void deliverRtp(PacketRef packet);
  void deliverRtcp(const PacketRef& packet);
  void onLinkState(transport::TransportState state, std::string_view reason);
  void onLinkGone(std::string_view reason);
  // A receiving channel whose media stopped for `timeoutUs` (its BYE lost, its sender stuck)
  // fails, so its players wait for the stream to be relayed again rather than freeze.
  void checkMedia(int64_t nowUs, int64_t timeoutUs);
  // The sending side said goodbye (RTCP BYE): the stream ended there (`ended`, closed) or its
  // source was lost (failed: players here wait for it).
  void onRemoteBye(bool ended) { end(ended ? transport::TransportState::kClosed : transport::TransportState::kFailed,
                                     ended ? "the stream ended on its node" : "the stream's source was lost on its node"); }

  // A relayed stream's data: what arrives for the SSRCs this channel receives goes to `handler`
  // (the relay's peer); what the sender sends goes out under `key`, its first SSRC.
  void setDataHandler(std::function<void(DataMessage&&)> handler) { dataHandler_ = std::move(handler); }
  void deliverData(DataMessage&& message) {
    if (dataHandler_ && !ended_) dataHandler_(std::move(message));
  }
  void setDataKey(uint32_t key) noexcept { dataKey_ = key; }
  void sendData(const DataMessage& message) {
    if (link_ && !ended_ && dataKey_) link_->sendData(*dataKey_, message, dataChannel_);
  }

  // transport::MediaTransport
  Status start() override { return {}; }
  void onDatagram(PacketRef, const SocketAddress&) override {}
  std::optional<int64_t> nextTimeoutUs() const noexcept override { return std::nullopt; }
  void onTimer() override {}
  Status sendRtp(PacketRef packet) noexcept override;
  Status sendRtcp(PacketRef packet) noexcept override;
  void close(std::string_view reason) override;
  void forgetSendSsrc(uint32_t ssrc) noexcept override;
  transport::TransportState state() const noexcept override;
  const std::string& reason() const noexcept override { return reason_.empty() && link_ ? link_->reason() : reason_; }
  const transport::MediaTransportStats& stats() const noexcept override { return stats_; }
  const DropCounters& drops() const noexcept override { return drops_; }

 private:
  void end(transport::TransportState state, std::string_view reason);

  RelayLink* link_;  // null once detached
  std::vector<uint32_t> ssrcs_;
  std::vector<uint32_t> rtcpSsrcs_;  // sender SSRCs of the RTCP sent (forgotten with the channel)
  int64_t lastMediaUs_ = 0;          // the last RTP received (or when the channel opened)
  transport::MediaTransportListener* listener_ = nullptr;
  std::function<void(DataMessage&&)> dataHandler_;
  std::optional<uint32_t> dataKey_;
  std::optional<uint16_t> dataChannel_;  // the link channel this stream's data is sent on
  std::optional<transport::TransportState> ended_;
  std::string reason_;
  transport::MediaTransportStats stats_;
  DropCounters drops_;
};

}  // namespace rtcgate::sfu
