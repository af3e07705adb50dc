#include "sfu/peer.h"

#include <algorithm>

#include "base/base64.h"
#include "base/random.h"

#include <nlohmann/json.hpp>
#include "sfu/room_data.h"
#include "sfu/stream.h"
#include "transport/sctp/data_channels.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_extensions.h"

namespace rtcgate::sfu {

namespace rtp = wire::rtp;
namespace rtcp = wire::rtcp;
using transport::TransportState;
using wire::sdp::Direction;

namespace {

MediaKind kindOf(const wire::sdp::NegotiatedMedia& m) { return m.kind == "audio" ? MediaKind::kAudio : MediaKind::kVideo; }

}  // namespace

Peer::Peer(PeerHost& host, SessionSpec spec, SessionKind kind, SfuCounters& counters)
    : host_(host),
      spec_(std::move(spec)),
      kind_(kind),
      counters_(counters),
      rtcpSsrc_(randomU32() | 1),
      transportSeq_(static_cast<uint16_t>(randomU32())) {
  for (const auto& m : spec_.negotiated.media) {
    if (m.codecs.empty()) continue;
    const MediaKind k = kindOf(m);
    if (kind_ == SessionKind::kRoomSubscriber) continue;  // its consumers are added per binding
    // One track of each kind each way: what WHIP and WHEP peers carry (extra sections stay unrouted).
    if (m.local) {
      if (consumer(k)) continue;
      consumers_.push_back(std::make_unique<Consumer>(spec_.id, k, m, static_cast<ConsumerOutput&>(*this), counters_,
                                                      static_cast<uint16_t>(randomU32()), randomU32(),
                                                      static_cast<uint16_t>(randomU32())));
      consumers_.back()->setQuality(spec_.quality);
    } else if (m.direction == Direction::kRecvOnly || m.direction == Direction::kSendRecv) {
      if (producer(k)) continue;
      producers_.push_back(std::make_unique<Producer>(k, m, static_cast<ProducerFeedback&>(*this), counters_.drops));
    }
  }
  for (size_t p = 0; p < producers_.size(); ++p) {
    const Producer& prod = *producers_[p];
    if (!twccExt_) twccExt_ = prod.twccExtension();
    remb_ = remb_ || prod.rembNegotiated();
    if (twccExt_ && !twcc_) twcc_ = std::make_unique<media::TwccRecorder>();
    for (size_t l = 0; l < prod.layers().size(); ++l) {
      const auto& layer = prod.layers()[l];
      if (layer.ssrc) routes_.push_back({layer.ssrc, uint8_t(p), uint8_t(l), false});
      if (layer.rtxSsrc) routes_.push_back({layer.rtxSsrc, uint8_t(p), uint8_t(l), true});
    }
  }
}

Peer::~Peer() {
  if (stream_) stream_->removeDataSink(this);
  if (roomData_) roomData_->remove(spec_.participant, *this);
  if (transport_) host_.releaseTransport(*transport_);
}

Status Peer::start() {
  transport_ = host_.makeTransport(spec_, *this);
  return transport_->start();
}

Status Peer::start(std::unique_ptr<transport::MediaTransport> transport) {
  transport_ = std::move(transport);
  return transport_->start();
}

void Peer::close(std::string_view reason) { transport_->close(reason); }

void Peer::attach(Stream* stream) {
  if (takesData()) {
    if (stream_) stream_->removeDataSink(this);
    if (stream) stream->addDataSink(this);
  }
  stream_ = stream;
  for (auto& p : producers_) p->setSink(stream);
  for (auto& c : consumers_) c->attach(stream);
}

void Peer::setQuality(Quality q) {
  spec_.quality = q;
  for (auto& c : consumers_) c->setQuality(q);
}

bool Peer::restartIce(const transport::ice::IceCredentials& local, const transport::ice::IceCredentials& remote) {
  if (ufrags_.empty()) ufrags_.push_back(spec_.localIce.ufrag);
  if (!transport_->restartIce(local, remote)) return false;
  // The transport now answers its current generation and the new one; every other ufrag
  // of ours leaves the demux, so repeated restarts hold at most two.
  const std::string answering(transport_->answeringUfrag());
  for (const auto& u : ufrags_)
    if (u != answering && u != local.ufrag) host_.demux().removeUfrag(u);
  ufrags_ = {answering};
  if (local.ufrag != answering) ufrags_.push_back(local.ufrag);
  host_.demux().addUfrag(local.ufrag, *transport_);
  return true;
}

Producer* Peer::producer(MediaKind kind) noexcept {
  for (auto& p : producers_)
    if (p->kind() == kind) return p.get();
  return nullptr;
}

const Producer* Peer::producer(MediaKind kind) const noexcept {
  for (const auto& p : producers_)
    if (p->kind() == kind) return p.get();
  return nullptr;
}

Consumer* Peer::consumer(MediaKind kind) noexcept {
  for (auto& c : consumers_)
    if (c->kind() == kind) return c.get();
  return nullptr;
}

Consumer* Peer::consumerForMid(std::string_view mid) noexcept {
  for (auto& c : consumers_)
    if (c->mid() == mid) return c.get();
  return nullptr;
}

Consumer& Peer::addConsumer(const wire::sdp::NegotiatedMedia& m) {
  consumers_.push_back(std::make_unique<Consumer>(spec_.id, kindOf(m), m, static_cast<ConsumerOutput&>(*this), counters_,
                                                  static_cast<uint16_t>(randomU32()), randomU32(),
                                                  static_cast<uint16_t>(randomU32())));
  consumers_.back()->setQuality(spec_.quality);
  return *consumers_.back();
}

void Peer::removeConsumer(Consumer& consumer) {
  // A recycled m-line sends its next track with new SSRCs: free the ended ones' SRTP state.
  if (transport_) {
    transport_->forgetSendSsrc(consumer.ssrc());
    if (consumer.rtxSsrc() != 0) transport_->forgetSendSsrc(consumer.rtxSsrc());
  }
  std::erase_if(consumers_, [&](const std::unique_ptr<Consumer>& c) { return c.get() == &consumer; });
}

std::vector<Consumer*> Peer::consumers() noexcept {
  std::vector<Consumer*> out;
  for (auto& c : consumers_) out.push_back(c.get());
  return out;
}

bool Peer::connected() const noexcept { return transport_ && transport_->state() == TransportState::kConnected; }

SessionInfo Peer::info(unsigned worker) const {
  SessionInfo i;
  i.id = spec_.id;
  i.kind = kind_;
  i.stream = spec_.stream;
  i.state = std::string(transport::transportStateName(transport_->state()));
  i.reason = transport_->reason();
  i.worker = worker;
  i.createdMs = spec_.createdMs;
  i.peerNode = spec_.peerNode;
  if (!consumers_.empty()) i.layer = std::string(qualityName(spec_.quality));
  const auto& s = transport_->stats();
  i.packetsIn = s.rtpIn + s.rtcpIn;
  i.packetsOut = s.rtpOut + s.rtcpOut;
  i.bytesIn = s.bytesIn;
  i.bytesOut = s.bytesOut;
  return i;
}

// --- StreamSource ---

int Peer::layerForQuality(MediaKind kind, Quality quality) const {
  const Producer* p = producer(kind);
  return p ? p->layerFor(quality) : 0;
}

int Peer::layerCount(MediaKind kind) const {
  const Producer* p = producer(kind);
  return p ? p->layerCount() : 0;
}

int Peer::lowerLayer(MediaKind kind, int layer) const {
  const Producer* p = producer(kind);
  return p ? p->lowerLayer(layer) : layer;
}

uint64_t Peer::layerBitrate(MediaKind kind, int layer) const {
  const Producer* p = producer(kind);
  return p ? p->layerBitrate(layer) : 0;
}

PacketRef Peer::findPacket(MediaKind kind, int layer, uint16_t seq) const {
  const Producer* p = producer(kind);
  return p ? p->findPacket(layer, seq, host_.clock().nowUs()) : PacketRef{};
}

std::optional<SenderClock> Peer::senderClock(MediaKind kind, int layer) const {
  const Producer* p = producer(kind);
  if (!p || layer < 0 || layer >= p->layerCount()) return std::nullopt;
  return p->layers()[static_cast<size_t>(layer)].senderClock;
}

void Peer::requestKeyframe(MediaKind kind, int layer) {
  if (Producer* p = producer(kind)) p->requestKeyframe(layer, host_.clock().nowUs());
}

std::vector<TrackInfo> Peer::trackInfo() const {
  std::vector<TrackInfo> out;
  for (const auto& p : producers_) out.push_back(p->info());
  return out;
}

// --- transport events ---

void Peer::onTransportSend(transport::MediaTransport&, PacketRef datagram, const SocketAddress& to) {
  host_.sendDatagram(std::move(datagram), to);
}

void Peer::onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) {
  host_.demux().bindAddress(remote, t);
}

