// RtmpEgress against a real RTMP server on 127.0.0.1 (an asio acceptor feeding
// RtmpServerSession), with backoffs shortened so reconnects take milliseconds.
#include "edge/rtmp_egress.h"

#include <gtest/gtest.h>

#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/hex.h"
#include "net/event_loop.h"
#include "transport/rtmp/rtmp_server_session.h"

namespace rtcgate::edge {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using transport::rtmp::RtmpDecision;
using transport::rtmp::RtmpServerConfig;
using transport::rtmp::RtmpServerSession;
using transport::rtmp::RtmpServerSessionListener;

struct Tag {
  uint32_t ts;
  std::vector<uint8_t> body;
};

// What the server saw, across connections.
struct Recording {
  std::vector<std::string> publishes, closes;
  std::vector<std::string> events;  // "meta", "video", "audio" in arrival order
  std::vector<Tag> video, audio;
  RtmpDecision decision = RtmpDecision::kAccept;
};

// One accepted connection: a server session between a socket and the recording.
class ServerConn : public RtmpServerSessionListener, public std::enable_shared_from_this<ServerConn> {
 public:
  ServerConn(tcp::socket socket, Recording& rec)
      : socket_(std::move(socket)), rec_(rec), session_(RtmpServerConfig{}, *this, 0, {}) {}

  void start() { read(); }
  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  void onRtmpSend(std::span<const uint8_t> b) override { out_.insert(out_.end(), b.begin(), b.end()); }
  RtmpDecision onRtmpPublish(std::string_view app, std::string_view key) override {
    rec_.publishes.push_back(std::string(app) + "/" + std::string(key));
    return rec_.decision;
  }
  RtmpDecision onRtmpPlay(std::string_view, std::string_view) override { return RtmpDecision::kReject; }
  void onRtmpMetadata(const wire::rtmp::Amf0Value&) override { rec_.events.push_back("meta"); }
  void onRtmpVideo(uint32_t ts, std::span<const uint8_t> b) override {
    rec_.events.push_back("video");
    rec_.video.push_back({ts, {b.begin(), b.end()}});
  }
  void onRtmpAudio(uint32_t ts, std::span<const uint8_t> b) override {
    rec_.events.push_back("audio");
    rec_.audio.push_back({ts, {b.begin(), b.end()}});
  }
  void onRtmpClosed(std::string_view reason) override {
    rec_.closes.emplace_back(reason);
    closed_ = true;
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](boost::system::error_code ec, size_t n) {
      if (ec) {
        if (ec != asio::error::operation_aborted) self->session_.onEof();
        return;
      }
      self->session_.onBytes(std::span(self->buf_).first(n));
      self->flush();
      if (!self->closed_) self->read();
    });
  }
  void flush() {
    if (writing_ || out_.empty()) {
      if (!writing_ && closed_) close();
      return;
    }
    writing_ = true;
    auto data = std::make_shared<std::vector<uint8_t>>(std::move(out_));
    out_.clear();
    asio::async_write(socket_, asio::buffer(*data), [self = shared_from_this(), data](boost::system::error_code ec, size_t) {
      self->writing_ = false;
      if (!ec) self->flush();
    });
  }

  tcp::socket socket_;
  Recording& rec_;
  RtmpServerSession session_;
  std::array<uint8_t, 64 * 1024> buf_{};
  std::vector<uint8_t> out_;
  bool writing_ = false;
  bool closed_ = false;
};

// An RTMP server on 127.0.0.1 that can go away and come back on the same port.
class TestServer {
 public:
  explicit TestServer(asio::io_context& io) : io_(io), acceptor_(io) {}
  ~TestServer() { shutdown(); }

  uint16_t listen(uint16_t port = 0) {
    const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), port);
    acceptor_.open(ep.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(ep);
    acceptor_.listen();
    accept();
    return acceptor_.local_endpoint().port();
  }
  void shutdown() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (auto& c : conns_) c->close();
    conns_.clear();
  }
  Recording rec;

 private:
  void accept() {
    acceptor_.async_accept(io_, [this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      conns_.push_back(std::make_shared<ServerConn>(std::move(s), rec));
      conns_.back()->start();
      accept();
    });
  }
  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::vector<std::shared_ptr<ServerConn>> conns_;
};

