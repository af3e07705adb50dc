// Data channels over the in-house SCTP, two ends over a fake network with a fake clock:
// handshake, DCEP, large messages, loss, reordering, retransmission, partial reliability
// with FORWARD TSN, stream reset on close, and back-pressure on a peer that stops acking.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>

#include "transport/sctp/data_channels.h"
#include "wire/sctp/packet.h"

namespace rtcgate::transport::sctp {
namespace {

struct End final : DataChannelsListener {
  std::vector<std::vector<uint8_t>> outbox;
  bool ready = false;
  std::string ended;
  std::vector<std::string> opened, closed;
  std::vector<std::string> messages;  // "label:data"
  std::unique_ptr<DataChannels> dc;

  void onDataChannelsSend(std::span<const uint8_t> p) override { outbox.emplace_back(p.begin(), p.end()); }
  void onDataChannelsReady() override { ready = true; }
  void onDataChannelOpen(const DataChannelInfo& c) override { opened.push_back(c.label); }
  void onDataChannelMessage(const DataChannelInfo& c, bool, std::vector<uint8_t>&& d) override {
    messages.push_back(c.label + ":" + std::string(d.begin(), d.end()));
  }
  void onDataChannelClosed(const DataChannelInfo& c, std::string_view reason) override {
    closed.push_back(c.label + ":" + std::string(reason));
  }
  void onDataChannelsEnded(std::string_view reason) override { ended = reason; }
};

// Two ends; packets take `latency`, may be lost or reordered.
class Net {
 public:
  End a, b;
  int64_t now = 1'000'000;
  double loss = 0;
  bool reorder = false;
  bool blockToB = false;  // b stops receiving (and so acking)
  std::mt19937 rng{7};

  Net() {
    DataChannelsConfig ca;
    ca.evenIds = true;
    DataChannelsConfig cb;
    a.dc = std::make_unique<DataChannels>(ca, a);
    b.dc = std::make_unique<DataChannels>(cb, b);
  }

