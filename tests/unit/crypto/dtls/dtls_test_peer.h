#pragma once
// Test helpers: a recording DtlsListener and a client/server engine pair joined in memory.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "crypto/dtls/certificate.h"
#include "crypto/dtls/dtls_context.h"
#include "crypto/dtls/dtls_engine.h"

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
  explicit EnginePair(std::vector<SrtpProfile> clientProfiles = {}, std::vector<SrtpProfile> serverProfiles = {})
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

}  // namespace rtcgate::crypto::dtls::test
