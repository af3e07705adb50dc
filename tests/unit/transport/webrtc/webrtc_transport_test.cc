#include "transport/webrtc/webrtc_transport.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "base/random.h"
#include "crypto/dtls/certificate.h"

namespace rtcgate::transport::webrtc {
namespace {

namespace dtls = crypto::dtls;

// Records what a transport emits; datagrams are queued, never delivered re-entrantly.
struct Recorder : WebRtcTransportListener {
  std::deque<std::pair<std::vector<uint8_t>, SocketAddress>> out;
  std::vector<TransportState> states;
  int rtp = 0, rtcp = 0;
  void onTransportSend(transport::MediaTransport&, PacketRef d, const SocketAddress& to) override {
    out.emplace_back(std::vector<uint8_t>(d->data(), d->data() + d->size), to);
  }
  void onTransportPathBound(transport::MediaTransport&, const SocketAddress&) override {}
  void onTransportStateChanged(transport::MediaTransport&, TransportState s, std::string_view) override { states.push_back(s); }
  void onTransportRtp(transport::MediaTransport&, PacketRef) override { ++rtp; }
  void onTransportRtcp(transport::MediaTransport&, PacketRef) override { ++rtcp; }
};

class WebRtcTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto cert = dtls::Certificate::generate();
    ASSERT_TRUE(cert.ok());
    cert_ = std::shared_ptr<const dtls::Certificate>(std::move(*cert));
    auto ctx = dtls::DtlsContext::create(cert_, {});
    ASSERT_TRUE(ctx.ok());
    ctx_ = std::move(*ctx);
    WebRtcTransportOptions o;
    o.localIce = ice::IceCredentials::generate();
    o.remoteIce = ice::IceCredentials::generate();
    o.remoteFingerprint = cert_->sdpFingerprint();
    transport_ = std::make_unique<WebRtcTransport>(clock_, pool_, *ctx_, o, rec_);
    ASSERT_TRUE(transport_->start().ok());
  }
  void feed(std::vector<uint8_t> bytes, uint16_t port = 9) {
    transport_->onDatagram(pool_.copyOf(bytes), *SocketAddress::parse("127.0.0.1", port));
  }

  FakeClock clock_;
  PacketPool pool_{64};
  std::shared_ptr<const dtls::Certificate> cert_;
  std::unique_ptr<dtls::DtlsContext> ctx_;
  Recorder rec_;
  std::unique_ptr<WebRtcTransport> transport_;
};

TEST_F(WebRtcTransportTest, GarbageIsDroppedAndCountedNeverFatal) {
  feed({0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1});          // RTP from an unvalidated address
  feed({0x16, 0xfe, 0xfd, 0, 0, 0});                       // DTLS from an unvalidated address
  feed({0x55, 1, 2, 3});                                   // first byte no protocol uses
  feed({0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42});  // truncated STUN
  std::vector<uint8_t> random(300);
  for (int i = 0; i < 200; ++i) {
    randomBytes(random);
    feed(random, static_cast<uint16_t>(1000 + i));
  }
  EXPECT_GE(transport_->drops().get(DropReason::kUnknownSource), 2u);
  EXPECT_GE(transport_->drops().get(DropReason::kUnknownFirstByte), 1u);
  EXPECT_EQ(transport_->state(), TransportState::kConnecting);
  EXPECT_EQ(rec_.rtp + rec_.rtcp, 0);
}

TEST_F(WebRtcTransportTest, SendingBeforeConnectedIsRefused) {
  const std::vector<uint8_t> rtp(100, 0x80);
  EXPECT_EQ(transport_->sendRtpCopy(rtp).error().code, Error::Code::kState);
  EXPECT_TRUE(rec_.out.empty());
}

TEST_F(WebRtcTransportTest, CloseIsFinalAndIdempotent) {
  transport_->close("bye");
  transport_->close("again");
  EXPECT_EQ(transport_->state(), TransportState::kClosed);
  EXPECT_EQ(transport_->reason(), "bye");
  feed({0x80, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1});
  EXPECT_EQ(rec_.states.back(), TransportState::kClosed);
}

TEST_F(WebRtcTransportTest, PeerThatNeverConnectsIsGivenUp) {
  // ICE-lite waits for the peer to speak; one that never does must not linger forever.
  ASSERT_TRUE(transport_->nextTimeoutUs().has_value());
  EXPECT_EQ(*transport_->nextTimeoutUs(), clock_.nowUs() + 30'000'000);
  clock_.advanceMs(29'999);
  transport_->onTimer();
  EXPECT_EQ(transport_->state(), TransportState::kConnecting);
  clock_.advanceMs(1);
  transport_->onTimer();
  EXPECT_EQ(transport_->state(), TransportState::kFailed);
  EXPECT_NE(transport_->reason().find("not connected"), std::string::npos);
}

}  // namespace
}  // namespace rtcgate::transport::webrtc
