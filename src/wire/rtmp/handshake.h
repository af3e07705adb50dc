#pragma once
// The simple (non-digest) RTMP handshake as a sans-IO state machine (Adobe RTMP spec 1.0 §5.2).

#include <array>
#include <cstdint>
#include <span>

#include "base/result.h"

namespace rtcgate::wire::rtmp {

// Runs C0/C1/C2 ⇄ S0/S1/S2 for one side of a connection: bytes in through `feed`, bytes
// out through `output()`/`consumeOutput()`. Once `done()`, bytes after the handshake
// (left unconsumed by `feed`) belong to the chunk stream.
class Handshake {
 public:
  enum class Role : uint8_t { kServer, kClient };
  enum class State : uint8_t { kAwaitingPeerHello, kAwaitingPeerEcho, kDone, kFailed };

  static constexpr uint8_t kVersion = 3;       // §5.2.2: the only version defined
  static constexpr size_t kPacketSize = 1536;  // §5.2.3: C1/S1/C2/S2 are 1536 bytes
  static constexpr size_t kRandomSize = kPacketSize - 8;

  // `epochMs` is our C1/S1 time field; `random` fills its 1528 random bytes (cycled if
  // shorter, zeros if empty) so tests are deterministic. A client queues C0+C1 at once.
  Handshake(Role role, uint32_t epochMs, std::span<const uint8_t> random) noexcept;

  // Consumes handshake bytes from `in`; returns how many were used. A version other
  // than 3 fails the handshake (the caller closes the connection).
  Result<size_t> feed(std::span<const uint8_t> in) noexcept;

  // Bytes to send now; call consumeOutput(n) after sending n of them.
  std::span<const uint8_t> output() const noexcept { return {out_.data() + outStart_, outEnd_ - outStart_}; }
  void consumeOutput(size_t n) noexcept;

  State state() const noexcept { return state_; }
  bool done() const noexcept { return state_ == State::kDone; }
  Role role() const noexcept { return role_; }
  // The peer's C1 (server) or S1 (client) time field, e.g. for logs.
  uint32_t peerEpoch() const noexcept { return peerEpoch_; }

 private:
  size_t expectedInput() const noexcept;
  Status onPeerHello() noexcept;
  void appendOwnHello() noexcept;
  void appendEcho(std::span<const uint8_t> peerPacket) noexcept;

  Role role_;
  State state_ = State::kAwaitingPeerHello;
  uint32_t epochMs_;
  uint32_t peerEpoch_ = 0;
  std::array<uint8_t, kRandomSize> random_{};
  // Peer input: version byte + hello (+ echo for the client, which reads S0+S1+S2).
  std::array<uint8_t, 1 + 2 * kPacketSize> in_{};
  size_t inLen_ = 0;
  // Our output: at most version byte + two packets pending at once.
  std::array<uint8_t, 1 + 2 * kPacketSize> out_{};
  size_t outStart_ = 0;
  size_t outEnd_ = 0;
};

}  // namespace rtcgate::wire::rtmp
