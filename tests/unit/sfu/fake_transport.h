#pragma once
// A fake media transport and the negotiated sections of a typical publisher, for tests of
// peers and routers without sockets, DTLS or clocks.

#include <gtest/gtest.h>

#include <map>

#include "sfu/peer.h"
#include "sfu/router.h"
#include "sfu_test_support.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet_builder.h"

namespace rtcgate::sfu::testing::peers {

using transport::TransportState;
namespace rtp = wire::rtp;

constexpr const char* kMidUri = "urn:ietf:params:rtp-hdrext:sdes:mid";
constexpr const char* kRidUri = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
constexpr const char* kRepairedRidUri = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";
constexpr const char* kAbsSendTimeUri = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
constexpr const char* kTwccUri = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";

// A transport that records what it is asked to send, and delivers what the test injects.
class FakeTransport final : public transport::MediaTransport {
 public:
  FakeTransport(transport::MediaTransportListener& listener, PacketPool& pool) : listener_(listener), pool_(pool) {}

  Status start() override { return {}; }
  void onDatagram(PacketRef, const SocketAddress&) override { ++datagrams; }
  std::optional<int64_t> nextTimeoutUs() const noexcept override { return std::nullopt; }
  void onTimer() override {}
  Status sendRtp(PacketRef p) noexcept override {
    if (state_ != TransportState::kConnected) return Error::state("not connected");
    rtpOut.emplace_back(p->data(), p->data() + p->size);
    return {};
  }
  Status sendRtcp(PacketRef p) noexcept override {
    if (state_ != TransportState::kConnected) return Error::state("not connected");
    rtcpOut.emplace_back(p->data(), p->data() + p->size);
    return {};
  }
  void close(std::string_view reason) override { setState(TransportState::kClosed, reason); }
  void forgetSendSsrc(uint32_t ssrc) noexcept override { forgotten.push_back(ssrc); }
  TransportState state() const noexcept override { return state_; }
  const std::string& reason() const noexcept override { return reason_; }
  const transport::MediaTransportStats& stats() const noexcept override { return stats_; }
  const DropCounters& drops() const noexcept override { return drops_; }

  void setState(TransportState s, std::string_view reason = "") {
    state_ = s;
    reason_ = std::string(reason);
    listener_.onTransportStateChanged(*this, s, reason);
  }
  // Hands `bytes` up as received RTP / RTCP at `nowUs`.
  void receiveRtp(const Bytes& bytes, int64_t nowUs) { listener_.onTransportRtp(*this, packet(bytes, nowUs)); }
  void receiveRtcp(const Bytes& bytes, int64_t nowUs) { listener_.onTransportRtcp(*this, packet(bytes, nowUs)); }

  std::vector<Bytes> rtpOut, rtcpOut;
  std::vector<uint32_t> forgotten;  // send SSRCs whose SRTP state was let go
  int datagrams = 0;

 private:
  PacketRef packet(const Bytes& bytes, int64_t nowUs) {
    PacketRef p = pool_.acquire();
    std::copy(bytes.begin(), bytes.end(), p->data());
    p->size = static_cast<uint32_t>(bytes.size());
    p->receivedUs = nowUs;
    return p;
  }

  transport::MediaTransportListener& listener_;
  PacketPool& pool_;
  TransportState state_ = TransportState::kNew;
  std::string reason_;
  transport::MediaTransportStats stats_;
  DropCounters drops_;
};

// A worker host whose peers get fake transports.
struct FakeTransportHost : testing::FakeHost {
  std::unique_ptr<transport::MediaTransport> makeTransport(const SessionSpec& spec,
                                                           transport::MediaTransportListener& l) override {
    auto t = std::make_unique<FakeTransport>(l, packets);
    transports[spec.id] = t.get();
    return t;
  }
  void releaseTransport(transport::MediaTransport&) override {}
  std::map<std::string, FakeTransport*> transports;
};

inline wire::sdp::NegotiatedCodec vp8Codec() {
  wire::sdp::NegotiatedCodec c;
  c.pt = 96;
  c.name = "VP8";
  c.clockRate = 90000;
  c.rtxPt = 97;
  return c;
}

inline wire::sdp::NegotiatedCodec opusCodec() {
  wire::sdp::NegotiatedCodec c;
  c.pt = 111;
  c.name = "opus";
  c.clockRate = 48000;
  c.channels = 2;
  return c;
}

// What a simulcast WHIP publisher negotiates: three VP8 layers by rid, Opus.
inline SessionSpec publisherSpec(const std::string& id, const std::string& stream = "cam") {
  SessionSpec s;
  s.id = id;
  s.stream = stream;
  wire::sdp::NegotiatedMedia v;
  v.mid = "0";
  v.kind = "video";
  v.direction = wire::sdp::Direction::kRecvOnly;
  v.codecs = {vp8Codec()};
  v.extensions = {{kMidUri, 1}, {kRidUri, 2}, {kRepairedRidUri, 3}, {kTwccUri, 4}};
  for (const char* rid : {"l", "m", "h"}) v.ridLayers.push_back({rid, false, {}, {}});
  wire::sdp::NegotiatedMedia a;
  a.mid = "1";
  a.kind = "audio";
  a.direction = wire::sdp::Direction::kRecvOnly;
  a.codecs = {opusCodec()};
  a.extensions = {{kMidUri, 1}};
  s.negotiated.media = {v, a};
  return s;
}

// One VP8 packet of a simulcast layer as Chromium sends it: mid and rid extensions, and
// a transport-wide sequence number.
inline Bytes vp8Packet(uint32_t ssrc, const char* rid, uint16_t seq, uint32_t ts, bool keyframe, uint16_t twccSeq = 0,
                uint8_t fill = 0x55) {
  const Bytes payload = {0x10, static_cast<uint8_t>(keyframe ? 0x00 : 0x01), fill, fill, fill, fill};
  std::array<uint8_t, 2> tw{};
  rtp::writeTransportSequence(tw, twccSeq);
  rtp::RtpPacketBuilder b;
  b.setPayloadType(96).setSequenceNumber(seq).setTimestamp(ts).setSsrc(ssrc).setMarker(true).setPayload(payload);
  b.addExtension(1, rtp::sdesStringBytes("0"));
  if (rid) b.addExtension(2, rtp::sdesStringBytes(rid));
  b.addExtension(4, tw);
  Bytes out(b.size());
  EXPECT_TRUE(b.serializeTo(out).ok());
  return out;
}


}  // namespace rtcgate::sfu::testing::peers