void Peer::onTransportStateChanged(transport::MediaTransport&, TransportState state, std::string_view reason) {
  if (state == TransportState::kConnected) {
    for (auto& c : consumers_) c->onConnected();
    if (!connectedOnce_) {
      connectedOnce_ = true;
      host_.onPeerConnected(*this);
    }
  }
  if ((state == TransportState::kFailed || state == TransportState::kClosed) && !ended_) {
    ended_ = true;
    host_.onPeerEnded(*this, reason);
  }
}

const Peer::SsrcRoute* Peer::route(const rtp::RtpPacketView& pkt) {
  const uint32_t ssrc = pkt.ssrc();
  for (const auto& r : routes_)
    if (r.ssrc == ssrc) return &r;
  if (routes_.size() >= 16) return nullptr;  // a peer inventing SSRCs gets no more state
  for (size_t p = 0; p < producers_.size(); ++p) {
    if (auto m = producers_[p]->learn(pkt)) {
      routes_.push_back({ssrc, uint8_t(p), uint8_t(m->layer), m->rtx});
      return &routes_.back();
    }
  }
  return nullptr;
}

void Peer::onTransportRtp(transport::MediaTransport&, PacketRef packet) {
  auto parsed = rtp::RtpPacketView::parse(packet->span());
  if (!parsed.ok()) return counters_.drops.count(DropReason::kBadRtp);  // the transport validated it
  const SsrcRoute* r = route(*parsed);
  if (!r) {
    ++counters_.unknownSsrcDrops;
    return counters_.drops.count(DropReason::kUnknownSsrc);  // also a player's media: it sends none
  }
  // Every packet with a transport-wide sequence number counts for congestion control,
  // retransmissions included (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
  if (twcc_) {
    if (auto seq = rtp::readTransportSequence(parsed->findExtension(twccExt_))) twcc_->onPacket(*seq, packet->receivedUs);
  }
  producers_[r->producer]->onRtp(std::move(packet), *parsed, r->layer, r->rtx);
}

