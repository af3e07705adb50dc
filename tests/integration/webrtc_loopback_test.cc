// Loopback integration: a client-mode and a server-mode (ICE-lite) WebRtcTransport on real
// UDP sockets on 127.0.0.1 complete ICE + DTLS, exchange SRTP media and RTCP both ways with
// each SRTP profile, survive a 5-tuple change and an ICE restart, and tear down on consent
// loss.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "crypto/dtls/certificate.h"
#include "crypto/dtls/dtls_context.h"
#include "net/event_loop.h"
#include "net/udp_socket.h"
#include "transport/webrtc/peer_demux.h"
#include "transport/webrtc/webrtc_transport.h"

namespace rtcgate {
namespace {

using namespace transport::webrtc;
namespace dtls = crypto::dtls;

// One side of the call: a UDP socket, (for the server) a demux, and one transport.
class Side final : public net::UdpSocketListener, public WebRtcTransportListener {
 public:
  Side(net::EventLoop& loop, PacketPool& pool, bool server) : loop_(loop), pool_(pool), server_(server) {
    socket_ = std::make_unique<net::UdpSocket>(loop, pool, *this);
    EXPECT_TRUE(socket_->open(*SocketAddress::parse("127.0.0.1", 0)).ok());
  }

  void attach(std::unique_ptr<WebRtcTransport> t) {
    transport = std::move(t);
    if (server_) demux.addUfrag(transport->localIce().ufrag, *transport);
  }
  // Client: continue from a fresh socket (new local port = a new 5-tuple for the server).
  void rebind() {
    socket_ = std::make_unique<net::UdpSocket>(loop_, pool_, *this);
    EXPECT_TRUE(socket_->open(*SocketAddress::parse("127.0.0.1", 0)).ok());
    transport->onLocalAddressChanged();
  }
  void closeSocket() { socket_.reset(); }
  SocketAddress address() const { return socket_->localAddress(); }

  void onDatagram(PacketRef packet, const SocketAddress& from) override {
    if (server_) demux.route(std::move(packet), from);
    else if (transport) transport->onDatagram(std::move(packet), from);
  }
  void onTransportSend(transport::MediaTransport&, PacketRef datagram, const SocketAddress& to) override {
    if (socket_) socket_->send(std::move(datagram), to);
  }
  void onTransportPathBound(transport::MediaTransport& t, const SocketAddress& remote) override {
    if (server_) demux.bindAddress(remote, t);
    ++pathsBound;
  }
  void onTransportStateChanged(transport::MediaTransport&, TransportState s, std::string_view reason) override {
    states.push_back(s);
    lastReason = std::string(reason);
  }
  void onTransportRtp(transport::MediaTransport&, PacketRef p) override { rtp.emplace_back(p->data(), p->data() + p->size); }
  void onTransportRtcp(transport::MediaTransport&, PacketRef p) override {
    rtcp.emplace_back(p->data(), p->data() + p->size);
  }

  std::unique_ptr<WebRtcTransport> transport;
  PeerDemux demux;
  std::vector<TransportState> states;
  std::string lastReason;
  std::vector<std::vector<uint8_t>> rtp, rtcp;
  int pathsBound = 0;

