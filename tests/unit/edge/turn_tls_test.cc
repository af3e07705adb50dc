// TURN over TLS: the ClientHello read in clear (SNI, ALPN) routes a connection on the HTTPS
// port, and the TURN server answers over TLS, on its own listener and on a connection handed
// over by another one.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <array>
#include <filesystem>
#include <thread>

#include "crypto/tls/self_signed_certificate.h"
#include "edge/turn_service.h"
#include "edge/turn_tls_claimant.h"
#include "net/tls_context.h"
#include "wire/stun/builder.h"
#include "wire/stun/message.h"
#include "wire/tls/client_hello.h"

namespace rtcgate::edge {
namespace {

namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using wire::tls::HelloStatus;

// The first flight of a real OpenSSL client: its ClientHello record(s).
std::vector<uint8_t> clientHello(const char* sni, std::vector<std::string> alpn) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* s = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(s, in, out);
  if (sni) SSL_set_tlsext_host_name(s, sni);
  std::vector<uint8_t> protos;
  for (const auto& p : alpn) {
    protos.push_back(static_cast<uint8_t>(p.size()));
    protos.insert(protos.end(), p.begin(), p.end());
  }
  if (!protos.empty()) SSL_set_alpn_protos(s, protos.data(), static_cast<unsigned>(protos.size()));
  SSL_set_connect_state(s);
  (void)SSL_do_handshake(s);
  std::vector<uint8_t> bytes(static_cast<size_t>(BIO_ctrl_pending(out)));
  BIO_read(out, bytes.data(), static_cast<int>(bytes.size()));
  SSL_free(s);
  SSL_CTX_free(ctx);
  return bytes;
}

std::vector<uint8_t> unsignedAllocate() {
  std::array<uint8_t, 64> buf{};
  wire::stun::TransactionId tid{};
  tid[0] = 9;
  wire::stun::StunBuilder b(buf, static_cast<uint16_t>(wire::stun::StunMethod::kAllocate),
                            wire::stun::StunClass::kRequest, tid);
  b.addRequestedTransport(17);
  auto out = b.finish();
  return {out->begin(), out->end()};
}

TEST(ClientHelloTest, ReadsServerNameAndAlpnOfARealClientHello) {
  const auto bytes = clientHello("turn.example.org", {"stun.turn", "http/1.1"});
  ASSERT_GT(bytes.size(), 100u);
  wire::tls::ClientHelloInfo info;
  ASSERT_EQ(wire::tls::parseClientHello(bytes, info), HelloStatus::kComplete);
  EXPECT_EQ(info.serverName, "turn.example.org");
  EXPECT_EQ(info.alpn, (std::vector<std::string>{"stun.turn", "http/1.1"}));

  ASSERT_EQ(wire::tls::parseClientHello(clientHello(nullptr, {}), info), HelloStatus::kComplete);
  EXPECT_TRUE(info.serverName.empty());
  EXPECT_TRUE(info.alpn.empty());
  // Every prefix asks for more; never a wrong verdict from a partial read.
  for (size_t n = 0; n < bytes.size(); ++n)
    EXPECT_EQ(wire::tls::parseClientHello(std::span(bytes).first(n), info), HelloStatus::kNeedMore) << n;
}

TEST(ClientHelloTest, OtherProtocolsAndBrokenHellosAreNotTls) {
  wire::tls::ClientHelloInfo info;
  const std::string get = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(wire::tls::parseClientHello({reinterpret_cast<const uint8_t*>(get.data()), get.size()}, info),
            HelloStatus::kNotTls);
  const auto stunRequest = unsignedAllocate();
  EXPECT_EQ(wire::tls::parseClientHello(stunRequest, info), HelloStatus::kNotTls);
  auto bytes = clientHello("a.example", {"stun.turn"});
  bytes[5] = 2;  // a ServerHello
  EXPECT_EQ(wire::tls::parseClientHello(bytes, info), HelloStatus::kNotTls);
  bytes = clientHello("a.example", {"stun.turn"});
  bytes[6] = 0x7f;  // the handshake body claims more than the record holds
  EXPECT_EQ(wire::tls::parseClientHello(bytes, info), HelloStatus::kNotTls);
}

class TurnTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("rtcgate-turn-tls-" + std::to_string(::getpid()));
    const auto files = crypto::tls::ensureSelfSignedCertificate(dir_.string(), {"127.0.0.1", "turn.example.org"});
    TurnServiceOptions o;
    o.listen = *SocketAddress::parse("127.0.0.1", 0);
    o.relayIp = *SocketAddress::parse("127.0.0.1", 0);
    o.server.secret = "s";
    o.tls = net::TlsContext::load(files.certFile, files.keyFile);
    o.tlsListen = *SocketAddress::parse("127.0.0.1", 0);
    service_ = std::make_unique<TurnService>(o);
    ASSERT_TRUE(service_->start({}).ok());
  }
  void TearDown() override {
    service_->stop();
    std::filesystem::remove_all(dir_);
  }

  // Over a TLS client stream: an unsigned Allocate, and the error code of the answer.
  static uint16_t allocateOver(ssl::stream<tcp::socket>& tls) {
    const auto request = unsignedAllocate();
    boost::asio::write(tls, boost::asio::buffer(request));
    std::array<uint8_t, 20> head{};
    boost::asio::read(tls, boost::asio::buffer(head));
    const size_t length = (size_t{head[2]} << 8) | head[3];
    std::vector<uint8_t> message(head.begin(), head.end());
    message.resize(20 + length);
    boost::asio::read(tls, boost::asio::buffer(message.data() + 20, length));
    auto m = wire::stun::StunMessage::parse(message);
    return m.ok() && m->errorCode() ? m->errorCode()->code : 0;
  }

  std::filesystem::path dir_;
  std::unique_ptr<TurnService> service_;
};

