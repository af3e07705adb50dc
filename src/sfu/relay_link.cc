#include "sfu/relay_link.h"

#include <algorithm>
#include <charconv>

#include "sfu/relay_data.h"
#include "transport/webrtc/webrtc_transport.h"
#include "wire/rtcp/bye.h"
#include "wire/rtcp/compound.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::sfu {

namespace webrtc = transport::webrtc;
using transport::TransportState;

namespace {

// A relayed stream sends video at least every keyframe interval and audio every 20 ms.
constexpr int64_t kMediaTimeoutUs = 10'000'000;

webrtc::WebRtcTransportOptions linkOptions(const RelayLinkSpec& spec) {
  webrtc::WebRtcTransportOptions o;
  o.iceMode = spec.client ? webrtc::WebRtcTransportOptions::IceMode::kClient : webrtc::WebRtcTransportOptions::IceMode::kLite;
  o.localIce = spec.localIce;
  o.remoteIce = spec.remoteIce;
  o.remoteCandidate = spec.remoteAddress;
  o.dtlsRole = spec.client ? crypto::dtls::DtlsRole::kClient : crypto::dtls::DtlsRole::kServer;
  const auto space = spec.remoteFingerprint.find(' ');
  o.remoteFingerprintAlgorithm = spec.remoteFingerprint.substr(0, space);
  o.remoteFingerprint = space == std::string::npos ? "" : spec.remoteFingerprint.substr(space + 1);
  o.consentTimeoutUs = spec.consentTimeoutUs;
  o.consentIntervalUs = std::max<int64_t>(200'000, spec.consentTimeoutUs / 6);
  o.connectTimeoutUs = 10'000'000;
  o.maxSsrcs = 1024;  // every layer of every relayed stream, both ways
  // Data of the relayed streams: a channel per stream that has any, a message of up to what a
  // publisher may send plus its header.
  transport::sctp::DataChannelsConfig data;
  data.maxChannels = 1024;
  data.sctp.maxMessageSize = 256 * 1024 + kMaxRelayDataHeader;
  data.remoteMaxMessageSize = data.sctp.maxMessageSize;
  data.maxBufferedPerChannel = 2 * RelayLink::kMaxDataBuffered;
  o.dataChannels = data;
  return o;
}

}  // namespace

RelayLink::RelayLink(PeerHost& host, RelayLinkSpec spec, RelayLinkListener& listener)
    : host_(host), spec_(std::move(spec)), listener_(listener) {}

RelayLink::~RelayLink() {
  for (RelayChannel* c : channels_) c->onLinkGone("relay link gone");
  if (transport_) host_.demux().removeSink(*transport_);
}

Status RelayLink::start() {
  transport_ = std::make_unique<webrtc::WebRtcTransport>(host_.clock(), host_.pool(), host_.dtlsContext(),
                                                         linkOptions(spec_), *this);
  if (spec_.client) host_.demux().bindAddress(spec_.remoteAddress, *transport_);
  else host_.demux().addUfrag(spec_.localIce.ufrag, *transport_);
  return transport_->start();
}

void RelayLink::onTick(int64_t nowUs) {
  if (!transport_) return;
  if (auto t = transport_->nextTimeoutUs(); t && *t <= nowUs) transport_->onTimer();
  if (transport_->state() != TransportState::kConnected) return;
  const auto channels = channels_;
  for (RelayChannel* c : channels)
    if (std::find(channels_.begin(), channels_.end(), c) != channels_.end()) c->checkMedia(nowUs, kMediaTimeoutUs);
}

void RelayLink::close(std::string_view reason) {
  if (transport_) transport_->close(reason);
}

TransportState RelayLink::state() const noexcept { return transport_ ? transport_->state() : TransportState::kNew; }

const std::string& RelayLink::reason() const noexcept {
  static const std::string kNone;
  return transport_ ? transport_->reason() : kNone;
}

std::unique_ptr<RelayChannel> RelayLink::openChannel(const std::vector<uint32_t>& inboundSsrcs) {
  // An SSRC another channel receives already would take its media: refused.
  for (uint32_t ssrc : inboundSsrcs)
    if (bySsrc_.count(ssrc)) return nullptr;
  auto c = std::make_unique<RelayChannel>(*this, inboundSsrcs, host_.clock().nowUs());
  channels_.push_back(c.get());
  for (uint32_t ssrc : inboundSsrcs) bySsrc_[ssrc] = c.get();
  return c;
}

void RelayLink::forgetSsrcs(const std::vector<uint32_t>& sent, const std::vector<uint32_t>& received) noexcept {
  if (!transport_) return;
  for (uint32_t s : sent) transport_->forgetSendSsrc(s);
  for (uint32_t s : received) transport_->forgetReceiveSsrc(s);
}

void RelayLink::detach(RelayChannel& channel) noexcept {
  channels_.erase(std::remove(channels_.begin(), channels_.end(), &channel), channels_.end());
  for (uint32_t ssrc : channel.inboundSsrcs())
    if (auto it = bySsrc_.find(ssrc); it != bySsrc_.end() && it->second == &channel) bySsrc_.erase(it);
}

Status RelayLink::sendRtp(PacketRef packet) noexcept {
  if (!transport_) return Error::state("relay link not started");
  ++stats_.rtpOut;
  stats_.bytesOut += packet->size;
  return transport_->sendRtp(std::move(packet));
}

Status RelayLink::sendRtcp(PacketRef packet) noexcept {
  if (!transport_) return Error::state("relay link not started");
  ++stats_.rtcpOut;
  return transport_->sendRtcp(std::move(packet));
}

void RelayLink::onTransportSend(transport::MediaTransport&, PacketRef datagram, const SocketAddress& to) {
  host_.sendDatagram(std::move(datagram), to);
}

void RelayLink::onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) {
  host_.demux().bindAddress(remote, t);
}

