// Relays between two nodes' workers (docs/CLUSTER.md), each a Router on a fake host, joined by a
// fake network that can lose packets: the link connects (ICE, DTLS, SRTP), a stream's frames
// cross it and come out of the far stream's frame sink, lost packets are asked again (NACK) and
// sent again, and the far side learns whether the stream ended or its source was lost.
#include <gtest/gtest.h>

#include <deque>

#include "sfu/router.h"
#include "sfu_test_support.h"

namespace rtcgate::sfu {
namespace {

using testing::FakeHost;
using testing::makeH264;
using testing::RecordingSink;

// A host whose datagrams go through `Network`.
struct NetHost final : FakeHost {
  struct Network* net = nullptr;
  SocketAddress address;
  std::vector<std::pair<std::string, std::string>> relaysEnded, linksEnded;
  void sendDatagram(PacketRef datagram, const SocketAddress& to) override;
  void onRelayEnded(const std::string& id, std::string_view reason) override {
    relaysEnded.emplace_back(id, std::string(reason));
  }
  void onRelayLinkEnded(const std::string& id, std::string_view reason) override {
    linksEnded.emplace_back(id, std::string(reason));
  }
};

// Datagrams in flight between the hosts; every `loseEvery`-th one from A to B (and back) is lost.
struct Network {
  struct Datagram {
    std::vector<uint8_t> bytes;
    SocketAddress from, to;
  };
  std::deque<Datagram> queue;
  std::vector<NetHost*> hosts;
  int loseEvery = 0;
  uint64_t sent = 0, lost = 0;

  void deliver() {
    while (!queue.empty()) {
      Datagram d = std::move(queue.front());
      queue.pop_front();
      for (NetHost* h : hosts) {
        if (!(h->address == d.to)) continue;
        PacketRef p = h->pool().copyOf(d.bytes);
        if (p) h->demux().route(std::move(p), d.from);
      }
    }
  }
};

void NetHost::sendDatagram(PacketRef datagram, const SocketAddress& to) {
  ++net->sent;
  if (net->loseEvery && net->sent % net->loseEvery == 0) {
    ++net->lost;
    return;
  }
  net->queue.push_back({std::vector<uint8_t>(datagram->data(), datagram->data() + datagram->size), address, to});
}

std::vector<wire::sdp::NegotiatedMedia> h264Published() {
  wire::sdp::NegotiatedMedia video;
  video.mid = "0";
  video.kind = "video";
  video.codecs.push_back({FramePublisher::kH264PayloadType, "H264", 90000, 0, "packetization-mode=1", {}, std::nullopt});
  return {video};
}

class RelayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a.address = *SocketAddress::parse("10.0.0.1", 40000);
    b.address = *SocketAddress::parse("10.0.0.2", 40000);
    for (NetHost* h : {&a, &b}) {
      h->net = &net;
      net.hosts.push_back(h);
    }
    a.router = &ra;
    b.router = &rb;
  }

  // Ticks both routers every 5 ms for `ms`, delivering what they send.
  void run(int64_t ms, const std::function<void(int64_t)>& each = nullptr) {
    for (int64_t t = 0; t < ms; t += 5) {
      a.fake.advanceMs(5);
      b.fake.advanceMs(5);
      if (each) each(t);
      ra.onTick(a.fake.nowUs());
      rb.onTick(b.fake.nowUs());
      net.deliver();
    }
  }

  // A's frame publisher "src" of stream "cam", a link A-B, and the relay of "cam" to B with a
  // recording frame sink on B's "cam".
  void relay() {
    ASSERT_TRUE(ra.addFramePublisher("src", "cam", SessionKind::kRtmpPublisher, false, 1).ok());
    const auto iceA = transport::ice::IceCredentials::generate(), iceB = transport::ice::IceCredentials::generate();
    RelayLinkSpec la{"L", false, iceA, iceB, "sha-256 " + b.dtls->certificate().sdpFingerprint(), b.address};
    RelayLinkSpec lb{"L", true, iceB, iceA, "sha-256 " + a.dtls->certificate().sdpFingerprint(), a.address};
    ASSERT_TRUE(ra.addRelayLink(la).ok());
    ASSERT_TRUE(rb.addRelayLink(lb).ok());
    auto tracks = ra.addRelaySender("r1", "cam", "L", "B", h264Published());
    ASSERT_TRUE(tracks.ok()) << tracks.error().message;
    ASSERT_EQ(tracks->size(), 1u);
    SessionSpec spec;
    spec.id = "r1";
    spec.stream = "cam";
    spec.peerNode = "A";
    ASSERT_TRUE(rb.addRelayReceiver(std::move(spec), "L", *tracks).ok());
    auto sink = std::make_unique<RecordingSink>(FrameWants{media::MediaCodec::kH264, media::MediaCodec::kOpus, false, false});
    log = sink->log;
    ASSERT_TRUE(rb.addFrameSink("sink", "cam", SessionKind::kRtmpPlayer, std::move(sink), 1).ok());
    run(200);  // ICE and DTLS on the link, before the first frame (a keyframe)
    ASSERT_EQ(sessionOf(rb, "r1").state, "connected");
  }

