// Peers, producers and consumers over a fake transport and a fake clock: a publishing peer
// and a playing peer joined by a Router, with every packet either side "sends" recorded.
#include <gtest/gtest.h>

#include <map>

#include "sfu/peer.h"
#include "sfu/router.h"
#include "fake_transport.h"
#include "sfu_test_support.h"
#include "transport/webrtc/peer_demux.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet_builder.h"

namespace rtcgate::sfu {
namespace {

using testing::Bytes;
using namespace testing::peers;
using transport::TransportState;
namespace rtcp = wire::rtcp;
namespace rtp = wire::rtp;

// What a WHEP player negotiates: our SSRCs, mid, abs-send-time and transport-cc.
SessionSpec playerSpec(const std::string& id, Quality q = Quality::kHigh) {
  SessionSpec s;
  s.id = id;
  s.stream = "cam";
  s.quality = q;
  wire::sdp::NegotiatedMedia v;
  v.mid = "0";
  v.kind = "video";
  v.direction = wire::sdp::Direction::kSendOnly;
  v.codecs = {vp8Codec()};
  v.extensions = {{kMidUri, 1}, {kAbsSendTimeUri, 2}, {kTwccUri, 3}};
  v.local = wire::sdp::LocalStream{0x1111, 0x2222, "c", "cam", "video"};
  wire::sdp::NegotiatedMedia a;
  a.mid = "1";
  a.kind = "audio";
  a.direction = wire::sdp::Direction::kSendOnly;
  a.codecs = {opusCodec()};
  a.extensions = {{kMidUri, 1}, {kTwccUri, 3}};
  a.local = wire::sdp::LocalStream{0x3333, 0, "c", "cam", "audio"};
  s.negotiated.media = {v, a};
  return s;
}

// The RTX form of a packet (RFC 4588): repaired-rid, original sequence number first.
Bytes rtxPacket(uint32_t rtxSsrc, const char* rid, uint16_t rtxSeq, uint16_t originalSeq, uint32_t ts, bool keyframe) {
  const Bytes payload = {static_cast<uint8_t>(originalSeq >> 8), static_cast<uint8_t>(originalSeq), 0x10,
                         static_cast<uint8_t>(keyframe ? 0x00 : 0x01), 0x77, 0x77};
  rtp::RtpPacketBuilder b;
  b.setPayloadType(97).setSequenceNumber(rtxSeq).setTimestamp(ts).setSsrc(rtxSsrc).setMarker(true).setPayload(payload);
  b.addExtension(1, rtp::sdesStringBytes("0"));
  b.addExtension(3, rtp::sdesStringBytes(rid));
  Bytes out(b.size());
  EXPECT_TRUE(b.serializeTo(out).ok());
  return out;
}

Bytes serialized(const auto& packet) {
  Bytes out(1500);
  auto n = packet.serializeTo(out);
  EXPECT_TRUE(n.ok());
  out.resize(n.ok() ? *n : 0);
  return out;
}

// RTCP packets of `kind` in what a transport sent.
std::vector<Bytes> rtcpOfKind(const std::vector<Bytes>& sent, rtcp::RtcpKind kind) {
  std::vector<Bytes> out;
  for (const auto& datagram : sent) {
    rtcp::CompoundIterator it(datagram);
    rtcp::RtcpPacketRef ref;
    while (it.next(ref))
      if (ref.kind() == kind) out.emplace_back(ref.packet.begin(), ref.packet.end());
  }
  return out;
}

class PeerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host.router = &router;
    ASSERT_TRUE(router.addPublisher(publisherSpec("pub"), false).ok());
    ASSERT_TRUE(router.addSubscriber(playerSpec("play")).ok());
    pub = host.transports.at("pub");
    play = host.transports.at("play");
    pub->setState(TransportState::kConnected);
    play->setState(TransportState::kConnected);
    play->rtpOut.clear();
    pub->rtcpOut.clear();
  }
  int64_t now() { return host.fake.nowUs(); }
  void advanceMs(int64_t ms) {
    for (int64_t i = 0; i < ms; i += 5) {
      host.fake.advanceUs(5000);
      router.onTick(now());
    }
  }
  std::vector<rtp::RtpPacketView> sentRtp() {
    std::vector<rtp::RtpPacketView> out;
    for (const auto& b : play->rtpOut) {
      auto v = rtp::RtpPacketView::parse(b);
      EXPECT_TRUE(v.ok());
      if (v.ok()) out.push_back(*v);
    }
    return out;
  }

  FakeTransportHost host;
  Router router{host, 0};
  FakeTransport* pub = nullptr;
  FakeTransport* play = nullptr;
};