TEST_F(TurnTlsTest, TheTlsListenerAnswersTurn) {
  ASSERT_FALSE(service_->tlsAddress().empty());
  boost::asio::io_context io;
  ssl::context ctx(ssl::context::tls_client);
  ssl::stream<tcp::socket> tls(io, ctx);
  tls.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), service_->tlsAddress().port()});
  const std::array<uint8_t, 10> alpn = {9, 's', 't', 'u', 'n', '.', 't', 'u', 'r', 'n'};
  SSL_set_alpn_protos(tls.native_handle(), alpn.data(), alpn.size());
  tls.handshake(ssl::stream_base::client);
  const unsigned char* chosen = nullptr;
  unsigned chosenLength = 0;
  SSL_get0_alpn_selected(tls.native_handle(), &chosen, &chosenLength);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(chosen), chosenLength), "stun.turn");
  EXPECT_EQ(allocateOver(tls), 401);
}

// The HTTPS listener's part played by hand: read the ClientHello, let the claimant decide,
// hand the socket over; the client's handshake then completes with the TURN server.
TEST_F(TurnTlsTest, AConnectionHandedOverByAnotherListenerSpeaksTurn) {
  TurnTlsClaimant claimant(*service_, "turn.example.org");
  boost::asio::io_context serverIo;
  tcp::acceptor acceptor(serverIo, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const uint16_t port = acceptor.local_endpoint().port();
  uint16_t answered = 0;
  std::thread client([&] {
    boost::asio::io_context io;
    ssl::context ctx(ssl::context::tls_client);
    ssl::stream<tcp::socket> tls(io, ctx);
    tls.next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), port});
    SSL_set_tlsext_host_name(tls.native_handle(), "turn.example.org");
    tls.handshake(ssl::stream_base::client);
    answered = allocateOver(tls);
  });
  tcp::socket accepted = acceptor.accept();
  std::vector<uint8_t> bytes(net::kFirstBytesMax);
  size_t have = 0;
  auto claim = net::FirstBytesClaimant::Claim::kNeedMore;
  while (claim == net::FirstBytesClaimant::Claim::kNeedMore && have < bytes.size()) {
    have += accepted.read_some(boost::asio::buffer(bytes.data() + have, bytes.size() - have));
    claim = claimant.inspect(std::span(bytes).first(have), true, {});
  }
  ASSERT_EQ(claim, net::FirstBytesClaimant::Claim::kTake);
  bytes.resize(have);
  claimant.take(std::move(accepted), std::move(bytes), true, {}, {});
  client.join();
  EXPECT_EQ(answered, 401);
  EXPECT_EQ(service_->adoptedTls(), 1u);
}

TEST_F(TurnTlsTest, TheClaimantLeavesHttpsAlone) {
  TurnTlsClaimant claimant(*service_, "turn.example.org");
  using Claim = net::FirstBytesClaimant::Claim;
  EXPECT_EQ(claimant.inspect(clientHello("turn.example.org", {}), true, {}), Claim::kTake);
  EXPECT_EQ(claimant.inspect(clientHello("TURN.example.org", {}), true, {}), Claim::kTake);
  EXPECT_EQ(claimant.inspect(clientHello("media.example.org", {"stun.turn"}), true, {}), Claim::kTake);
  // Browsers asking for the page: HTTP, even under the TURN name.
  EXPECT_EQ(claimant.inspect(clientHello("media.example.org", {"h2", "http/1.1"}), true, {}), Claim::kDecline);
  EXPECT_EQ(claimant.inspect(clientHello("turn.example.org", {"http/1.1"}), true, {}), Claim::kDecline);
  EXPECT_EQ(claimant.inspect(clientHello(nullptr, {}), true, {}), Claim::kDecline);
  // Plain ports and what is not TLS are never taken.
  EXPECT_EQ(claimant.inspect(clientHello("turn.example.org", {"stun.turn"}), false, {}), Claim::kDecline);
  const std::string get = "GET / HTTP/1.1\r\n";
  EXPECT_EQ(claimant.inspect({reinterpret_cast<const uint8_t*>(get.data()), get.size()}, true, {}), Claim::kDecline);
}

}  // namespace
}  // namespace rtcgate::edge