struct EgressEvents : RtmpEgressListener {
  int keyframeRequests = 0;
  std::vector<RtmpEgressStatus> changes;
  void onEgressNeedsKeyframe() override { ++keyframeRequests; }
  void onEgressStateChanged(const RtmpEgressStatus& s) override { changes.push_back(s); }
  int count(std::string_view state) const {
    int n = 0;
    for (const auto& c : changes) n += c.state == state;
    return n;
  }
};

// x264 Baseline 360p parameter sets, an AAC-LC 44.1 kHz stereo AudioSpecificConfig.
const std::vector<uint8_t> kSps = fromHex("6742c01ed900a02ff97011000003000100000300320f162e48");
const std::vector<uint8_t> kPps = fromHex("68cb83cb20");
const std::vector<uint8_t> kAsc = fromHex("1210");

std::shared_ptr<const media::MediaFrame> video(int64_t ms, bool key, size_t size = 200) {
  auto f = std::make_shared<media::MediaFrame>();
  f->codec = media::MediaCodec::kH264;
  f->ptsUs = f->dtsUs = ms * 1000;
  f->keyframe = key;
  f->data = {0, 0, 0, 1, static_cast<uint8_t>(key ? 0x65 : 0x41)};
  f->data.resize(5 + size, 0x5A);
  if (key) {
    for (const auto* ps : {&kSps, &kPps}) {
      f->config.insert(f->config.end(), {0, 0, 0, 1});
      f->config.insert(f->config.end(), ps->begin(), ps->end());
    }
  }
  return f;
}

std::shared_ptr<const media::MediaFrame> audio(int64_t ms) {
  auto f = std::make_shared<media::MediaFrame>();
  f->codec = media::MediaCodec::kAac;
  f->ptsUs = f->dtsUs = ms * 1000;
  f->data = {0x21, 0x10, 0x04, 0x60};
  f->config = kAsc;
  return f;
}

class RtmpEgressTest : public ::testing::Test {
 protected:
  net::EventLoop loop{"egress-test"};
  TestServer server{loop.context()};
  EgressEvents events;
  RtmpEgressOptions options;

  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);  // state-change lines would bury the test output
    options.initialBackoffMs = 40;
    options.maxBackoffMs = 1000;
    options.backoffJitter = 0;
    options.connectTimeoutMs = 2000;
  }

  bool runUntil(const std::function<bool()>& done, int timeoutMs = 3000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      loop.context().run_one_for(std::chrono::milliseconds(5));
    }
    return done();
  }
  void runFor(int ms) {
    runUntil([] { return false; }, ms);
  }
  static std::string url(uint16_t port, std::string_view host = "127.0.0.1") {
    return "rtmp://" + std::string(host) + ":" + std::to_string(port) + "/live/key";
  }
  // A port nothing listens on: bound once, then released.
  uint16_t freePort() {
    tcp::acceptor a(loop.context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
  }
};

TEST_F(RtmpEgressTest, PublishesTagsWithMetadataAndSequenceHeadersFirst) {
  const uint16_t port = server.listen();
  RtmpEgress egress(loop, url(port), events, options);
  egress.onFrame(video(0, true));  // before publishing: dropped
  EXPECT_EQ(egress.status().framesDropped, 1u);
  egress.start();
  EXPECT_EQ(egress.status().state, "connecting");
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
  EXPECT_EQ(events.keyframeRequests, 1);
  ASSERT_EQ(server.rec.publishes.size(), 1u);
  EXPECT_EQ(server.rec.publishes[0], "live/key");

  egress.onFrame(video(1000, true));
  egress.onFrame(audio(1000));
  egress.onFrame(video(1033, false));
  egress.onFrame(audio(1023));
  egress.onFrame(video(1066, false));
  ASSERT_TRUE(runUntil([&] { return server.rec.video.size() == 4 && server.rec.audio.size() == 3; }));
  ASSERT_FALSE(server.rec.events.empty());
  EXPECT_EQ(server.rec.events[0], "meta");
  // AVC sequence header (key, AVC, packet type 0), then the keyframe, then inter frames.
  EXPECT_EQ(server.rec.video[0].body[0], 0x17);
  EXPECT_EQ(server.rec.video[0].body[1], 0);
  EXPECT_EQ(server.rec.video[1].body[1], 1);
  EXPECT_EQ(server.rec.video[1].ts, 0u);
  EXPECT_EQ(server.rec.video[2].ts, 33u);
  EXPECT_EQ(server.rec.video[3].ts, 66u);
  EXPECT_EQ(server.rec.video[3].body[0], 0x27);
  // AAC sequence header, then raw frames.
  EXPECT_EQ(server.rec.audio[0].body[0], 0xAF);
  EXPECT_EQ(server.rec.audio[0].body[1], 0);
  EXPECT_EQ(server.rec.audio[2].ts, 23u);

  const auto s = egress.status();
  EXPECT_EQ(s.state, "publishing");
  EXPECT_EQ(s.url, "rtmp://127.0.0.1:" + std::to_string(port) + "/live/***");
  EXPECT_EQ(s.framesSent, 5u);
  EXPECT_GT(s.bytesSent, 3000u);
  EXPECT_EQ(s.connects, 1u);
  EXPECT_GT(s.publishingSinceMs, 0);
  EXPECT_TRUE(s.lastError.empty());

  egress.stop();
  EXPECT_EQ(egress.status().state, "stopped");
  // stop() unpublishes: the server sees FCUnpublish, not a dropped connection.
  ASSERT_TRUE(runUntil([&] { return !server.rec.closes.empty(); }));
  EXPECT_NE(server.rec.closes[0].find("FCUnpublish"), std::string::npos) << server.rec.closes[0];
}