void Peer::onTransportRtcp(transport::MediaTransport&, PacketRef packet) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    switch (ref.kind()) {
      case rtcp::RtcpKind::kSr:
        onSenderReport(ref.packet, packet->receivedUs);
        onReportBlocks(ref.packet, packet->receivedUs);
        break;
      case rtcp::RtcpKind::kRr:
        onReportBlocks(ref.packet, packet->receivedUs);
        break;
      case rtcp::RtcpKind::kNack:
        onNack(ref.packet);
        break;
      case rtcp::RtcpKind::kPli:
      case rtcp::RtcpKind::kFir:
        ++counters_.plisReceived;
        onKeyframeRequest(ref);
        break;
      case rtcp::RtcpKind::kRemb:
        if (auto remb = rtcp::Remb::parse(ref.packet); remb.ok()) bwe_.onRemb(static_cast<int64_t>(remb->bitrateBps));
        break;
      case rtcp::RtcpKind::kTransportCc:
        ++counters_.twccFeedbackReceived;  // kept for send-side estimation
        break;
      default:
        break;
    }
  }
}

// A PLI names the SSRC it wants a keyframe of (RFC 4585 §6.3.1); a FIR names it in its
// entries (RFC 5104 §4.3.1), so for a FIR (or a PLI naming none of ours) every video
// consumer is asked, which is what a player with one video track means anyway.
void Peer::onKeyframeRequest(const rtcp::RtcpPacketRef& ref) {
  if (ref.kind() == rtcp::RtcpKind::kPli) {
    if (auto pli = rtcp::Pli::parse(ref.packet); pli.ok()) {
      for (auto& c : consumers_)
        if (c->ssrc() == pli->mediaSsrc) return c->onKeyframeRequest();
    }
  }
  for (auto& c : consumers_)
    if (c->kind() == MediaKind::kVideo) c->onKeyframeRequest();
}

