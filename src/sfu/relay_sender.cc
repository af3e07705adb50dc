#include "sfu/relay_sender.h"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "base/clock.h"
#include "base/random.h"
#include "sfu/stream.h"
#include "wire/rtcp/bye.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/sender_report.h"

namespace rtcgate::sfu {

namespace rtcp = wire::rtcp;
using transport::TransportState;

namespace {

constexpr const char* kTwccUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

void storeSsrc(uint8_t* p, uint32_t ssrc) {
  p[0] = uint8_t(ssrc >> 24);
  p[1] = uint8_t(ssrc >> 16);
  p[2] = uint8_t(ssrc >> 8);
  p[3] = uint8_t(ssrc);
}

}  // namespace

RelaySender::RelaySender(std::string id, std::string toNode, PeerHost& host, std::unique_ptr<RelayChannel> channel,
                         SfuCounters& counters)
    : id_(std::move(id)),
      toNode_(std::move(toNode)),
      host_(host),
      channel_(std::move(channel)),
      counters_(counters),
      rtcpSsrc_(randomU32() | 1) {
  linkId_ = channel_->link() ? channel_->link()->id() : "";
  channel_->setListener(this);
  createdMs_ = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

RelaySender::~RelaySender() {
  detach();
  if (channel_) channel_->setListener(nullptr);
}

std::vector<RelayTrack> RelaySender::attach(Stream& stream, const std::vector<wire::sdp::NegotiatedMedia>& published) {
  std::vector<RelayTrack> tracks;
  StreamSource* source = stream.publisher();
  if (!source) return tracks;
  const auto infos = source->trackInfo();
  for (const auto& m : published) {
    if (m.codecs.empty() || (m.kind != "audio" && m.kind != "video")) continue;
    const MediaKind kind = m.kind == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
    if (std::any_of(outputs_.begin(), outputs_.end(), [&](const auto& o) { return o->kind_ == kind; })) continue;
    auto out = std::make_unique<Output>(*this, kind);
    out->layers = std::clamp(source->layerCount(kind), 1, kMaxLayers);
    const auto& codec = m.codecs.front();
    RelayTrack t{m.kind, codec.pt, codec.name, codec.clockRate, codec.channels, codec.fmtp, m.extensions, {}};
    t.extensions.erase(kTwccUri);  // the far side sends no transport-wide feedback over the link
    std::vector<std::string> rids;
    for (const auto& info : infos)
      if (info.kind == m.kind) rids = info.layers;
    for (int l = 0; l < out->layers; ++l) {
      uint32_t ssrc = 0;
      while (ssrc == 0 || ssrcTaken(ssrc) || std::find(out->ssrcs.begin(), out->ssrcs.end(), ssrc) != out->ssrcs.end())
        ssrc = randomU32();
      out->ssrcs[l] = ssrc;
      std::string rid = out->layers == 1 ? "" : (size_t(l) < rids.size() && !rids[l].empty() ? rids[l] : std::to_string(l));
      t.layers.push_back({rid, ssrc});
    }
    tracks.push_back(std::move(t));
    outputs_.push_back(std::move(out));
  }
  stream_ = &stream;
  streamName_ = stream.name();
  source_ = source;
  for (auto& o : outputs_) stream.addConsumer(o.get());
  if (!tracks.empty() && !tracks.front().layers.empty()) {
    channel_->setDataKey(tracks.front().layers.front().ssrc);
    stream.addDataSink(this);
  }
  // The far side starts with a keyframe of every layer.
  for (auto& o : outputs_)
    if (o->kind_ == MediaKind::kVideo)
      for (int l = 0; l < o->layers; ++l) stream.requestKeyframe(MediaKind::kVideo, l);
  return tracks;
}

void RelaySender::detach() {
  if (!stream_) return;
  for (auto& o : outputs_) stream_->removeConsumer(o.get());
  stream_->removeDataSink(this);
  stream_ = nullptr;
}

bool RelaySender::ssrcTaken(uint32_t ssrc) {
  Output* out = nullptr;
  int layer = 0;
  return locate(ssrc, out, layer);
}

bool RelaySender::locate(uint32_t ssrc, Output*& out, int& layer) {
  for (auto& o : outputs_)
    for (int l = 0; l < o->layers; ++l)
      if (o->ssrcs[l] == ssrc) {
        out = o.get();
        layer = l;
        return true;
      }
  return false;
}

void RelaySender::forward(Output& out, const ForwardedPacket& fp) {
  if (fp.layer < 0 || fp.layer >= out.layers) return;
  if (channel_->state() != TransportState::kConnected) return counters_.drops.count(DropReason::kNotConnected);
  out.packets[fp.layer] += 1;
  out.octets[fp.layer] += fp.rtp.payload().size();
  ++forwarded_;
  send(out.ssrcs[fp.layer], fp.rtp);
}

void RelaySender::send(uint32_t ssrc, const wire::rtp::RtpPacketView& rtp) {
  const auto bytes = rtp.packet();
  PacketRef p = host_.pool().acquire();
  if (!p) return counters_.drops.count(DropReason::kPoolExhausted);
  if (bytes.size() + 32 > p->tailCapacity()) return counters_.drops.count(DropReason::kOversize);
  std::memcpy(p->data(), bytes.data(), bytes.size());
  p->size = static_cast<uint32_t>(bytes.size());
  storeSsrc(p->data() + 8, ssrc);
  (void)channel_->sendRtp(std::move(p));
}

void RelaySender::onTransportRtcp(transport::MediaTransport&, PacketRef packet) {
  rtcp::CompoundIterator it(packet->span());
  rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    switch (ref.kind()) {
      case rtcp::RtcpKind::kNack:
        onNack(ref.packet);
        break;
      case rtcp::RtcpKind::kPli:
        if (auto pli = rtcp::Pli::parse(ref.packet); pli.ok()) onKeyframeRequest(pli->mediaSsrc);
        break;
      case rtcp::RtcpKind::kFir:
        if (auto fir = rtcp::Fir::parse(ref.packet); fir.ok())
          for (uint8_t i = 0; i < fir->count; ++i) onKeyframeRequest(fir->entries[i].ssrc);
        break;
      default:
        break;
    }
  }
}

void RelaySender::onNack(std::span<const uint8_t> bytes) {
  auto nack = rtcp::Nack::parse(bytes);
  if (!nack.ok()) return;
  Output* out = nullptr;
  int layer = 0;
  if (!locate(nack->mediaSsrc, out, layer) || !stream_ || !stream_->publisher()) return;
  std::array<uint16_t, 17 * 64> lost{};
  const size_t n = rtcp::expandNackPairs(nack->items(), lost);
  for (size_t i = 0; i < n; ++i) {
    ++counters_.nacksReceived;
    PacketRef src = stream_->publisher()->findPacket(out->kind_, layer, lost[i]);
    if (!src) {
      ++counters_.retransmissionsMissed;
      continue;
    }
    auto parsed = wire::rtp::RtpPacketView::parse(src->span());
    if (!parsed.ok()) continue;
    ++counters_.retransmissionsSent;
    ++retransmitted_;
    // The packet again, as it was (same sequence number): the far side's history fills the gap.
    send(nack->mediaSsrc, *parsed);
  }
}

void RelaySender::onKeyframeRequest(uint32_t mediaSsrc) {
  Output* out = nullptr;
  int layer = 0;
  if (!locate(mediaSsrc, out, layer) || !stream_ || out->kind_ != MediaKind::kVideo) return;
  stream_->requestKeyframe(MediaKind::kVideo, layer);  // the source rate-limits what reaches the publisher
}

void RelaySender::onTick(int64_t nowUs) {
  if (ended_) return;
  // The stream's source went away or was replaced: the far side asks again (and meanwhile
  // its players wait, as players here do).
  if (stream_ && stream_->publisher() != source_) return close(false, stream_->publisher() ? "source replaced" : "source lost");
  if (nowUs >= nextReportUs_ && channel_->state() == TransportState::kConnected) {
    nextReportUs_ = nowUs + 1'000'000;
    sendSenderReports();
  }
}

void RelaySender::sendSenderReports() {
  StreamSource* source = stream_ ? stream_->publisher() : nullptr;
  if (!source) return;
  for (auto& o : outputs_) {
    for (int l = 0; l < o->layers; ++l) {
      const auto clock = source->senderClock(o->kind_, l);
      if (!clock) continue;
      PacketRef p = host_.pool().acquire();
      if (!p) return;
      rtcp::SenderReport sr;
      sr.senderSsrc = o->ssrcs[l];
      sr.ntpTime = clock->ntpTime;
      sr.rtpTimestamp = clock->rtpTimestamp;
      sr.packetCount = static_cast<uint32_t>(o->packets[l]);
      sr.octetCount = static_cast<uint32_t>(o->octets[l]);
      auto n = sr.serializeTo(std::span<uint8_t>(p->data(), p->tailCapacity() - 64));
      if (!n.ok()) continue;
      p->size = static_cast<uint32_t>(*n);
      (void)channel_->sendRtcp(std::move(p));
    }
  }
}

void RelaySender::close(bool streamEnded, std::string_view reason) {
  if (ended_) return;
  // BYE for every link SSRC, with why: the far side tells "ended" from "lost".
  if (channel_->state() == TransportState::kConnected) {
    rtcp::Bye bye;
    for (auto& o : outputs_)
      for (int l = 0; l < o->layers; ++l) bye.addSsrc(o->ssrcs[l]);
    const std::string_view why = streamEnded ? "ended" : "lost";
    bye.reason = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(why.data()), why.size());
    // Three times: one lost datagram must not leave the far players on a silent source (they
    // would still give up on it after the link's media timeout).
    for (int copy = 0; copy < 3; ++copy) {
      PacketRef p = host_.pool().acquire();
      if (!p) break;
      if (auto n = bye.serializeTo(std::span<uint8_t>(p->data(), p->tailCapacity() - 64)); n.ok()) {
        p->size = static_cast<uint32_t>(*n);
        (void)channel_->sendRtcp(std::move(p));
      }
    }
  }
  detach();
  for (auto& o : outputs_)
    for (int l = 0; l < o->layers; ++l) channel_->forgetSendSsrc(o->ssrcs[l]);
  channel_->close(reason);  // reports back through onTransportStateChanged
}

void RelaySender::onTransportStateChanged(transport::MediaTransport&, TransportState state, std::string_view reason) {
  if ((state != TransportState::kFailed && state != TransportState::kClosed) || ended_) return;
  ended_ = true;
  detach();
  if (listener_) listener_->onRelaySenderEnded(*this, reason);
}

SessionInfo RelaySender::info(unsigned worker) const {
  SessionInfo i;
  i.id = id_;
  i.kind = SessionKind::kRelayOut;
  i.stream = streamName_;
  i.worker = worker;
  i.state = std::string(transport::transportStateName(channel_->state()));
  i.createdMs = createdMs_;
  i.peerNode = toNode_;
  i.packetsOut = forwarded_ + retransmitted_;
  return i;
}

}  // namespace rtcgate::sfu