TEST_F(RtmpEgressTest, LocalhostResolvesWithoutDns) {
  const uint16_t port = server.listen();
  RtmpEgress egress(loop, url(port, "localhost"), events, options);
  egress.start();
  // localhost may resolve to ::1 first, where nothing listens: async_connect moves on.
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }))
      << egress.status().lastError;
}

TEST_F(RtmpEgressTest, ServerGoneRetriesThenReconnectsWhenBack) {
  const uint16_t port = server.listen();
  RtmpEgress egress(loop, url(port), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
  server.shutdown();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kRetrying; }));
  const auto s = egress.status();
  EXPECT_FALSE(s.lastError.empty());
  // EOF or a reset, depending on how the kernel ends the connection.
  EXPECT_TRUE(s.lastError.find("closed") != std::string::npos || s.lastError.find("reset") != std::string::npos)
      << s.lastError;
  egress.onFrame(video(0, true));  // while retrying: dropped and counted
  EXPECT_GE(egress.status().framesDropped, 1u);
  server.listen(port);
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
  EXPECT_GE(egress.status().connects, 2u);
  EXPECT_EQ(events.keyframeRequests, 2);
  EXPECT_EQ(server.rec.publishes.size(), 2u);
  // The new connection gets sequence headers again.
  egress.onFrame(video(2000, true));
  egress.onFrame(audio(2000));
  ASSERT_TRUE(runUntil([&] { return server.rec.video.size() >= 2; }));
  EXPECT_EQ(server.rec.video[0].body[1], 0);
}

TEST_F(RtmpEgressTest, RefusedPortRetriesWithGrowingDelay) {
  RtmpEgress egress(loop, url(freePort()), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return events.count("retrying") >= 4; }));
  std::vector<int64_t> delays;
  for (const auto& c : events.changes) {
    if (c.state != "retrying") continue;
    EXPECT_EQ(c.lastError, "connection refused");
    delays.push_back(c.retryInMs);
  }
  ASSERT_GE(delays.size(), 4u);
  EXPECT_NEAR(delays[0], 40, 2);
  EXPECT_NEAR(delays[1], 80, 2);
  EXPECT_NEAR(delays[2], 160, 2);
  EXPECT_NEAR(delays[3], 320, 2);
  egress.stop();
  EXPECT_EQ(events.changes.back().state, "stopped");
}

TEST_F(RtmpEgressTest, RejectedPublishRetriesWithServerReason) {
  server.rec.decision = RtmpDecision::kReject;
  RtmpEgress egress(loop, url(server.listen()), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kRetrying; }));
  EXPECT_NE(egress.status().lastError.find("NetStream.Publish.BadName"), std::string::npos)
      << egress.status().lastError;
  EXPECT_EQ(events.keyframeRequests, 0);
}