constexpr uint32_t kL = 0xA1, kM = 0xA2, kH = 0xA3, kHRtx = 0xB3;

TEST_F(PeerTest, LearnsSimulcastSsrcsFromRidAndForwardsTheAskedLayer) {
  pub->receiveRtp(vp8Packet(kL, "l", 10, 1000, true), now());
  pub->receiveRtp(vp8Packet(kM, "m", 20, 1000, true), now());
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  pub->receiveRtp(vp8Packet(kH, "h", 31, 4000, false), now());
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 2u);  // only layer h, the player's quality
  EXPECT_EQ(sent[0].ssrc(), 0x1111u);
  EXPECT_EQ(sent[0].payloadType(), 96);
  EXPECT_EQ(static_cast<uint16_t>(sent[1].sequenceNumber() - sent[0].sequenceNumber()), 1);
  EXPECT_EQ(sent[1].timestamp() - sent[0].timestamp(), 3000u);
  const Peer* p = router.find("pub");
  ASSERT_TRUE(p && p->producer(MediaKind::kVideo));
  const auto& layers = p->producer(MediaKind::kVideo)->layers();
  EXPECT_EQ(layers[0].ssrc, kL);
  EXPECT_EQ(layers[2].ssrc, kH);
}

TEST_F(PeerTest, SwitchesLayersOnlyOnAKeyframeAndKeepsTheOutputContinuous) {
  pub->receiveRtp(vp8Packet(kL, "l", 10, 1000, true), now());
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  pub->rtcpOut.clear();
  ASSERT_TRUE(router.setQuality("play", Quality::kLow));
  pub->receiveRtp(vp8Packet(kL, "l", 11, 4000, false), now());  // not a keyframe: held back
  pub->receiveRtp(vp8Packet(kH, "h", 31, 4000, false), now());  // still forwarded until the switch
  // The consumer asked the publisher for a keyframe of the new layer.
  const auto plis = rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kPli);
  ASSERT_FALSE(plis.empty());
  EXPECT_EQ(rtcp::Pli::parse(plis[0])->mediaSsrc, kL);
  pub->receiveRtp(vp8Packet(kL, "l", 12, 7000, true), now());
  pub->receiveRtp(vp8Packet(kH, "h", 32, 7000, false), now());  // the old layer is no longer sent
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].ssrc(), 0x1111u);
  EXPECT_EQ(static_cast<uint16_t>(sent[2].sequenceNumber() - sent[1].sequenceNumber()), 1);
  EXPECT_EQ(router.counters().layerSwitches, 1u);
  EXPECT_GT(router.counters().drops.get(DropReason::kWaitingKeyframe), 0u);
}

TEST_F(PeerTest, UnwrapsRtxIntoTheOriginalStream) {
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  pub->receiveRtp(rtxPacket(kHRtx, "h", 500, 31, 4000, false), now());  // 31 only came as RTX
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(static_cast<uint16_t>(sent[1].sequenceNumber() - sent[0].sequenceNumber()), 1);
  const auto payload = sent[1].payload();
  ASSERT_EQ(payload.size(), 4u);  // the original payload, without the RTX sequence number
  EXPECT_EQ(payload[2], 0x77);
  EXPECT_EQ(router.find("pub")->producer(MediaKind::kVideo)->layers()[2].rtxSsrc, kHRtx);
  // The same packet again (the late original): a duplicate, counted and not forwarded.
  pub->receiveRtp(vp8Packet(kH, "h", 31, 4000, false), now());
  EXPECT_EQ(sentRtp().size(), 2u);
  EXPECT_EQ(router.counters().drops.get(DropReason::kDuplicate), 1u);
}

TEST_F(PeerTest, AnswersNacksWithRtxFromTheProducersHistory) {
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true, 0, 0x01), now());
  pub->receiveRtp(vp8Packet(kH, "h", 31, 4000, false, 0, 0x02), now());
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 2u);
  const uint16_t lostSeq = sent[1].sequenceNumber();
  const Bytes original(sent[1].payload().begin(), sent[1].payload().end());
  play->rtpOut.clear();
  rtcp::Nack nack;
  nack.senderSsrc = 0x9999;
  nack.mediaSsrc = 0x1111;
  const uint16_t lost[] = {lostSeq};
  nack.setLost(lost);
  play->receiveRtcp(serialized(nack), now());
  const auto rtx = sentRtp();
  ASSERT_EQ(rtx.size(), 1u);
  EXPECT_EQ(rtx[0].ssrc(), 0x2222u);
  EXPECT_EQ(rtx[0].payloadType(), 97);
  const auto payload = rtx[0].payload();
  ASSERT_EQ(payload.size(), original.size() + 2);
  EXPECT_EQ(loadU16(payload.data()), lostSeq);
  EXPECT_TRUE(std::equal(original.begin(), original.end(), payload.begin() + 2));
  EXPECT_EQ(router.counters().retransmissionsSent, 1u);
  // A sequence number never sent is a miss, not a crash.
  const uint16_t unknown[] = {static_cast<uint16_t>(lostSeq + 500)};
  nack.setLost(unknown);
  play->receiveRtcp(serialized(nack), now());
  EXPECT_EQ(router.counters().retransmissionsMissed, 1u);
}

