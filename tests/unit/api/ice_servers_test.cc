// ICE servers handed to clients: static URLs, and the built-in TURN server over UDP and TCP
// with REST API credentials, as Link headers (RFC 9725 §4.6) on OPTIONS and the 201, and as
// RTCIceServer JSON for the room join answer.
#include "api/ice_servers.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/http_util.h"
#include "api/whip_handler.h"
#include "base/clock.h"
#include "cluster/local_directory.h"
#include "transport/turn/turn_credentials.h"
#include "unit/api/fake_workers.h"

namespace rtcgate::api {
namespace {

ApiConfig turnConfig() {
  ApiConfig c;
  c.iceServers = {"stun:stun.example.org:3478"};
  c.turn.enabled = true;
  c.turn.host = "192.0.2.10";
  c.turn.port = 3478;
  c.turn.secret = "s3cret";
  c.turn.credentialTtlSeconds = 3600;
  return c;
}

std::vector<std::string> links(const net::HttpResponse& res) {
  std::vector<std::string> out;
  for (const auto& f : res) {
    if (f.name() == http::field::link) out.emplace_back(f.value());
  }
  return out;
}

TEST(IceServers, TurnOverUdpAndTcpWithAWorkingRestCredential) {
  const auto servers = iceServersFor(turnConfig(), "ignored:8080");
  ASSERT_EQ(servers.size(), 2U);
  EXPECT_EQ(servers[0].urls, std::vector<std::string>{"stun:stun.example.org:3478"});
  EXPECT_TRUE(servers[0].username.empty());
  EXPECT_EQ(servers[1].urls, (std::vector<std::string>{"turn:192.0.2.10:3478?transport=udp",
                                                       "turn:192.0.2.10:3478?transport=tcp"}));
  const auto expiry = transport::turn::RestCredentials::expiryOf(servers[1].username);
  ASSERT_TRUE(expiry);
  const int64_t now = unixTimeMs() / 1000;
  EXPECT_NEAR(static_cast<double>(*expiry), static_cast<double>(now + 3600), 5.0);
  EXPECT_EQ(*transport::turn::RestCredentials("s3cret").passwordFor(servers[1].username),
            servers[1].credential);
  // Every hand-out is a new user, so per-user quotas count one client's allocations.
  EXPECT_NE(iceServersFor(turnConfig(), "")[1].username, servers[1].username);
}

// TURN over TLS is offered on its own port, else on the HTTPS port under the TURN name.
TEST(IceServers, TurnOverTlsOnItsPortOrOnTheHttpsPortUnderItsName) {
  ApiConfig c = turnConfig();
  EXPECT_EQ(iceServersFor(c, "x").back().urls.size(), 2u);  // no TLS: UDP and TCP only
  c.turn.httpsPort = 443;
  EXPECT_EQ(iceServersFor(c, "x").back().urls.size(), 2u);  // HTTPS alone names no TURN host
  c.turn.tlsServerName = "turn.example.org";
  EXPECT_EQ(iceServersFor(c, "x").back().urls.back(), "turns:turn.example.org:443?transport=tcp");
  c.turn.tlsPort = 5349;
  EXPECT_EQ(iceServersFor(c, "x").back().urls.back(), "turns:192.0.2.10:5349?transport=tcp");
}

TEST(IceServers, HostComesFromTheRequestWhenNoneIsConfigured) {
  auto c = turnConfig();
  c.turn.host.clear();
  EXPECT_EQ(iceServersFor(c, "media.example.com:8443")[1].urls[0],
            "turn:media.example.com:3478?transport=udp");
  EXPECT_EQ(iceServersFor(c, "[2001:db8::1]:8443")[1].urls[1], "turn:[2001:db8::1]:3478?transport=tcp");
  c.turn.host = "2001:db8::2";
  EXPECT_EQ(iceServersFor(c, "")[1].urls[0], "turn:[2001:db8::2]:3478?transport=udp");
  c.turn.host.clear();
  EXPECT_EQ(iceServersFor(c, "").size(), 1U);  // no host known: no TURN server to name
  c.turn.enabled = false;
  EXPECT_EQ(iceServersFor(turnConfig(), "x").size(), 2U);
  EXPECT_EQ(iceServersFor(c, "x").size(), 1U);
}

TEST(IceServers, JsonIsWhatRtcPeerConnectionTakes) {
  const auto j = iceServersJson(iceServersFor(turnConfig(), ""));
  ASSERT_EQ(j.size(), 2U);
  EXPECT_FALSE(j[0].contains("username"));
  EXPECT_EQ(j[1]["urls"].size(), 2U);
  EXPECT_TRUE(j[1]["username"].is_string());
  EXPECT_TRUE(j[1]["credential"].is_string());
}

class IceServerLinksTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = crypto::dtls::Certificate::generate();
    ASSERT_TRUE(c.ok());
    cert_ = std::move(*c);
    whip_ = std::make_unique<WhipHandler>(WhipHandler::Mode::kWhip, registry_, workers_, config_, *cert_);
  }
  net::HttpResponse options() {
    net::HttpRequest r{http::verb::options, "/whip/cam", 11};
    r.set(http::field::host, "127.0.0.1:8080");
    std::optional<net::HttpResponse> out;
    whip_->handle(r, "cam",
                  net::HttpReply([&out](net::HttpResponse res) { out = std::move(res); }, 11, true));
    return std::move(*out);
  }

  ApiConfig config_ = turnConfig();
  cluster::LocalDirectory registry_{1};
  testing::FakeWorkers workers_;
  std::unique_ptr<crypto::dtls::Certificate> cert_;
  std::unique_ptr<WhipHandler> whip_;
};

TEST_F(IceServerLinksTest, OptionsCarriesOneLinkPerUrl) {
  const auto l = links(options());
  ASSERT_EQ(l.size(), 3U);
  EXPECT_EQ(l[0], "<stun:stun.example.org:3478>; rel=\"ice-server\"");
  EXPECT_EQ(l[1].rfind("<turn:192.0.2.10:3478?transport=udp>; rel=\"ice-server\"; username=\"", 0), 0U)
      << l[1];
  EXPECT_NE(l[1].find("; credential=\""), std::string::npos);
  EXPECT_NE(l[1].find("; credential-type=\"password\""), std::string::npos);
  EXPECT_EQ(l[2].rfind("<turn:192.0.2.10:3478?transport=tcp>", 0), 0U) << l[2];
}

}  // namespace
}  // namespace rtcgate::api