void Peer::onSenderReport(std::span<const uint8_t> bytes, int64_t nowUs) {
  auto sr = rtcp::SenderReport::parse(bytes);
  if (!sr.ok()) return counters_.drops.count(DropReason::kBadRtcp);
  for (auto& p : producers_) p->onSenderReport(sr->senderSsrc, sr->ntpTime, sr->rtpTimestamp, nowUs);
}

void Peer::onReportBlocks(std::span<const uint8_t> bytes, int64_t nowUs) {
  if (consumers_.empty()) return;
  rtcp::ReportBlockList blocks;
  if (auto rr = rtcp::ReceiverReport::parse(bytes); rr.ok()) blocks = rr->reports;
  else if (auto sr = rtcp::SenderReport::parse(bytes); sr.ok()) blocks = sr->reports;
  else return counters_.drops.count(DropReason::kBadRtcp);
  const uint64_t ntp = ntpNow();
  for (const auto& b : blocks.items()) {
    for (auto& c : consumers_) {
      if (c->ssrc() != b.sourceSsrc) continue;
      if (auto rtt = c->onReportBlock(b, ntp)) bwe_.setRttMs(*rtt);
      if (c->kind() == MediaKind::kVideo) bwe_.onReceiverReport(b.fractionLost, nowUs);
    }
  }
}

void Peer::onNack(std::span<const uint8_t> bytes) {
  auto nack = rtcp::Nack::parse(bytes);
  if (!nack.ok()) return counters_.drops.count(DropReason::kBadRtcp);
  for (auto& c : consumers_) {
    if (c->ssrc() != nack->mediaSsrc) continue;
    std::array<uint16_t, 17 * 64> lost{};
    const size_t n = rtcp::expandNackPairs(nack->items(), lost);
    c->onNack(std::span<const uint16_t>(lost.data(), n));
  }
}

// --- RTCP we send ---

template <typename Build>
void Peer::sendRtcp(Build&& build) {
  PacketRef p = host_.pool().acquire();
  if (!p) return counters_.drops.count(DropReason::kPoolExhausted);
  const size_t n = build(std::span<uint8_t>(p->data(), p->tailCapacity() - 64));
  if (n == 0) return;
  p->size = static_cast<uint32_t>(n);
  (void)transport_->sendRtcp(std::move(p));
}

void Peer::sendPli(uint32_t mediaSsrc) {
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    auto n = rtcp::Pli{rtcpSsrc_, mediaSsrc}.serializeTo(out);
    return n.ok() ? *n : 0;
  });
  ++counters_.plisSent;
}

void Peer::sendNack(uint32_t mediaSsrc, std::span<const uint16_t> lost) {
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    rtcp::Nack nack;
    nack.senderSsrc = rtcpSsrc_;
    nack.mediaSsrc = mediaSsrc;
    nack.setLost(lost);
    auto w = nack.serializeTo(out);
    return w.ok() ? *w : 0;
  });
  counters_.nacksSent += lost.size();
}

// So a browser publisher's send-side estimate can ramp up (it needs this feedback).
void Peer::sendTransportFeedback(int64_t nowUs) {
  if (!twcc_ || !twcc_->hasPending() || nowUs < twcc_->nextFeedbackDueUs()) return;
  uint32_t mediaSsrc = 0;
  for (const auto& p : producers_)
    if (!mediaSsrc) mediaSsrc = p->firstSsrc();
  sendRtcp([&](std::span<uint8_t> out) -> size_t { return twcc_->buildFeedback(rtcpSsrc_, mediaSsrc, nowUs, out); });
  ++counters_.twccFeedbackSent;
}

// draft-alvestrand-rmcat-remb: for publishers without transport-wide CC (their own
// estimate then follows ours). We allow twice what arrives, at least 1 Mbit/s, so the
// sender can keep stepping up while the path delivers; losses show up in the RRs.
void Peer::sendRemb(int64_t nowUs) {
  rtcp::Remb remb;
  remb.senderSsrc = rtcpSsrc_;
  uint64_t incoming = 0;
  for (auto& p : producers_) incoming += p->addToRemb(remb, nowUs);
  if (remb.count == 0) return;
  remb.bitrateBps = std::clamp<uint64_t>(2 * incoming, 1'000'000, 20'000'000);
  sendRtcp([&](std::span<uint8_t> out) -> size_t {
    auto n = remb.serializeTo(out);
    return n.ok() ? *n : 0;
  });
}