TEST_F(PeerTest, KeyframeRequestsOfManyPlayersCollapseIntoOnePliPerHoldOff) {
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  pub->rtcpOut.clear();
  const Bytes pli = serialized(rtcp::Pli{0x9999, 0x1111});
  for (int i = 0; i < 5; ++i) play->receiveRtcp(pli, now());
  EXPECT_EQ(router.counters().plisReceived, 5u);
  EXPECT_EQ(rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kPli).size(), 1u);
  advanceMs(350);  // the hold-off (300 ms) ends: the wish made meanwhile goes out once
  EXPECT_EQ(rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kPli).size(), 2u);
  advanceMs(350);
  EXPECT_EQ(rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kPli).size(), 2u);
}

TEST_F(PeerTest, ReportsOncePerSecondBothWays) {
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true, 7), now());
  advanceMs(1100);
  // The first reports go out at the first tick, the next a second later.
  const auto srs = rtcpOfKind(play->rtcpOut, rtcp::RtcpKind::kSr);
  ASSERT_EQ(srs.size(), 2u);
  for (const auto& bytes : srs) {
    const auto sr = rtcp::SenderReport::parse(bytes);
    ASSERT_TRUE(sr.ok());
    EXPECT_EQ(sr->senderSsrc, 0x1111u);  // video only: no audio was sent
    EXPECT_EQ(sr->packetCount, 1u);
  }
  const auto rrs = rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kRr);
  ASSERT_EQ(rrs.size(), 2u);
  EXPECT_EQ(rtcp::ReceiverReport::parse(rrs[0])->reports.count, 1u);
  // The publisher's packets carried transport-wide sequence numbers: feedback went back.
  EXPECT_FALSE(rtcpOfKind(pub->rtcpOut, rtcp::RtcpKind::kTransportCc).empty());
}

TEST_F(PeerTest, WritesTheNegotiatedHeaderExtensionsWithOneTransportSequenceAcrossTracks) {
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  rtp::RtpPacketBuilder a;
  const Bytes opus = {0xfc, 0x01, 0x02};
  a.setPayloadType(111).setSequenceNumber(5).setTimestamp(960).setSsrc(0xC1).setPayload(opus);
  a.addExtension(1, rtp::sdesStringBytes("1"));
  Bytes audio(a.size());
  ASSERT_TRUE(a.serializeTo(audio).ok());
  pub->receiveRtp(audio, now());
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(rtp::readSdesString(sent[0].findExtension(1)), "0");
  EXPECT_TRUE(rtp::readAbsSendTime(sent[0].findExtension(2)).has_value());
  const auto videoSeq = rtp::readTransportSequence(sent[0].findExtension(3));
  EXPECT_EQ(sent[1].ssrc(), 0x3333u);
  EXPECT_EQ(rtp::readSdesString(sent[1].findExtension(1)), "1");
  EXPECT_TRUE(sent[1].findExtension(2).empty());  // abs-send-time not negotiated for audio
  const auto audioSeq = rtp::readTransportSequence(sent[1].findExtension(3));
  ASSERT_TRUE(videoSeq && audioSeq);
  EXPECT_EQ(static_cast<uint16_t>(*audioSeq - *videoSeq), 1);
}