 private:
  net::EventLoop& loop_;
  PacketPool& pool_;
  bool server_;
  std::unique_ptr<net::UdpSocket> socket_;
};

std::vector<uint8_t> makeRtp(uint32_t ssrc, uint16_t seq, size_t payload) {
  std::vector<uint8_t> p(12 + payload, 0);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  p[4] = 0, p[5] = 0, p[6] = static_cast<uint8_t>(seq >> 8), p[7] = static_cast<uint8_t>(seq);
  p[8] = static_cast<uint8_t>(ssrc >> 24), p[9] = static_cast<uint8_t>(ssrc >> 16);
  p[10] = static_cast<uint8_t>(ssrc >> 8), p[11] = static_cast<uint8_t>(ssrc);
  for (size_t i = 0; i < payload; ++i) p[12 + i] = static_cast<uint8_t>(i * 7 + seq);
  return p;
}

// A minimal RTCP receiver report (RFC 3550 §6.4.2) with no report blocks.
std::vector<uint8_t> makeRr(uint32_t ssrc) {
  return {0x80, 201, 0, 1, static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16),
          static_cast<uint8_t>(ssrc >> 8), static_cast<uint8_t>(ssrc)};
}

class WebRtcLoopback : public ::testing::TestWithParam<crypto::SrtpProfile> {
 protected:
  void SetUp() override {
    auto cert = dtls::Certificate::generate();
    ASSERT_TRUE(cert.ok());
    std::shared_ptr<const dtls::Certificate> shared(std::move(*cert));
    dtls::DtlsContextOptions opts;
    opts.srtpProfiles = {GetParam()};
    auto sctx = dtls::DtlsContext::create(shared, opts);
    auto cctx = dtls::DtlsContext::create(shared, dtls::DtlsContextOptions{});
    ASSERT_TRUE(sctx.ok() && cctx.ok());
    serverCtx = std::move(*sctx);
    clientCtx = std::move(*cctx);
    server = std::make_unique<Side>(loop, pool, true);
    client = std::make_unique<Side>(loop, pool, false);

    serverIce = {randomIceString(8), randomIceString(24)};
    clientIce = {randomIceString(8), randomIceString(24)};
    WebRtcTransportOptions so;
    so.iceMode = WebRtcTransportOptions::IceMode::kLite;
    so.localIce = serverIce;
    so.remoteIce = clientIce;
    so.dtlsRole = dtls::DtlsRole::kServer;
    so.remoteFingerprint = shared->sdpFingerprint();
    so.consentTimeoutUs = 1'500'000;
    WebRtcTransportOptions co;
    co.iceMode = WebRtcTransportOptions::IceMode::kClient;
    co.localIce = clientIce;
    co.remoteIce = serverIce;
    co.remoteCandidate = server->address();
    co.dtlsRole = dtls::DtlsRole::kClient;
    co.remoteFingerprint = shared->sdpFingerprint();
    co.consentTimeoutUs = 1'500'000;
    server->attach(std::make_unique<WebRtcTransport>(clock, pool, *serverCtx, so, *server));
    client->attach(std::make_unique<WebRtcTransport>(clock, pool, *clientCtx, co, *client));
    ASSERT_TRUE(server->transport->start().ok());
    ASSERT_TRUE(client->transport->start().ok());
  }

  // Runs the loop, ticking transport timers every 2 ms, until `done` or `timeoutMs`.
  template <typename Pred>
  bool runUntil(Pred done, int timeoutMs) {
    const int64_t deadline = clock.nowUs() + int64_t{timeoutMs} * 1000;
    while (clock.nowUs() < deadline) {
      loop.context().run_for(std::chrono::milliseconds(2));
      for (Side* s : {server.get(), client.get()})
        if (s->transport) s->transport->onTimer();
      if (done()) return true;
    }
    return done();
  }

  bool bothConnected() {
    return server->transport->state() == TransportState::kConnected &&
           client->transport->state() == TransportState::kConnected;
  }

  // Sends `n` RTP packets and one RTCP each way; true when all arrive intact.
  bool exchangeMedia(uint16_t firstSeq, int n) {
    const size_t srvRtp = server->rtp.size(), cliRtp = client->rtp.size();
    const size_t srvRtcp = server->rtcp.size(), cliRtcp = client->rtcp.size();
    std::vector<std::vector<uint8_t>> sentUp, sentDown;
    for (int i = 0; i < n; ++i) {
      sentUp.push_back(makeRtp(0x1111, static_cast<uint16_t>(firstSeq + i), 1000));
      sentDown.push_back(makeRtp(0x2222, static_cast<uint16_t>(firstSeq + i), 900));
      EXPECT_TRUE(client->transport->sendRtpCopy(sentUp.back()).ok());
      EXPECT_TRUE(server->transport->sendRtpCopy(sentDown.back()).ok());
    }
    EXPECT_TRUE(client->transport->sendRtcpCopy(makeRr(0x1111)).ok());
    EXPECT_TRUE(server->transport->sendRtcpCopy(makeRr(0x2222)).ok());
    runUntil([&] {
      return server->rtp.size() == srvRtp + n && client->rtp.size() == cliRtp + n &&
             server->rtcp.size() == srvRtcp + 1 && client->rtcp.size() == cliRtcp + 1;
    }, 2000);
    if (server->rtp.size() != srvRtp + n || client->rtp.size() != cliRtp + n) return false;
    for (int i = 0; i < n; ++i) {
      if (server->rtp[srvRtp + i] != sentUp[i] || client->rtp[cliRtp + i] != sentDown[i]) return false;
    }
    return server->rtcp.back() == makeRr(0x1111) && client->rtcp.back() == makeRr(0x2222);
  }

