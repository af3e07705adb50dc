#include "wire/rtmp/handshake.h"

#include <algorithm>
#include <cstring>

#include "base/byte_reader.h"

namespace rtcgate::wire::rtmp {

Handshake::Handshake(Role role, uint32_t epochMs, std::span<const uint8_t> random) noexcept
    : role_(role), epochMs_(epochMs) {
  if (!random.empty()) {
    for (size_t i = 0; i < random_.size(); ++i) random_[i] = random[i % random.size()];
  }
  if (role_ == Role::kClient) {
    // §5.2.5: the client starts by sending C0 and C1 together.
    out_[outEnd_++] = kVersion;
    appendOwnHello();
  }
}

// Server reads C0+C1 then C2; client reads S0+S1+S2 in one go (servers send them together).
size_t Handshake::expectedInput() const noexcept {
  if (role_ == Role::kClient) return 1 + 2 * kPacketSize;
  return state_ == State::kAwaitingPeerHello ? 1 + kPacketSize : kPacketSize;
}

Result<size_t> Handshake::feed(std::span<const uint8_t> in) noexcept {
  size_t used = 0;
  while (used < in.size() && state_ != State::kDone) {
    if (state_ == State::kFailed) return Error::state("handshake already failed");
    const size_t want = expectedInput() - inLen_;
    const size_t take = std::min(want, in.size() - used);
    const bool firstByte = inLen_ == 0;
    std::memcpy(in_.data() + inLen_, in.data() + used, take);
    inLen_ += take;
    used += take;
    // Checked whenever the version byte arrives, alone or with what follows it.
    if (firstByte && in_[0] != kVersion && state_ == State::kAwaitingPeerHello) {
      state_ = State::kFailed;  // fail on the first byte rather than after 1537
      return Error::unsupported("rtmp version is not 3");
    }
    if (inLen_ < expectedInput()) break;
    if (state_ == State::kAwaitingPeerHello) {
      RTCGATE_TRY(onPeerHello());
    } else {
      state_ = State::kDone;  // §5.2: any C2 is accepted, as simple servers do
    }
    inLen_ = 0;
  }
  if (state_ == State::kFailed) return Error::state("handshake already failed");
  return used;
}

Status Handshake::onPeerHello() noexcept {
  peerEpoch_ = loadU32(&in_[1]);
  const std::span<const uint8_t> hello(&in_[1], kPacketSize);
  if (role_ == Role::kServer) {
    // §5.2.5: S0+S1 then S2. S2 echoes C1 byte for byte (what nginx-rtmp does for the
    // simple handshake); digest-style C1s from ffmpeg/OBS are echoed the same way.
    out_[outEnd_++] = kVersion;
    appendOwnHello();
    appendEcho(hello);
    state_ = State::kAwaitingPeerEcho;
    return {};
  }
  // Client: S2 is not checked (servers running the digest handshake fill it otherwise).
  appendEcho(hello);
  state_ = State::kDone;
  return {};
}

// §5.2.3: time (4 bytes), zero (4 bytes), random (1528 bytes). The zero field matters:
// digest-handshake clients (ffmpeg playing) only verify an S1 digest when its first byte
// is 3 or more, so a zero there keeps them on the simple handshake.
void Handshake::appendOwnHello() noexcept {
  uint8_t* p = out_.data() + outEnd_;
  storeU32(p, epochMs_);
  storeU32(p + 4, 0);
  std::memcpy(p + 8, random_.data(), random_.size());
  outEnd_ += kPacketSize;
}

// §5.2.4: C2/S2 carry the peer's time, time2 and random echo; a verbatim copy of the
// peer's packet is what deployed servers send and what every client accepts.
void Handshake::appendEcho(std::span<const uint8_t> peerPacket) noexcept {
  std::memcpy(out_.data() + outEnd_, peerPacket.data(), kPacketSize);
  outEnd_ += kPacketSize;
}

void Handshake::consumeOutput(size_t n) noexcept {
  outStart_ += std::min(n, outEnd_ - outStart_);
  if (outStart_ == outEnd_) outStart_ = outEnd_ = 0;
}

}  // namespace rtcgate::wire::rtmp