TEST_F(PeerTest, EveryDroppedPacketIsCountedByReason) {
  rtp::RtpPacketBuilder b;  // no mid: belongs to no track
  const Bytes p = {1, 2, 3};
  b.setPayloadType(96).setSequenceNumber(1).setTimestamp(1).setSsrc(0xDEAD).setPayload(p);
  Bytes unknown(b.size());
  ASSERT_TRUE(b.serializeTo(unknown).ok());
  pub->receiveRtp(unknown, now());
  EXPECT_EQ(router.counters().drops.get(DropReason::kUnknownSsrc), 1u);
  pub->receiveRtp(vp8Packet(kH, "h", 30, 1000, true), now());
  Bytes red = vp8Packet(kH, "h", 31, 1000, false);
  red[1] = static_cast<uint8_t>((red[1] & 0x80) | 63);  // a payload type not negotiated
  pub->receiveRtp(red, now());
  EXPECT_EQ(router.counters().drops.get(DropReason::kUnnegotiatedPayload), 1u);
  play->setState(TransportState::kFailed, "gone");
  pub->receiveRtp(vp8Packet(kH, "h", 32, 1000, false), now());
  EXPECT_EQ(router.find("play"), nullptr);  // the failed player left the stream
}

TEST_F(PeerTest, APeerThatSpeaksNoStunIsAdmittedByItsFiveTuple) {
  transport::webrtc::PeerDemux demux;
  FakeTransport sink(*router.find("pub"), host.packets);
  const auto from = *SocketAddress::parse("127.0.0.1", 5004);
  const Bytes rtpBytes = vp8Packet(kH, "h", 1, 1, true);
  auto packet = [&] {
    PacketRef p = host.packets.acquire();
    std::copy(rtpBytes.begin(), rtpBytes.end(), p->data());
    p->size = static_cast<uint32_t>(rtpBytes.size());
    return p;
  };
  demux.route(packet(), from);  // unknown and not STUN: dropped
  EXPECT_EQ(sink.datagrams, 0);
  EXPECT_EQ(demux.drops().get(DropReason::kUnknownSource), 1u);
  demux.bindAddress(from, sink);  // a plain-RTP peer (SIP, a relay) known by its address
  demux.route(packet(), from);
  EXPECT_EQ(sink.datagrams, 1);
}

// A browser sends fewer layers of a small camera than it offered: a player asking for the
// highest gets the highest that arrives, not the one that never will.
TEST_F(PeerTest, HighestQualityIsTheHighestLayerThatArrives) {
  for (uint16_t i = 0; i < 60; ++i) {
    pub->receiveRtp(vp8Packet(kL, "l", 100 + i, 3000u * i, i == 0, 0, 0x0b), now());
    pub->receiveRtp(vp8Packet(kM, "m", 200 + i, 3000u * i, i == 0 || i == 59, 0, 0x0d), now());
    advanceMs(25);
  }
  play->rtpOut.clear();
  pub->receiveRtp(vp8Packet(kM, "m", 260, 3000u * 60, true, 0, 0x0d), now());
  pub->receiveRtp(vp8Packet(kL, "l", 160, 3000u * 60, true, 0, 0x0b), now());
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 1u);  // m's keyframe; l is not the highest that arrives
  EXPECT_EQ(sent[0].ssrc(), 0x1111u);
  EXPECT_EQ(sent[0].payload()[2], 0x0d);  // m's bytes
}

// The forwarded layer stops (the publisher dropped it): the player gets another layer from
// its next keyframe instead of freezing.
TEST_F(PeerTest, AStoppedLayerFallsBackToOneThatArrives) {
  pub->receiveRtp(vp8Packet(kH, "h", 10, 1000, true, 0, 0xaa), now());
  pub->receiveRtp(vp8Packet(kL, "l", 50, 1000, true, 0, 0xbb), now());
  ASSERT_EQ(sentRtp().size(), 1u);  // h only
  play->rtpOut.clear();
  host.fake.advanceUs(100'000);
  pub->receiveRtp(vp8Packet(kL, "l", 51, 4000, false, 0, 0xbb), now());
  EXPECT_TRUE(sentRtp().empty());  // h is late, not yet stopped
  host.fake.advanceUs(400'000);
  pub->receiveRtp(vp8Packet(kL, "l", 52, 7000, false, 0, 0xbb), now());  // stopped: waits for l's keyframe
  EXPECT_TRUE(sentRtp().empty());
  pub->receiveRtp(vp8Packet(kL, "l", 53, 10000, true, 0, 0xbb), now());
  const auto sent = sentRtp();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].ssrc(), 0x1111u);
  EXPECT_EQ(sent[0].payload()[2], 0xbb);  // l's keyframe
  // h comes back with a keyframe: the player returns to it.
  play->rtpOut.clear();
  pub->receiveRtp(vp8Packet(kH, "h", 11, 13000, true, 0, 0xaa), now());
  pub->receiveRtp(vp8Packet(kL, "l", 54, 13000, false, 0, 0xbb), now());
  const auto back = sentRtp();
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].payload()[2], 0xaa);  // h's keyframe
}

}  // namespace
}  // namespace rtcgate::sfu