// Once a second: RFC 3550 §6.4.2 receiver reports for what we receive, §6.4.1 sender
// reports for what we send.
void Peer::sendReports(int64_t nowUs) {
  if (!producers_.empty()) {
    for (auto& p : producers_) p->sampleBitrates(nowUs);
    sendRtcp([&](std::span<uint8_t> out) -> size_t {
      rtcp::ReceiverReport rr;
      rr.senderSsrc = rtcpSsrc_;
      for (auto& p : producers_) p->addReportBlocks(rr, nowUs);
      auto n = rr.serializeTo(out);
      return n.ok() ? *n : 0;
    });
    ++counters_.receiverReportsSent;
    if (remb_ && !twccExt_) sendRemb(nowUs);
  }
  const uint64_t ntp = ntpNow();
  for (auto& c : consumers_) {
    const auto sr = c->senderReport(nowUs, ntp);
    if (!sr) continue;
    sendRtcp([&](std::span<uint8_t> out) -> size_t {
      auto n = sr->serializeTo(out);
      return n.ok() ? *n : 0;
    });
    ++counters_.senderReportsSent;
  }
  // Lowers (or restores) the video layer when the estimate says the path cannot carry it;
  // a room subscriber's video tracks share the estimate.
  int64_t videos = 0;
  for (const auto& c : consumers_) videos += c->kind() == MediaKind::kVideo && !c->paused();
  const int64_t budget = bwe_.estimateBps() / std::max<int64_t>(1, videos);
  for (auto& c : consumers_) c->adaptLayer(budget);
}

void Peer::onTick(int64_t nowUs) {
  if (auto t = transport_->nextTimeoutUs(); t && *t <= nowUs) transport_->onTimer();
  if (transport_->state() != TransportState::kConnected) return;
  for (auto& p : producers_) p->sendKeyframeRequests(nowUs);
  sendTransportFeedback(nowUs);
  if (nowUs >= nextNackUs_ && !producers_.empty()) {
    nextNackUs_ = nowUs + 10'000;
    for (auto& p : producers_) p->sendNacks(nowUs);
  }
  if (nowUs >= nextReportUs_) {
    nextReportUs_ = nowUs + 1'000'000;
    sendReports(nowUs);
  }
}

bool Peer::takesData() const noexcept {
  return (kind_ == SessionKind::kSubscriber || kind_ == SessionKind::kRoomSubscriber) && transport_ &&
         spec_.negotiated.data.has_value();
}

void Peer::setRoomData(RoomData* room) {
  if (roomData_) roomData_->remove(spec_.participant, *this);
  roomData_ = takesData() ? room : nullptr;
  if (roomData_) roomData_->add(spec_.participant, *this);
}

void Peer::onRoomData(const transport::sctp::DataChannelInfo& channel, DataMessage message) {
  Result<size_t> sent = spec_.sendsRoomData ? roomData_->forward(spec_.participant, message)
                                            : Error::state("this participant may not send data (no publishData grant)");
  if (sent.ok()) return;
  // Told on the channel it used, as {"error": "..."}; a sender that ignores these only
  // fills its own channel's bound.
  ++counters_.dataMessagesDropped;
  auto* dc = transport_->dataChannels();
  const std::string text = nlohmann::json{{"error", sent.error().message}}.dump();
  (void)dc->send(channel.id, false, std::make_shared<const std::vector<uint8_t>>(text.begin(), text.end()),
                 host_.clock().nowUs());
}

void Peer::onTransportDataMessage(transport::MediaTransport&, const transport::sctp::DataChannelInfo& channel,
                                  bool binary, std::vector<uint8_t>&& data) {
  ++counters_.dataMessagesIn;
  DataMessage m{channel.label, channel.protocol, channel.reliability, binary,
                std::make_shared<const std::vector<uint8_t>>(std::move(data)), std::nullopt};
  if (roomData_) return onRoomData(channel, std::move(m));
  // A publisher's messages go to its stream's players; a player's own are not forwarded.
  if ((kind_ != SessionKind::kPublisher && kind_ != SessionKind::kRelayIn) || !stream_) return;
  if (channel.label == kMetadataLabel) m.stamp = mediaStamp();
  stream_->forwardData(m);
}

