#pragma once
// Test helpers: a recording DtlsListener and a client/server engine pair joined in memory.

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "crypto/dtls/certificate.h"
#include "crypto/dtls/dtls_context.h"
#include "crypto/dtls/dtls_engine.h"
#include "wire/dtls/record.h"

namespace rtcgate::crypto::dtls::test {

// Records everything an engine reports; sent datagrams queue up until pumped.
struct RecordingListener : DtlsListener {
  std::deque<std::vector<uint8_t>> outbox;
  std::vector<std::vector<uint8_t>> sentLog;
  std::optional<DtlsKeys> keys;
  std::string failure;
  int connectedCalls = 0;
  bool closed = false;
  std::vector<uint8_t> appData;

  void onDtlsSend(std::span<const uint8_t> d) override {
    outbox.emplace_back(d.begin(), d.end());
    sentLog.emplace_back(d.begin(), d.end());
  }
  void onDtlsConnected(const DtlsKeys& k) override {
    keys = k;
    ++connectedCalls;
  }
  void onDtlsFailed(std::string_view reason) override { failure = reason; }
  void onDtlsClosed() override { closed = true; }
  void onDtlsApplicationData(std::span<const uint8_t> d) override {
    appData.insert(appData.end(), d.begin(), d.end());
  }
};

inline std::shared_ptr<const Certificate> makeCertificate() {
  auto cert = Certificate::generate();
  if (!cert) return nullptr;
  return std::shared_ptr<const Certificate>(std::move(cert).value());
}

inline std::unique_ptr<DtlsContext> makeContext(std::shared_ptr<const Certificate> cert,
                                                std::vector<SrtpProfile> profiles = {}) {
  DtlsContextOptions options;
  if (!profiles.empty()) options.srtpProfiles = std::move(profiles);
  auto ctx = DtlsContext::create(std::move(cert), options);
  return ctx ? std::move(ctx).value() : nullptr;
}

// Client and server engines with their own certificates, delivering through queues so no
// engine is re-entered from its own callback.
struct EnginePair {
  explicit EnginePair(std::vector<SrtpProfile> clientProfiles = {},
                      std::vector<SrtpProfile> serverProfiles = {})
      : clientCert(makeCertificate()),
        serverCert(makeCertificate()),
        clientCtx(makeContext(clientCert, std::move(clientProfiles))),
        serverCtx(makeContext(serverCert, std::move(serverProfiles))),
        client(*clientCtx, DtlsRole::kClient, clock, clientListener),
        server(*serverCtx, DtlsRole::kServer, clock, serverListener) {}

  void setCorrectFingerprints() {
    (void)client.setRemoteFingerprint("sha-256", serverCert->sdpFingerprint());
    (void)server.setRemoteFingerprint("sha-256", clientCert->sdpFingerprint());
  }

  // Delivers queued datagrams both ways until both queues are empty. `drop` may discard
  // a datagram (true = drop) by direction and index.
  void pump(const std::function<bool(bool toServer, size_t index)>& drop = nullptr) {
    size_t toServer = 0;
    size_t toClient = 0;
    for (int round = 0; round < 100; ++round) {
      if (clientListener.outbox.empty() && serverListener.outbox.empty()) return;
      while (!clientListener.outbox.empty()) {
        auto d = std::move(clientListener.outbox.front());
        clientListener.outbox.pop_front();
        if (!drop || !drop(true, toServer)) (void)server.onData(d);
        ++toServer;
      }
      while (!serverListener.outbox.empty()) {
        auto d = std::move(serverListener.outbox.front());
        serverListener.outbox.pop_front();
        if (!drop || !drop(false, toClient)) (void)client.onData(d);
        ++toClient;
      }
    }
  }

  FakeClock clock;
  std::shared_ptr<const Certificate> clientCert;
  std::shared_ptr<const Certificate> serverCert;
  std::unique_ptr<DtlsContext> clientCtx;
  std::unique_ptr<DtlsContext> serverCtx;
  RecordingListener clientListener;
  RecordingListener serverListener;
  DtlsEngine client;
  DtlsEngine server;
};

// Builds `hello` again with a supported_versions extension (RFC 8446 §4.2.1) listing
// DTLS 1.3 (0xfefc) and DTLS 1.2 (0xfefd), fixing every enclosing length.
inline std::vector<uint8_t> offerDtls13(std::span<const uint8_t> hello) {
  auto rec = wire::dtls::Record::parse(hello);
  auto hs = wire::dtls::HandshakeHeader::parse(rec->fragment);
  EXPECT_EQ(hs->fragmentLength, hs->length);
  std::vector<uint8_t> body(hs->body.begin(), hs->body.end());
  ByteReader r(hs->body);
  uint8_t n8 = 0;
  uint16_t n16 = 0;
  EXPECT_TRUE(r.skip(2 + 32) && r.readU8(n8) && r.skip(n8) && r.readU8(n8) && r.skip(n8) && r.readU16(n16) &&
              r.skip(n16) && r.readU8(n8) && r.skip(n8));
  const size_t extLenAt = r.position();
  EXPECT_TRUE(r.readU16(n16));
  EXPECT_EQ(n16, r.remaining());
  const std::vector<uint8_t> ext = {0x00, 0x2b, 0x00, 0x05, 0x04, 0xfe, 0xfc, 0xfe, 0xfd};
  body.insert(body.end(), ext.begin(), ext.end());
  storeU16(&body[extLenAt], static_cast<uint16_t>(n16 + ext.size()));
  wire::dtls::HandshakeHeader h = *hs;
  h.length = h.fragmentLength = static_cast<uint32_t>(body.size());
  h.body = body;
  std::vector<uint8_t> fragment(wire::dtls::kHandshakeHeaderSize + body.size());
  EXPECT_TRUE(h.serializeTo(fragment).ok());
  wire::dtls::Record out = *rec;
  out.fragment = fragment;
  std::vector<uint8_t> datagram(out.sizeOnWire());
  EXPECT_TRUE(out.serializeTo(datagram).ok());
  return datagram;
}

}  // namespace rtcgate::crypto::dtls::test
