#include "crypto/dtls/dtls_engine.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/crypto/dtls/dtls_test_peer.h"
#include "wire/dtls/record.h"

namespace rtcgate::crypto::dtls {
namespace {

using test::EnginePair;
namespace wd = rtcgate::wire::dtls;

std::vector<uint8_t> toVector(std::span<const uint8_t> s) {
  return {s.begin(), s.end()};
}

void expectMirroredKeys(const EnginePair& p, SrtpProfile profile) {
  ASSERT_TRUE(p.clientListener.keys && p.serverListener.keys);
  const DtlsKeys& c = *p.clientListener.keys;
  const DtlsKeys& s = *p.serverListener.keys;
  EXPECT_EQ(c.profile, profile);
  EXPECT_EQ(s.profile, profile);
  EXPECT_EQ(c.role, DtlsRole::kClient);
  EXPECT_EQ(s.role, DtlsRole::kServer);
  EXPECT_EQ(c.clientWriteKey, s.clientWriteKey);
  EXPECT_EQ(c.serverWriteKey, s.serverWriteKey);
  EXPECT_EQ(c.clientWriteSalt, s.clientWriteSalt);
  EXPECT_EQ(c.serverWriteSalt, s.serverWriteSalt);
  EXPECT_NE(c.clientWriteKey, c.serverWriteKey);
  EXPECT_EQ(toVector(c.localKey()), toVector(s.remoteKey()));
  EXPECT_EQ(toVector(c.localSalt()), toVector(s.remoteSalt()));
  EXPECT_EQ(toVector(c.remoteKey()), toVector(s.localKey()));
  EXPECT_EQ(c.localSalt().size(), masterSaltLength(profile));
  EXPECT_EQ(c.localKey().size(), masterKeyLength(profile));
}

void connect(EnginePair& p) {
  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  ASSERT_EQ(p.client.state(), DtlsState::kConnected) << p.client.reason();
  ASSERT_EQ(p.server.state(), DtlsState::kConnected) << p.server.reason();
}

TEST(DtlsEngine, HandshakePrefersAesGcm) {
  EnginePair p;
  connect(p);
  expectMirroredKeys(p, SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(p.clientListener.connectedCalls, 1);
  EXPECT_EQ(p.serverListener.connectedCalls, 1);
  for (const auto& d : p.clientListener.sentLog) EXPECT_LE(d.size(), DtlsEngine::kDefaultMtu);
  for (const auto& d : p.serverListener.sentLog) EXPECT_LE(d.size(), DtlsEngine::kDefaultMtu);
}

TEST(DtlsEngine, ServerForcedToAesCm) {
  EnginePair p({}, {SrtpProfile::kAes128CmHmacSha1_80});
  connect(p);
  expectMirroredKeys(p, SrtpProfile::kAes128CmHmacSha1_80);
}

TEST(DtlsEngine, ClientOfferingOnlyAesCm) {
  EnginePair p({SrtpProfile::kAes128CmHmacSha1_80}, {});
  connect(p);
  expectMirroredKeys(p, SrtpProfile::kAes128CmHmacSha1_80);
}

TEST(DtlsEngine, ClientOfferingOnlyGcm) {
  EnginePair p({SrtpProfile::kAeadAes128Gcm},
               {SrtpProfile::kAes128CmHmacSha1_80, SrtpProfile::kAeadAes128Gcm});
  connect(p);
  expectMirroredKeys(p, SrtpProfile::kAeadAes128Gcm);
}

TEST(DtlsEngine, SmallMtuSplitsFlightsAndStillConnects) {
  EnginePair p;
  p.client.setMtu(300);
  p.server.setMtu(300);
  connect(p);
  size_t serverDatagrams = p.serverListener.sentLog.size();
  EXPECT_GT(serverDatagrams, 2u);
  for (const auto& d : p.serverListener.sentLog) EXPECT_LE(d.size(), 300u);
  for (const auto& d : p.clientListener.sentLog) EXPECT_LE(d.size(), 300u);
}

TEST(DtlsEngine, FingerprintMismatchFails) {
  EnginePair p;
  auto other = test::makeCertificate();
  ASSERT_TRUE(p.client.setRemoteFingerprint("sha-256", p.serverCert->sdpFingerprint()).ok());
  ASSERT_TRUE(p.server.setRemoteFingerprint("sha-256", other->sdpFingerprint()).ok());
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  EXPECT_EQ(p.server.state(), DtlsState::kFailed);
  EXPECT_EQ(p.server.reason(), "fingerprint mismatch");
  EXPECT_EQ(p.serverListener.failure, "fingerprint mismatch");
  EXPECT_FALSE(p.serverListener.keys);
}

TEST(DtlsEngine, FingerprintSetAfterHandshakeIsVerified) {
  EnginePair p;
  ASSERT_TRUE(p.client.setRemoteFingerprint("sha-256", p.serverCert->sdpFingerprint()).ok());
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  EXPECT_EQ(p.client.state(), DtlsState::kConnected);
  EXPECT_EQ(p.server.state(), DtlsState::kConnecting);  // handshake done, fingerprint unknown
  EXPECT_FALSE(p.serverListener.keys);
  auto sha512 = computeFingerprint(p.clientCert->x509(), FingerprintAlgorithm::kSha512);
  ASSERT_TRUE(sha512.ok());
  ASSERT_TRUE(p.server.setRemoteFingerprint("SHA-512", sha512->toSdpValue()).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kConnected);
  expectMirroredKeys(p, SrtpProfile::kAeadAes128Gcm);
}

TEST(DtlsEngine, WrongFingerprintSetAfterHandshakeFails) {
  EnginePair p;
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  auto sha1 = computeFingerprint(p.serverCert->x509(), FingerprintAlgorithm::kSha1);  // wrong cert
  ASSERT_TRUE(p.server.setRemoteFingerprint("sha-1", sha1->toSdpValue()).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kFailed);
  EXPECT_EQ(p.server.reason(), "fingerprint mismatch");
}

TEST(DtlsEngine, RejectsBadFingerprintText) {
  EnginePair p;
  EXPECT_FALSE(p.server.setRemoteFingerprint("md5", "AA:BB").ok());
  EXPECT_FALSE(p.server.setRemoteFingerprint("sha-256", "AA:BB").ok());
  EXPECT_FALSE(p.server.setRemoteFingerprint("sha-256", "zz").ok());
  EXPECT_EQ(p.server.state(), DtlsState::kNew);
}

TEST(DtlsEngine, LostFirstFlightIsRetransmitted) {
  EnginePair p;
  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  ASSERT_FALSE(p.clientListener.outbox.empty());
  p.clientListener.outbox.clear();  // the ClientHello is lost
  auto next = p.client.nextTimeoutUs();
  ASSERT_TRUE(next);
  EXPECT_LE(*next - p.clock.nowUs(), int64_t{DtlsEngine::kInitialRetransmitUs});
  // OpenSSL's retransmission timer runs on real time.
  std::this_thread::sleep_for(std::chrono::milliseconds(130));
  p.clock.advanceMs(130);
  p.client.onTimer();
  ASSERT_FALSE(p.clientListener.outbox.empty());
  p.pump();
  EXPECT_EQ(p.client.state(), DtlsState::kConnected) << p.client.reason();
  EXPECT_EQ(p.server.state(), DtlsState::kConnected) << p.server.reason();
}

TEST(DtlsEngine, LostServerFlightIsRetransmitted) {
  EnginePair p;
  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  p.pump([](bool toServer, size_t index) { return !toServer && index == 0; });
  EXPECT_EQ(p.client.state(), DtlsState::kConnecting);
  std::this_thread::sleep_for(std::chrono::milliseconds(130));
  p.client.onTimer();  // client resends ClientHello, server answers with its flight again
  p.server.onTimer();
  p.pump();
  EXPECT_EQ(p.client.state(), DtlsState::kConnected) << p.client.reason();
  EXPECT_EQ(p.server.state(), DtlsState::kConnected) << p.server.reason();
}

TEST(DtlsEngine, LostFinalServerFlightIsResentByConnectedServer) {
  EnginePair p;
  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  // Server datagrams: [0] ServerHello..ServerHelloDone, [1] ChangeCipherSpec + Finished.
  p.pump([](bool toServer, size_t index) { return !toServer && index == 1; });
  ASSERT_EQ(p.server.state(), DtlsState::kConnected);
  ASSERT_EQ(p.client.state(), DtlsState::kConnecting);
  std::this_thread::sleep_for(std::chrono::milliseconds(130));
  p.client.onTimer();  // resends its second flight; the server answers from kConnected
  p.pump();
  EXPECT_EQ(p.client.state(), DtlsState::kConnected) << p.client.reason();
  expectMirroredKeys(p, SrtpProfile::kAeadAes128Gcm);
}

// Regression: an expired retransmission timer must look due to a caller that read its clock
// a moment before asking (a loaded worker), or the flight is never resent.
TEST(DtlsEngine, ExpiredRetransmitTimerIsDueForAnEarlierNow) {
  EnginePair p;
  ASSERT_TRUE(p.client.start().ok());
  p.clientListener.outbox.clear();  // the ClientHello is lost
  std::this_thread::sleep_for(std::chrono::milliseconds(150));  // OpenSSL's timer runs on real time
  const int64_t callerNow = p.clock.nowUs();
  p.clock.advanceUs(50);  // time passes between the caller's read and the engine's
  auto next = p.client.nextTimeoutUs();
  ASSERT_TRUE(next);
  EXPECT_LE(*next, callerNow);
  p.client.onTimer();
  EXPECT_FALSE(p.clientListener.outbox.empty()) << "the ClientHello was not resent";
}

TEST(DtlsEngine, GivesUpAfterHandshakeTimeout) {
  EnginePair p;
  ASSERT_TRUE(p.client.start().ok());
  p.clientListener.outbox.clear();
  auto next = p.client.nextTimeoutUs();
  ASSERT_TRUE(next);
  p.clock.advanceUs(DtlsEngine::kHandshakeTimeoutUs);
  p.client.onTimer();
  EXPECT_EQ(p.client.state(), DtlsState::kFailed);
  EXPECT_EQ(p.client.reason(), "handshake timeout");
  EXPECT_EQ(p.clientListener.failure, "handshake timeout");
  EXPECT_FALSE(p.client.nextTimeoutUs());
}

TEST(DtlsEngine, MissingFingerprintTimesOut) {
  EnginePair p;
  ASSERT_TRUE(p.client.start().ok());
  p.pump();
  ASSERT_EQ(p.server.state(), DtlsState::kConnecting);
  ASSERT_TRUE(p.server.nextTimeoutUs());
  p.clock.advanceUs(DtlsEngine::kHandshakeTimeoutUs);
  p.server.onTimer();
  EXPECT_EQ(p.server.state(), DtlsState::kFailed);
  EXPECT_EQ(p.server.reason(), "handshake timeout (no remote fingerprint)");
  EXPECT_FALSE(p.serverListener.keys);
}

TEST(DtlsEngine, CloseNotifyReachesPeer) {
  EnginePair p;
  connect(p);
  p.client.close();
  EXPECT_EQ(p.client.state(), DtlsState::kClosed);
  p.pump();
  EXPECT_TRUE(p.serverListener.closed);
  EXPECT_EQ(p.server.state(), DtlsState::kClosed);
  EXPECT_EQ(p.server.reason(), "closed by peer");
  EXPECT_FALSE(p.client.sendApplicationData(std::vector<uint8_t>{1}).ok());
}

TEST(DtlsEngine, ApplicationDataBothWays) {
  EnginePair p;
  connect(p);
  const std::vector<uint8_t> ping = {'p', 'i', 'n', 'g'};
  const std::vector<uint8_t> pong = {'p', 'o', 'n', 'g'};
  ASSERT_TRUE(p.client.sendApplicationData(ping).ok());
  ASSERT_TRUE(p.server.sendApplicationData(pong).ok());
  p.pump();
  EXPECT_EQ(p.serverListener.appData, ping);
  EXPECT_EQ(p.clientListener.appData, pong);
}

TEST(DtlsEngine, GarbageIsRejectedWithoutStateChange) {
  EnginePair p;
  const std::vector<uint8_t> garbage = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2};
  EXPECT_FALSE(p.server.onData(garbage).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kNew);
  EXPECT_EQ(p.server.rejectedDatagrams(), 1u);
  EXPECT_STREQ(p.server.lastRejectReason(), "dtls record too long");
  // A well-formed record that is not a ClientHello does not wake a new server either.
  const std::vector<uint8_t> alert = {0x15, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40};
  EXPECT_FALSE(p.server.onData(alert).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kNew);
  EXPECT_TRUE(p.serverListener.outbox.empty());

  p.setCorrectFingerprints();
  ASSERT_TRUE(p.client.start().ok());
  const auto hello = p.clientListener.outbox.front();
  for (size_t len = 0; len < hello.size(); ++len) {
    EXPECT_FALSE(p.server.onData(std::span<const uint8_t>(hello.data(), len)).ok()) << len;
    EXPECT_EQ(p.server.state(), DtlsState::kNew);
  }
  EXPECT_EQ(p.server.rejectedDatagrams(), 2 + hello.size());
  EXPECT_FALSE(p.client.onData(garbage).ok());
  EXPECT_EQ(p.client.state(), DtlsState::kConnecting);
  p.pump();
  EXPECT_EQ(p.server.state(), DtlsState::kConnected);
  EXPECT_FALSE(p.server.onData(garbage).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kConnected);
}

TEST(DtlsEngine, ClientHelloOfferingDtls13GetsDtls12) {
  EnginePair p;
  ASSERT_TRUE(p.client.start().ok());
  const auto hello = test::offerDtls13(p.clientListener.outbox.front());
  ASSERT_TRUE(wd::peekClientHello(hello).ok());
  ASSERT_TRUE(p.server.onData(hello).ok());
  EXPECT_EQ(p.server.state(), DtlsState::kConnecting) << p.server.reason();
  ASSERT_FALSE(p.serverListener.outbox.empty());
  auto rec = wd::Record::parse(p.serverListener.outbox.front());
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->version, wd::kDtls12Version);
  auto hs = wd::HandshakeHeader::parse(rec->fragment);
  ASSERT_TRUE(hs.ok());
  ASSERT_EQ(hs->type, wd::HandshakeType::kServerHello);
  ASSERT_GE(hs->body.size(), 2u);
  EXPECT_EQ(loadU16(hs->body.data()), wd::kDtls12Version);  // server_version
  // The client's transcript differs from the spliced hello, so the handshake cannot
  // finish; what matters is that the server answered with DTLS 1.2 and did not fail.
  EXPECT_EQ(p.server.rejectedDatagrams(), 0u);
}

TEST(DtlsEngine, ClientMustStartBeforeData) {
  EnginePair p;
  const std::vector<uint8_t> alert = {0x15, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40};
  EXPECT_FALSE(p.client.onData(alert).ok());
  EXPECT_EQ(p.client.state(), DtlsState::kNew);
  ASSERT_TRUE(p.client.start().ok());
  EXPECT_FALSE(p.client.start().ok());
}

}  // namespace
}  // namespace rtcgate::crypto::dtls