void RelayLink::onTransportStateChanged(transport::MediaTransport&, TransportState state, std::string_view reason) {
  if (state == TransportState::kConnected && spec_.client)
    if (auto* dc = transport_->dataChannels(); dc && !dc->ready()) dc->connect(host_.clock().nowUs());
  // A channel may close itself (and leave the list) from inside its listener.
  const auto channels = channels_;
  for (RelayChannel* c : channels)
    if (std::find(channels_.begin(), channels_.end(), c) != channels_.end()) c->onLinkState(state, reason);
  if ((state == TransportState::kFailed || state == TransportState::kClosed) && !ended_) {
    ended_ = true;
    listener_.onRelayLinkEnded(spec_.id, reason);
  }
}

void RelayLink::onTransportRtp(transport::MediaTransport&, PacketRef packet) {
  ++stats_.rtpIn;
  stats_.bytesIn += packet->size;
  // The transport validated the header; the SSRC is at bytes 8-11.
  const auto& b = packet->span();
  const uint32_t ssrc = (uint32_t(b[8]) << 24) | (uint32_t(b[9]) << 16) | (uint32_t(b[10]) << 8) | b[11];
  const auto it = bySsrc_.find(ssrc);
  if (it == bySsrc_.end()) {
    ++stats_.unroutedRtp;
    return;
  }
  it->second->deliverRtp(std::move(packet));
}

void RelayLink::onTransportRtcp(transport::MediaTransport&, PacketRef packet) {
  ++stats_.rtcpIn;
  // A BYE ends the channel receiving those SSRCs, after the rest of the compound is read.
  std::vector<std::pair<RelayChannel*, bool>> byes;
  wire::rtcp::CompoundIterator it(packet->span());
  wire::rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    if (ref.kind() != wire::rtcp::RtcpKind::kBye) continue;
    auto bye = wire::rtcp::Bye::parse(ref.packet);
    if (!bye.ok()) continue;
    for (uint8_t i = 0; i < bye->count; ++i)
      if (auto c = bySsrc_.find(bye->ssrcs[i]); c != bySsrc_.end()) byes.emplace_back(c->second, bye->reasonText() == "ended");
  }
  const auto channels = channels_;
  for (RelayChannel* c : channels)
    if (std::find(channels_.begin(), channels_.end(), c) != channels_.end()) c->deliverRtcp(packet);
  for (auto [c, ended] : byes)
    if (std::find(channels_.begin(), channels_.end(), c) != channels_.end()) c->onRemoteBye(ended);
}

void RelayLink::sendData(uint32_t key, const DataMessage& message, std::optional<uint16_t>& channelId) {
  auto* dc = transport_ ? transport_->dataChannels() : nullptr;
  if (!dc || !dc->ready() || state() != TransportState::kConnected) {
    ++stats_.dataDropped;
    return;
  }
  const int64_t now = host_.clock().nowUs();
  if (channelId && !dc->find(*channelId)) channelId.reset();  // closed meanwhile
  if (!channelId) {
    auto opened = dc->open("rd:" + std::to_string(key), "", {}, now);
    if (!opened.ok()) {
      ++stats_.dataDropped;
      return;
    }
    channelId = *opened;
  }
  if (dc->bufferedBytes(*channelId) > kMaxDataBuffered) {
    ++stats_.dataDropped;  // the far node reads slower than this stream's publisher writes
    return;
  }
  auto bytes = std::make_shared<const std::vector<uint8_t>>(encodeRelayData(message));
  if (dc->send(*channelId, true, std::move(bytes), now).ok()) ++stats_.dataOut;
  else ++stats_.dataDropped;
}

void RelayLink::closeData(uint16_t channelId) {
  if (auto* dc = transport_ ? transport_->dataChannels() : nullptr; dc && dc->find(channelId))
    dc->close(channelId, host_.clock().nowUs(), "relay ended");
}