// A server that accepts TCP but never answers the handshake.
TEST_F(RtmpEgressTest, SilentServerTimesOut) {
  tcp::acceptor silent(loop.context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  options.connectTimeoutMs = 100;
  RtmpEgress egress(loop, url(silent.local_endpoint().port()), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kRetrying; }));
  EXPECT_NE(egress.status().lastError.find("timeout"), std::string::npos) << egress.status().lastError;
}

TEST_F(RtmpEgressTest, StopAndDestroyDuringConnectAreClean) {
  tcp::acceptor silent(loop.context(), tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = silent.local_endpoint().port();
  {
    RtmpEgress egress(loop, url(port), events, options);
    egress.start();
    runFor(30);
    EXPECT_EQ(egress.state(), RtmpEgressState::kConnecting);
    egress.stop();
    EXPECT_EQ(egress.state(), RtmpEgressState::kStopped);
    const size_t changes = events.changes.size();
    runFor(100);
    EXPECT_EQ(events.changes.size(), changes);  // no late retry or timeout
    egress.start();  // restartable
    EXPECT_EQ(egress.state(), RtmpEgressState::kConnecting);
  }  // destroyed mid-connect, asio operations still pending
  {
    RtmpEgress egress(loop, url(port, "localhost"), events, options);
    egress.start();  // destroyed while resolving
  }
  runFor(100);
}

TEST_F(RtmpEgressTest, VideoOnlySourceGetsMetadataAfterTheWait) {
  options.metadataWaitMs = 50;
  RtmpEgress egress(loop, url(server.listen()), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
  egress.onFrame(video(0, true));
  runFor(80);
  EXPECT_TRUE(server.rec.events.empty());  // held back for onMetaData
  egress.onFrame(video(33, false));
  ASSERT_TRUE(runUntil([&] { return server.rec.video.size() == 3; }));
  EXPECT_EQ(server.rec.events[0], "meta");
  EXPECT_EQ(server.rec.video[1].ts, 0u);
  EXPECT_EQ(server.rec.video[2].ts, 33u);
}

TEST_F(RtmpEgressTest, BackoffResetsAfterPublishingLongEnough) {
  options.backoffResetAfterMs = 0;  // any publish counts as long enough
  const uint16_t port = server.listen();
  RtmpEgress egress(loop, url(port), events, options);
  egress.start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
    server.shutdown();
    ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kRetrying; }));
    EXPECT_NEAR(egress.status().retryInMs, 40, 5);
    server.listen(port);
  }
}

TEST_F(RtmpEgressTest, BadUrlStaysStoppedWithReason) {
  RtmpEgress egress(loop, "rtmps://example.com/live/key", events, options);
  egress.start();
  EXPECT_EQ(egress.state(), RtmpEgressState::kStopped);
  EXPECT_NE(egress.status().lastError.find("rtmps"), std::string::npos);
}

TEST_F(RtmpEgressTest, SlowServerDropsVideoUntilKeyframe) {
  options.maxQueuedBytes = 3000;
  const uint16_t port = server.listen();
  RtmpEgress egress(loop, url(port), events, options);
  egress.start();
  ASSERT_TRUE(runUntil([&] { return egress.state() == RtmpEgressState::kPublishing; }));
  egress.onFrame(video(0, true));
  egress.onFrame(audio(0));
  ASSERT_TRUE(runUntil([&] { return server.rec.video.size() == 2; }));
  // Without running the loop nothing completes: the queue only grows.
  for (int i = 1; i <= 10; ++i) egress.onFrame(video(i * 33, false, 1500));
  const uint64_t dropped = egress.status().framesDropped;
  EXPECT_GE(dropped, 7u);
  runFor(100);
  egress.onFrame(video(400, false, 1500));  // still waiting for a keyframe
  EXPECT_EQ(egress.status().framesDropped, dropped + 1);
  egress.onFrame(video(433, true, 1500));
  egress.onFrame(video(466, false, 1500));
  EXPECT_EQ(egress.status().framesDropped, dropped + 1);
  const size_t sent = 2 + (10 - dropped) + 2;
  ASSERT_TRUE(runUntil([&] { return server.rec.video.size() == sent; }));
  EXPECT_EQ(server.rec.video[sent - 2].ts, 433u);
  EXPECT_EQ(server.rec.video[sent - 2].body[0], 0x17);
}

}  // namespace
}  // namespace rtcgate::edge