void Peer::onRelayedData(DataMessage&& m) {
  ++counters_.dataMessagesIn;
  if (kind_ == SessionKind::kRelayIn && stream_) stream_->forwardData(m);
}

std::optional<MediaStamp> Peer::mediaStamp() const {
  // The video being received now, or the audio of a stream without video.
  for (MediaKind kind : {MediaKind::kVideo, MediaKind::kAudio}) {
    const Producer* p = producer(kind);
    if (!p) continue;
    MediaStamp stamp{kind, {}};
    bool any = false;
    for (size_t l = 0; l < p->layers().size() && l < MediaStamp::kMaxLayers; ++l) {
      stamp.layerTimestamps[l] = p->layers()[l].newestTimestamp;
      any |= stamp.layerTimestamps[l].has_value();
    }
    if (any) return stamp;
  }
  return std::nullopt;
}

void Peer::onTransportDataChannelClosed(transport::MediaTransport&, const transport::sctp::DataChannelInfo& channel,
                                        std::string_view) {
  if (channel.closeCause != transport::sctp::ChannelCloseCause::kOverflow) return;
  // A player that fell behind is not sent that label again on a channel of ours (it would
  // overflow again); a channel it opens itself with the label takes the messages again.
  ++counters_.dataChannelsOverflowed;
  if (overflowedLabels_.size() < 16) overflowedLabels_.push_back(channel.label);
}

void Peer::onStreamData(const DataMessage& m) {
  auto* dc = transport_ ? transport_->dataChannels() : nullptr;
  if (!dc || !dc->ready()) {
    ++counters_.dataMessagesDropped;  // the player's association is not up (yet)
    return;
  }
  const int64_t now = host_.clock().nowUs();
  const auto* channel = dc->findByLabel(m.label);
  uint16_t id = 0;
  if (channel) {
    id = channel->id;
  } else if (std::find(overflowedLabels_.begin(), overflowedLabels_.end(), m.label) != overflowedLabels_.end()) {
    ++counters_.dataMessagesDropped;
    return;
  } else {
    auto opened = dc->open(m.label, m.protocol, m.reliability, now);
    if (!opened.ok()) {
      ++counters_.dataMessagesDropped;
      return;
    }
    id = *opened;
  }
  auto bytes = m.bytes;
  bool binary = m.binary;
  if (m.label == kMetadataLabel) {
    // Timed metadata: {"rtpTimestamp": T, "data": ...} with T in this player's own clock.
    auto timed = timedMetadata(m);
    if (!timed) {
      ++counters_.dataMessagesDropped;  // nothing of that kind forwarded to this player yet
      return;
    }
    bytes = std::move(timed);
    binary = false;
  }
  if (dc->send(id, binary, std::move(bytes), now).ok()) ++counters_.dataMessagesOut;
  else ++counters_.dataMessagesDropped;
}

transport::sctp::MessageBytes Peer::timedMetadata(const DataMessage& m) {
  if (!m.stamp) return nullptr;
  Consumer* c = consumer(m.stamp->kind);
  const int layer = c ? c->currentLayer() : -1;
  if (layer < 0 || static_cast<size_t>(layer) >= MediaStamp::kMaxLayers || !m.stamp->layerTimestamps[layer]) return nullptr;
  const auto ts = c->outputTimestamp(layer, *m.stamp->layerTimestamps[layer]);
  if (!ts) return nullptr;
  nlohmann::json out{{"rtpTimestamp", *ts}};
  const std::string_view text(reinterpret_cast<const char*>(m.bytes->data()), m.bytes->size());
  if (m.binary) {
    out["data"] = toBase64(*m.bytes);
    out["encoding"] = "base64";
  } else if (auto parsed = nlohmann::json::parse(text, nullptr, false); !parsed.is_discarded()) {
    out["data"] = std::move(parsed);  // JSON stays JSON
  } else {
    out["data"] = text;
  }
  const std::string dumped = out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return std::make_shared<const std::vector<uint8_t>>(dumped.begin(), dumped.end());
}

}  // namespace rtcgate::sfu