void RelayLink::onTransportDataMessage(transport::MediaTransport&, const transport::sctp::DataChannelInfo& channel,
                                       bool, std::vector<uint8_t>&& data) {
  // "rd:{ssrc}": the stream whose first SSRC that is; anything else is not ours to read.
  uint32_t key = 0;
  const std::string_view label = channel.label;
  const auto parsed = label.rfind("rd:", 0) == 0
                          ? std::from_chars(label.data() + 3, label.data() + label.size(), key)
                          : std::from_chars_result{label.data(), std::errc::invalid_argument};
  auto it = parsed.ec == std::errc() && parsed.ptr == label.data() + label.size() ? bySsrc_.find(key) : bySsrc_.end();
  auto message = it != bySsrc_.end() ? parseRelayData(data) : Result<DataMessage>(Error::state("unrouted"));
  if (!message.ok()) {
    ++stats_.dataDropped;
    return;
  }
  ++stats_.dataIn;
  it->second->deliverData(std::move(*message));
}

RelayChannel::~RelayChannel() {
  if (link_ && dataChannel_) link_->closeData(*dataChannel_);
  if (link_) {
    link_->forgetSsrcs(rtcpSsrcs_, ssrcs_);
    link_->detach(*this);
  }
}

void RelayChannel::forgetSendSsrc(uint32_t ssrc) noexcept {
  if (link_) link_->forgetSsrcs({ssrc}, {});
}

void RelayChannel::checkMedia(int64_t nowUs, int64_t timeoutUs) {
  if (ended_ || ssrcs_.empty() || nowUs - lastMediaUs_ < timeoutUs) return;
  end(TransportState::kFailed, "no media from the relay");
}

void RelayChannel::deliverRtp(PacketRef packet) {
  ++stats_.rtpIn;
  lastMediaUs_ = packet->receivedUs;
  stats_.bytesIn += packet->size;
  if (listener_ && !ended_) listener_->onTransportRtp(*this, std::move(packet));
}

void RelayChannel::deliverRtcp(const PacketRef& packet) {
  ++stats_.rtcpIn;
  // Each channel reads the compound in place without changing it.
  if (listener_ && !ended_) listener_->onTransportRtcp(*this, packet);
}

Status RelayChannel::sendRtp(PacketRef packet) noexcept {
  if (!link_ || ended_ || link_->state() != TransportState::kConnected) {
    drops_.count(DropReason::kNotConnected);
    return Error::state("relay link not connected");
  }
  ++stats_.rtpOut;
  stats_.bytesOut += packet->size;
  return link_->sendRtp(std::move(packet));
}

Status RelayChannel::sendRtcp(PacketRef packet) noexcept {
  if (!link_ || ended_ || link_->state() != TransportState::kConnected) return Error::state("relay link not connected");
  ++stats_.rtcpOut;
  // The sender SSRC of what we report (RFC 3550 §6.4), remembered to be forgotten with us.
  if (packet->size >= 8 && rtcpSsrcs_.size() < 8) {
    const uint8_t* b = packet->data();
    const uint32_t ssrc = (uint32_t(b[4]) << 24) | (uint32_t(b[5]) << 16) | (uint32_t(b[6]) << 8) | b[7];
    if (std::find(rtcpSsrcs_.begin(), rtcpSsrcs_.end(), ssrc) == rtcpSsrcs_.end()) rtcpSsrcs_.push_back(ssrc);
  }
  return link_->sendRtcp(std::move(packet));
}

TransportState RelayChannel::state() const noexcept {
  if (ended_) return *ended_;
  return link_ ? link_->state() : TransportState::kFailed;
}

void RelayChannel::close(std::string_view reason) { end(TransportState::kClosed, reason); }

void RelayChannel::onLinkState(TransportState state, std::string_view reason) {
  if (ended_) return;
  if (state == TransportState::kFailed || state == TransportState::kClosed) return end(state, reason);
  if (listener_) listener_->onTransportStateChanged(*this, state, reason);
}

void RelayChannel::onLinkGone(std::string_view reason) {
  link_ = nullptr;
  end(TransportState::kFailed, reason);
}

void RelayChannel::end(TransportState state, std::string_view reason) {
  if (ended_) return;
  ended_ = state;
  reason_ = std::string(reason);
  if (link_) {
    if (dataChannel_) link_->closeData(*dataChannel_);  // the link outlives its relays: ids are bounded
    dataChannel_.reset();
    link_->forgetSsrcs(rtcpSsrcs_, ssrcs_);
    link_->detach(*this);
    link_ = nullptr;
  }
  if (listener_) listener_->onTransportStateChanged(*this, state, reason);
}

}  // namespace rtcgate::sfu