  // Frames `from` to `from + count` of A's publisher, 30 per second, a keyframe every 30.
  void pushFrames(int from, int count) {
    for (int i = from; i < from + count; ++i)
      ra.pushFrame("src", makeH264(int64_t(i) * 33'333, i % 30 == 0, 1500), false);
  }

  SessionInfo sessionOf(Router& r, const std::string& id) {
    for (const auto& s : r.sessions())
      if (s.id == id) return s;
    return {};
  }

  Network net;
  NetHost a, b;
  Router ra{a, 0, 5'000'000}, rb{b, 0, 5'000'000};
  std::shared_ptr<testing::SinkLog> log;
};

TEST_F(RelayTest, AStreamsFramesCrossTheLinkToTheFarStream) {
  relay();
  int next = 0;
  run(3000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  const SessionInfo out = sessionOf(ra, "r1"), in = sessionOf(rb, "r1");
  EXPECT_EQ(out.kind, SessionKind::kRelayOut);
  EXPECT_EQ(out.peerNode, "B");
  EXPECT_EQ(out.state, "connected");
  EXPECT_EQ(in.kind, SessionKind::kRelayIn);
  EXPECT_EQ(in.peerNode, "A");
  EXPECT_EQ(in.state, "connected");
  ASSERT_EQ(rb.streams().size(), 1u);
  EXPECT_EQ(rb.streams()[0].publisher, "r1");
  // The far sink starts at a keyframe and then takes every frame.
  const auto frames = log->of(media::MediaCodec::kH264);
  ASSERT_GT(frames.size(), 40u);
  EXPECT_TRUE(frames.front()->keyframe);
  EXPECT_GT(out.packetsOut, 0u);
}

TEST_F(RelayTest, LostPacketsAreAskedAgainAndSentAgain) {
  relay();
  int next = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  const size_t before = log->count(media::MediaCodec::kH264);
  ASSERT_GT(before, 10u);
  net.loseEvery = 20;  // 5 % both ways
  run(4000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  net.loseEvery = 0;
  run(500);
  EXPECT_GT(net.lost, 10u);
  EXPECT_GT(ra.counters().retransmissionsSent, 0u);
  // Every frame pushed during the loss reached the far sink (none given up for lost).
  const size_t during = log->count(media::MediaCodec::kH264) - before;
  EXPECT_GE(during, 110u) << "frames pushed: " << next;
}

TEST_F(RelayTest, TheFarSideEndsWithTheStreamAndWaitsWhenTheSourceIsLost) {
  relay();
  int next = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  ASSERT_GT(log->count(media::MediaCodec::kH264), 10u);
  // Lost (not on purpose): A's relay says so, B's players wait for the stream to come back.
  ASSERT_TRUE(ra.removeFramePublisher("src", false, "connection lost"));
  run(200);
  ASSERT_EQ(a.relaysEnded.size(), 1u);
  EXPECT_EQ(b.ended.size(), 1u);
  EXPECT_TRUE(log->endReasons.empty()) << "the far sink waits for the stream";
  ASSERT_EQ(rb.streams().size(), 1u);
  EXPECT_EQ(rb.streams()[0].publisher, "");
}

TEST_F(RelayTest, AStreamEndedOnPurposeEndsTheFarPlayers) {
  relay();
  int next = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  ASSERT_TRUE(ra.removeFramePublisher("src", true, "unpublished"));
  run(200);
  ASSERT_EQ(a.relaysEnded.size(), 1u);
  ASSERT_EQ(b.ended.size(), 1u);
  EXPECT_EQ(log->endReasons.size(), 1u) << "the far sink ends with the stream";
}

TEST_F(RelayTest, ALinkWhoseFarEndFallsSilentFailsAndEndsItsRelays) {
  relay();
  int next = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  net.loseEvery = 1;  // the network splits
  run(8000);
  EXPECT_EQ(a.linksEnded.size(), 1u);
  EXPECT_EQ(b.linksEnded.size(), 1u);
  EXPECT_EQ(a.relaysEnded.size(), 1u);
  EXPECT_EQ(b.ended.size(), 1u);
  EXPECT_FALSE(ra.hasRelayLink("L"));
  EXPECT_TRUE(log->endReasons.empty()) << "B's players wait for the stream to be relayed again";
}

TEST_F(RelayTest, TimedMetadataCrossesTheLinkInOrderThroughLoss) {
  relay();
  int next = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  net.loseEvery = 20;  // 5 % both ways: the link's SCTP sends the lost messages again
  int sent = 0;
  run(4000, [&](int64_t t) {
    if (t % 35 != 0) return;
    pushFrames(next, 1);
    if (next % 10 == 0) {
      const std::string text = "{\"k\":" + std::to_string(sent++) + "}";
      ASSERT_TRUE(ra.pushTimedData("src", int64_t(next) * 33'333,
                                   std::make_shared<const std::vector<uint8_t>>(text.begin(), text.end())));
    }
    ++next;
  });
  net.loseEvery = 0;
  run(1000, [&](int64_t t) {
    if (t % 35 == 0) pushFrames(next++, 1);
  });
  // On B each message rides on a frame to the frame sink, in the order sent.
  std::vector<std::string> got;
  for (const auto& f : log->of(media::MediaCodec::kH264))
    for (const auto& m : f->metadata) got.emplace_back(m->begin(), m->end());
  ASSERT_GT(sent, 10);
  ASSERT_EQ(got.size(), size_t(sent));
  for (int i = 0; i < sent; ++i) EXPECT_EQ(got[i], "{\"k\":" + std::to_string(i) + "}");
}

}  // namespace
}  // namespace rtcgate::sfu
