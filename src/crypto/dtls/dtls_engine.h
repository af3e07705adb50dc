#pragma once
// DtlsEngine: one sans-IO DTLS 1.2 endpoint for DTLS-SRTP, driven by datagrams and timers.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "crypto/dtls/dtls_context.h"
#include "crypto/dtls/dtls_keys.h"
#include "crypto/dtls/dtls_role.h"
#include "crypto/dtls/fingerprint.h"
#include "crypto/dtls/openssl_ptr.h"

namespace rtcgate::crypto::dtls {

// Where a DtlsEngine delivers its output. Calls happen synchronously from inside engine
// methods; a listener must not destroy the engine from within a callback.
class DtlsListener {
 public:
  virtual ~DtlsListener() = default;
  // One datagram to send to the peer (at most the engine's MTU unless a record is larger).
  virtual void onDtlsSend(std::span<const uint8_t> datagram) = 0;
  // The handshake finished and the peer's fingerprint matched.
  virtual void onDtlsConnected(const DtlsKeys& keys) = 0;
  virtual void onDtlsFailed(std::string_view reason) = 0;
  // The peer sent close_notify.
  virtual void onDtlsClosed() = 0;
  // Decrypted application data (SCTP for data channels).
  virtual void onDtlsApplicationData(std::span<const uint8_t> data) = 0;
};

// Life cycle of a DtlsEngine; kFailed and kClosed are final.
enum class DtlsState : uint8_t { kNew, kConnecting, kConnected, kFailed, kClosed };
std::string_view dtlsStateName(DtlsState state) noexcept;

// OpenSSL over two memory BIOs: datagrams in through onData(), records out through the
// listener, retransmissions through nextTimeoutUs()/onTimer(). Incoming datagrams are
// checked with the wire parser first, so garbage never reaches OpenSSL or changes state.
class DtlsEngine {
 public:
  static constexpr size_t kDefaultMtu = 1200;
  static constexpr int64_t kHandshakeTimeoutUs = 30'000'000;
  static constexpr unsigned kInitialRetransmitUs = 100'000;  // OpenSSL's default is 1 s
  static constexpr unsigned kMaxRetransmitUs = 4'000'000;

  DtlsEngine(DtlsContext& context, DtlsRole role, Clock& clock, DtlsListener& listener);
  ~DtlsEngine();
  DtlsEngine(const DtlsEngine&) = delete;
  DtlsEngine& operator=(const DtlsEngine&) = delete;

  // Sets the expected peer fingerprint (from SDP). May come before or after the handshake
  // finishes; the engine reports connected only once it matched.
  Status setRemoteFingerprint(std::string_view algorithm, std::string_view hexValue);
  // Client: sends the first flight. Server: only arms the handshake deadline.
  Status start();
  // One received datagram. Errors mean the datagram was rejected (state unchanged).
  Status onData(std::span<const uint8_t> datagram);
  // Absolute Clock time at which onTimer() should run, if any timer is armed.
  std::optional<int64_t> nextTimeoutUs() const noexcept;
  void onTimer();
  // Sends close_notify and moves to kClosed.
  void close();
  // Encrypts and sends application data (only when connected).
  Status sendApplicationData(std::span<const uint8_t> data);
  void setMtu(size_t mtu) noexcept;

  DtlsRole role() const noexcept { return role_; }
  DtlsState state() const noexcept { return state_; }
  // Why the engine is in its current state ("" while things are fine).
  const std::string& reason() const noexcept { return reason_; }
  // Why the last datagram was rejected (static string), and how many were.
  const char* lastRejectReason() const noexcept { return lastReject_; }
  uint64_t rejectedDatagrams() const noexcept { return rejected_; }
  // OpenSSL's handshake state and retransmission timer, for diagnosing a stuck handshake.
  std::string handshakeDiagnostics() const;
  // The peer's certificate fingerprint with the expected algorithm (after the handshake).
  std::optional<Fingerprint> peerFingerprint() const noexcept;

 private:
  static unsigned timerCallback(SSL* ssl, unsigned timerUs);
  Status reject(const Error& error) noexcept;
  void drive();
  void continueHandshake();
  void readApplicationData();
  void onHandshakeDone();
  void verifyAndConnect();
  bool exportKeys();
  void flushOutgoing();
  void fail(std::string reason);
  std::string sslErrorReason(const char* what, int ret) const;

  DtlsContext& context_;
  DtlsRole role_;
  Clock& clock_;
  DtlsListener& listener_;
  SslPtr ssl_;
  BIO* readBio_ = nullptr;   // owned by ssl_
  BIO* writeBio_ = nullptr;  // owned by ssl_
  size_t mtu_ = kDefaultMtu;
  DtlsState state_ = DtlsState::kNew;
  std::string reason_;
  bool handshakeDone_ = false;
  int64_t handshakeDeadlineUs_ = 0;
  std::optional<Fingerprint> remoteFingerprint_;
  X509Ptr peerCert_;
  DtlsKeys keys_;
  const char* lastReject_ = "";
  uint64_t rejected_ = 0;
  std::array<uint8_t, 4096> readBuffer_{};
};

}  // namespace rtcgate::crypto::dtls
