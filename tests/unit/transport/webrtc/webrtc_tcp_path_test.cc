// ICE over a framed TCP path, sans-IO: an ICE-lite server transport behind a PeerDemux and a
// client-mode transport exchange every datagram as RFC 4571 frames of a byte stream, read
// back in odd-sized pieces, between TCP-tagged addresses. ICE, DTLS and SRTP complete on it,
// the server selects the TCP path, and media flows both ways — the same session code as UDP.
#include <gtest/gtest.h>

#include <deque>
#include <memory>
#include <vector>

#include "base/random.h"
#include "crypto/dtls/certificate.h"
#include "transport/webrtc/peer_demux.h"
#include "transport/webrtc/webrtc_transport.h"
#include "wire/rfc4571/frame.h"

namespace rtcgate::transport::webrtc {
namespace {

namespace dtls = crypto::dtls;
using Transport = SocketAddress::Transport;

// One direction of a TCP connection: frames written into a byte stream, read back in
// pieces of `chunk` bytes through a FrameReader.
struct FramedStream {
  std::deque<uint8_t> bytes;
  std::array<uint8_t, 4096> storage{};
  wire::rfc4571::FrameReader reader{storage, 2048};
  std::vector<SocketAddress> destinations;

  void write(std::span<const uint8_t> datagram, const SocketAddress& to) {
    std::vector<uint8_t> f(wire::rfc4571::kHeaderSize + datagram.size());
    ASSERT_TRUE(wire::rfc4571::serializeTo(f, datagram).ok());
    bytes.insert(bytes.end(), f.begin(), f.end());
    destinations.push_back(to);
  }
  // Moves up to `chunk` bytes into the reader and hands out the frames completed.
  template <typename Deliver>
  bool pump(size_t chunk, Deliver deliver) {
    if (bytes.empty()) return false;
    auto room = reader.writable();
    const size_t n = std::min({chunk, bytes.size(), room.size()});
    std::copy_n(bytes.begin(), n, room.begin());
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    reader.commit(n);
    for (auto f = reader.next(); f.status == wire::rfc4571::FrameReader::Status::kFrame; f = reader.next()) deliver(f.payload);
    return true;
  }
};

struct Side : WebRtcTransportListener {
  FramedStream* out = nullptr;
  PeerDemux* demux = nullptr;  // server only
  std::vector<std::vector<uint8_t>> rtp;
  std::vector<SocketAddress> bound;
  void onTransportSend(MediaTransport&, PacketRef d, const SocketAddress& to) override { out->write(d->span(), to); }
  void onTransportPathBound(MediaTransport& t, const SocketAddress& remote) override {
    bound.push_back(remote);
    if (demux) demux->bindAddress(remote, t);
  }
  void onTransportStateChanged(MediaTransport&, TransportState, std::string_view) override {}
  void onTransportRtp(MediaTransport&, PacketRef p) override { rtp.emplace_back(p->data(), p->data() + p->size); }
  void onTransportRtcp(MediaTransport&, PacketRef) override {}
};

std::vector<uint8_t> makeRtp(uint16_t seq) {
  std::vector<uint8_t> p(12 + 300, static_cast<uint8_t>(seq));
  p[0] = 0x80;
  p[1] = 96;
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  p[8] = 0x11;  // SSRC 0x11000000
  return p;
}

TEST(WebRtcTcpPath, IceDtlsAndSrtpCompleteOverRfc4571Frames) {
  FakeClock clock;
  PacketPool pool(256);
  auto cert = dtls::Certificate::generate();
  ASSERT_TRUE(cert.ok());
  std::shared_ptr<const dtls::Certificate> shared(std::move(*cert));
  auto sctx = dtls::DtlsContext::create(shared, {});
  auto cctx = dtls::DtlsContext::create(shared, {});
  ASSERT_TRUE(sctx.ok() && cctx.ok());

  // The client's TCP connection to the server's passive candidate, as each side names it.
  const auto serverPath = SocketAddress::parse("10.0.0.1", 40000)->withTransport(Transport::kTcp);
  const auto clientPath = SocketAddress::parse("10.0.0.2", 51234)->withTransport(Transport::kTcp);
  FramedStream up, down;  // client → server, server → client
  PeerDemux demux;
  Side server, client;
  server.out = &down;
  server.demux = &demux;
  client.out = &up;

  const ice::IceCredentials serverIce{randomIceString(8), randomIceString(24)};
  const ice::IceCredentials clientIce{randomIceString(8), randomIceString(24)};
  WebRtcTransportOptions so;
  so.localIce = serverIce;
  so.remoteIce = clientIce;
  so.remoteFingerprint = shared->sdpFingerprint();
  WebRtcTransportOptions co;
  co.iceMode = WebRtcTransportOptions::IceMode::kClient;
  co.localIce = clientIce;
  co.remoteIce = serverIce;
  co.remoteCandidate = serverPath;
  co.dtlsRole = dtls::DtlsRole::kClient;
  co.remoteFingerprint = shared->sdpFingerprint();
  WebRtcTransport srv(clock, pool, **sctx, so, server);
  WebRtcTransport cli(clock, pool, **cctx, co, client);
  demux.addUfrag(serverIce.ufrag, srv);
  ASSERT_TRUE(srv.start().ok());
  ASSERT_TRUE(cli.start().ok());

  // Pumps both directions in 7-byte reads (frames split across reads) and runs timers.
  auto run = [&](int steps) {
    for (int i = 0; i < steps; ++i) {
      bool moved = up.pump(7, [&](std::span<const uint8_t> f) { demux.route(pool.copyOf(f), clientPath); });
      moved |= down.pump(7, [&](std::span<const uint8_t> f) { cli.onDatagram(pool.copyOf(f), serverPath); });
      if (!moved) {
        clock.advanceMs(5);
        srv.onTimer();
        cli.onTimer();
      }
    }
  };
  run(20000);
  ASSERT_EQ(cli.state(), TransportState::kConnected);
  ASSERT_EQ(srv.state(), TransportState::kConnected);
  EXPECT_EQ(srv.selectedPath(), clientPath);
  EXPECT_TRUE(srv.selectedPath().isTcp());
  ASSERT_EQ(server.bound.size(), 1u);
  EXPECT_TRUE(server.bound[0].isTcp());
  // Everything either side sent went to the other's TCP path.
  for (const auto& to : down.destinations) EXPECT_EQ(to, clientPath);
  for (const auto& to : up.destinations) EXPECT_EQ(to, serverPath);

  for (uint16_t seq = 1; seq <= 20; ++seq) {
    ASSERT_TRUE(cli.sendRtpCopy(makeRtp(seq)).ok());
    ASSERT_TRUE(srv.sendRtpCopy(makeRtp(static_cast<uint16_t>(seq + 100))).ok());
  }
  run(5000);
  ASSERT_EQ(server.rtp.size(), 20u);
  ASSERT_EQ(client.rtp.size(), 20u);
  EXPECT_EQ(server.rtp[19], makeRtp(20));
  EXPECT_EQ(client.rtp[0], makeRtp(101));
  EXPECT_EQ(demux.drops().total(), 0u);
  EXPECT_EQ(srv.drops().total(), 0u);
}

}  // namespace
}  // namespace rtcgate::transport::webrtc