  void connect() {
    a.dc->connect(now);
    run(200'000);
    ASSERT_TRUE(a.ready && b.ready);
  }

  void run(int64_t forUs) {
    const int64_t end = now + forUs;
    while (now < end) {
      move(a, *b.dc, toB_, blockToB);
      move(b, *a.dc, toA_, false);
      deliver(toB_, *b.dc);
      deliver(toA_, *a.dc);
      for (End* e : {&a, &b})
        if (auto t = e->dc->nextTimeoutUs(); t && *t <= now) e->dc->onTimer(now);
      now += 1000;
    }
  }

 private:
  struct InFlight {
    int64_t at;
    std::vector<uint8_t> bytes;
  };
  void move(End& from, DataChannels&, std::deque<InFlight>& q, bool blocked) {
    for (auto& p : from.outbox) {
      if (blocked || std::uniform_real_distribution<>(0, 1)(rng) < loss) continue;
      InFlight f{now + 5000, std::move(p)};
      if (reorder && !q.empty() && std::uniform_int_distribution<>(0, 3)(rng) == 0) {
        q.insert(q.end() - 1, std::move(f));  // overtakes the one before
      } else {
        q.push_back(std::move(f));
      }
    }
    from.outbox.clear();
  }
  void deliver(std::deque<InFlight>& q, DataChannels& to) {
    while (!q.empty() && q.front().at <= now) {
      auto p = std::move(q.front());
      q.pop_front();
      to.onPacket(p.bytes, now);
    }
  }
  std::deque<InFlight> toA_, toB_;
};

MessageBytes text(const std::string& s) { return std::make_shared<const std::vector<uint8_t>>(s.begin(), s.end()); }

TEST(DataChannelsTest, OpensAChannelAndCarriesMessagesBothWays) {
  Net net;
  net.connect();
  auto id = net.a.dc->open("chat", "", {}, net.now);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id % 2, 0) << "the DTLS client's ids are even";
  ASSERT_TRUE(net.a.dc->send(*id, false, text("hi"), net.now).ok());
  net.run(50'000);
  ASSERT_EQ(net.b.opened, std::vector<std::string>{"chat"});
  ASSERT_EQ(net.b.messages, std::vector<std::string>{"chat:hi"});
  ASSERT_TRUE(net.b.dc->send(*id, false, text("hello back"), net.now).ok());
  ASSERT_TRUE(net.b.dc->send(*id, true, std::make_shared<const std::vector<uint8_t>>(), net.now).ok());
  net.run(50'000);
  EXPECT_EQ(net.a.messages, (std::vector<std::string>{"chat:hello back", "chat:"}));
}

TEST(DataChannelsTest, LargeMessagesAreFragmentedAndReassembled) {
  Net net;
  net.connect();
  auto id = net.a.dc->open("bulk", "", {}, net.now);
  ASSERT_TRUE(id.ok());
  std::string big(65536, 'x');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  ASSERT_TRUE(net.a.dc->send(*id, true, text(big), net.now).ok());
  net.run(500'000);
  ASSERT_EQ(net.b.messages.size(), 1u);
  EXPECT_EQ(net.b.messages[0], "bulk:" + big);
}

TEST(DataChannelsTest, ReliableOrderedSurvivesLossAndReordering) {
  Net net;
  net.connect();
  auto id = net.a.dc->open("r", "", {}, net.now);
  ASSERT_TRUE(id.ok());
  net.run(20'000);
  net.loss = 0.1;
  net.reorder = true;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(net.a.dc->send(*id, false, text(std::to_string(i) + std::string(1000, '.')), net.now).ok());
    if (i % 50 == 0) net.run(5'000);
  }
  net.run(20'000'000);
  ASSERT_EQ(net.b.messages.size(), 1000u);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(net.b.messages[i], "r:" + std::to_string(i) + std::string(1000, '.'));
  EXPECT_GT(net.a.dc->association().sender()->retransmissions(), 0u);
}

TEST(DataChannelsTest, UnreliableMessagesAreAbandonedAndSkippedWithForwardTsn) {
  Net net;
  net.connect();
  wire::sctp::ChannelReliability lossy;
  lossy.type = wire::sctp::ChannelReliability::kRexmit;  // ordered, no retransmission
  lossy.parameter = 0;
  auto id = net.a.dc->open("lossy", "", lossy, net.now);
  ASSERT_TRUE(id.ok());
  net.run(20'000);
  net.loss = 0.2;
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(net.a.dc->send(*id, false, text(std::to_string(i)), net.now).ok());
    net.run(2'000);
  }
  net.loss = 0;
  ASSERT_TRUE(net.a.dc->send(*id, false, text("last"), net.now).ok());
  net.run(5'000'000);
  ASSERT_FALSE(net.b.messages.empty());
  EXPECT_EQ(net.b.messages.back(), "lossy:last") << "the stream goes on past abandoned messages";
  EXPECT_LT(net.b.messages.size(), 201u);
  EXPECT_GT(net.a.dc->association().sender()->abandonedMessages(), 0u);
  // In order, with holes.
  int last = -1;
  for (size_t i = 0; i + 1 < net.b.messages.size(); ++i) {
    const int n = std::stoi(net.b.messages[i].substr(6));
    EXPECT_GT(n, last);
    last = n;
  }
}

TEST(DataChannelsTest, ClosingResetsTheStreamOnBothSides) {
  Net net;
  net.connect();
  auto id = net.a.dc->open("temp", "", {}, net.now);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(net.a.dc->send(*id, false, text("before"), net.now).ok());
  net.run(50'000);
  net.a.dc->close(*id, net.now);
  net.run(500'000);
  EXPECT_EQ(net.b.closed, std::vector<std::string>{"temp:closed by the peer"});
  EXPECT_EQ(net.a.dc->find(*id), nullptr);
  EXPECT_EQ(net.b.dc->find(*id), nullptr);
  // The id can be used again: its sequence numbers start over.
  auto again = net.a.dc->open("again", "", {}, net.now);
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE(net.a.dc->send(*again, false, text("after"), net.now).ok());
  net.run(100'000);
  EXPECT_EQ(net.b.messages.back(), "again:after");
}

TEST(DataChannelsTest, ASlowPeerOverflowsOnlyItsReliableChannel) {
  Net net;
  net.connect();
  auto reliable = net.a.dc->open("rel", "", {}, net.now);
  wire::sctp::ChannelReliability lossy;
  lossy.type = wire::sctp::ChannelReliability::kTimed | wire::sctp::ChannelReliability::kUnorderedBit;
  lossy.parameter = 100;
  auto unreliable = net.a.dc->open("unrel", "", lossy, net.now);
  ASSERT_TRUE(reliable.ok() && unreliable.ok());
  net.run(20'000);
  net.blockToB = true;  // b stops hearing anything, so nothing is acknowledged
  Status last;
  int sent = 0;
  for (; sent < 2000; ++sent) {
    (void)net.a.dc->send(*unreliable, true, text(std::string(1024, 'u')), net.now);
    last = net.a.dc->send(*reliable, true, text(std::string(1024, 'r')), net.now);
    if (!last.ok()) break;
  }
  EXPECT_FALSE(last.ok());
  EXPECT_LT(sent, 1100) << "the reliable channel holds about 1 MiB";
  EXPECT_EQ(net.a.closed.size(), 1u);
  EXPECT_NE(net.a.closed[0].find("too slow"), std::string::npos);
  EXPECT_GT(net.a.dc->stats().droppedOut, 0u);
  EXPECT_NE(net.a.dc->find(*unreliable), nullptr) << "the unreliable channel stays open";
  // Once b hears again, what was in flight on the closed channel is skipped (FORWARD TSN)
  // and the channel closes on its side within a few retransmission timeouts.
  net.blockToB = false;
  net.run(15'000'000);
  EXPECT_EQ(net.b.closed, std::vector<std::string>{"rel:closed by the peer"});
  EXPECT_EQ(net.a.dc->find(*reliable), nullptr);
  ASSERT_TRUE(net.a.dc->send(*unreliable, true, text("after"), net.now).ok());
  net.run(100'000);
  EXPECT_EQ(net.b.messages.back(), "unrel:after");
}

TEST(DataChannelsTest, GarbageAndWrongTagsAreDropped) {
  Net net;
  net.connect();
  std::vector<uint8_t> junk(64, 0xAB);
  net.b.dc->onPacket(junk, net.now);
  std::array<uint8_t, 64> buf{};
  wire::sctp::PacketWriter w(buf, 5000, 5000, 0xDEADBEEF);
  ASSERT_TRUE(w.beginChunk(wire::sctp::ChunkType::kAbort, 0) && w.endChunk());
  net.b.dc->onPacket(w.seal(), net.now);
  EXPECT_TRUE(net.b.dc->ready()) << "an ABORT with a wrong tag is ignored";
  EXPECT_GE(net.b.dc->association().stats().dropped, 2u);
}

}  // namespace
}  // namespace rtcgate::transport::sctp