  SteadyClock clock;
  net::EventLoop loop{"loopback"};
  PacketPool pool{1024};
  std::unique_ptr<dtls::DtlsContext> serverCtx, clientCtx;
  std::unique_ptr<Side> server, client;
  transport::ice::IceCredentials serverIce, clientIce;
};

TEST_P(WebRtcLoopback, ConnectsAndExchangesSrtpBothWays) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000)) << server->lastReason << " / " << client->lastReason;
  EXPECT_EQ(server->transport->srtpProfile(), GetParam());
  EXPECT_EQ(client->transport->srtpProfile(), GetParam());
  EXPECT_TRUE(exchangeMedia(65500, 60));  // crosses a sequence-number rollover
  std::printf("profile %s: server in rtp=%lu rtcp=%lu, client in rtp=%lu rtcp=%lu\n",
              std::string(crypto::profileName(GetParam())).c_str(),
              static_cast<unsigned long>(server->transport->stats().rtpIn),
              static_cast<unsigned long>(server->transport->stats().rtcpIn),
              static_cast<unsigned long>(client->transport->stats().rtpIn),
              static_cast<unsigned long>(client->transport->stats().rtcpIn));
}

TEST_P(WebRtcLoopback, AuthenticButMalformedRtcpIsCountedAndMediaContinues) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000));
  auto bad = makeRr(0x1111);
  bad[3] = 5;  // length claims 24 bytes; the packet has 8
  ASSERT_TRUE(client->transport->sendRtcpCopy(bad).ok());
  ASSERT_TRUE(runUntil([&] { return server->transport->drops().get(DropReason::kBadRtcp) == 1; }, 2000));
  EXPECT_TRUE(exchangeMedia(100, 10));
  std::printf("bad_rtcp drops at server: %lu\n",
              static_cast<unsigned long>(server->transport->drops().get(DropReason::kBadRtcp)));
}

TEST_P(WebRtcLoopback, SurvivesFiveTupleChange) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000));
  ASSERT_TRUE(exchangeMedia(1, 10));
  const SocketAddress before = server->transport->selectedPath();
  client->rebind();
  ASSERT_TRUE(runUntil([&] { return server->transport->selectedPath() == client->address(); }, 3000));
  EXPECT_NE(before, server->transport->selectedPath());
  EXPECT_TRUE(exchangeMedia(11, 10));
  EXPECT_EQ(server->transport->state(), TransportState::kConnected);
}

TEST_P(WebRtcLoopback, SurvivesIceRestart) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000));
  ASSERT_TRUE(exchangeMedia(1, 10));
  const transport::ice::IceCredentials newServer{randomIceString(8), randomIceString(24)};
  const transport::ice::IceCredentials newClient{randomIceString(8), randomIceString(24)};
  server->transport->restartIce(newServer, newClient);
  server->demux.addUfrag(newServer.ufrag, *server->transport);
  EXPECT_FALSE(server->transport->iceRestartComplete());
  client->transport->restartIce(newClient, newServer);
  EXPECT_TRUE(exchangeMedia(11, 10));  // media keeps flowing on the old path meanwhile
  // A nominated check under the new credentials completes the restart on the server.
  ASSERT_TRUE(runUntil([&] {
    return server->transport->iceRestartComplete() && client->transport->iceRestartComplete();
  }, 3000));
  EXPECT_EQ(server->transport->localIce().ufrag, newServer.ufrag);
  EXPECT_TRUE(exchangeMedia(21, 10));
  EXPECT_EQ(server->transport->state(), TransportState::kConnected);
}

TEST_P(WebRtcLoopback, TearsDownOnConsentLoss) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000));
  client->closeSocket();  // the client vanishes without a word
  ASSERT_TRUE(runUntil([&] { return server->transport->state() == TransportState::kFailed; }, 5000));
  EXPECT_NE(server->lastReason.find("consent"), std::string::npos) << server->lastReason;
  std::printf("server failed with reason: %s\n", server->lastReason.c_str());
}

TEST_P(WebRtcLoopback, ClientTearsDownWhenServerVanishes) {
  ASSERT_TRUE(runUntil([&] { return bothConnected(); }, 5000));
  server->closeSocket();
  ASSERT_TRUE(runUntil([&] { return client->transport->state() == TransportState::kFailed; }, 5000));
  EXPECT_NE(client->lastReason.find("consent"), std::string::npos) << client->lastReason;
}

INSTANTIATE_TEST_SUITE_P(Profiles, WebRtcLoopback,
                         ::testing::Values(crypto::SrtpProfile::kAeadAes128Gcm,
                                           crypto::SrtpProfile::kAes128CmHmacSha1_80),
                         [](const auto& info) {
                           return info.param == crypto::SrtpProfile::kAeadAes128Gcm ? std::string("Gcm")
                                                                                    : std::string("Sha1_80");
                         });

}  // namespace
}  // namespace rtcgate
