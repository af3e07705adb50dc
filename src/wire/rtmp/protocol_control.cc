#include "wire/rtmp/protocol_control.h"

#include "base/byte_writer.h"

namespace rtcgate::wire::rtmp {
namespace {

Result<uint32_t> parseU32(std::span<const uint8_t> payload) noexcept {
  if (payload.size() < 4) return Error::truncated("control message shorter than 4 bytes");
  return loadU32(payload.data());
}

Result<size_t> writeU32(std::span<uint8_t> out, uint32_t v) noexcept {
  if (out.size() < 4) return Error::noSpace("control message");
  storeU32(out.data(), v);
  return size_t{4};
}

}  // namespace

// §5.4.1: 31 bits; the first bit must be zero; zero itself makes no progress.
Result<SetChunkSize> SetChunkSize::parse(std::span<const uint8_t> payload) noexcept {
  auto v = parseU32(payload);
  if (!v.ok()) return v.error();
  if (*v == 0) return Error::malformed("chunk size 0");
  if (*v > kMax) return Error::malformed("chunk size high bit set");
  return SetChunkSize{*v};
}

Result<size_t> SetChunkSize::serializeTo(std::span<uint8_t> out) const noexcept {
  if (chunkSize == 0 || chunkSize > kMax) return Error::malformed("chunk size out of range");
  return writeU32(out, chunkSize);
}

Result<Abort> Abort::parse(std::span<const uint8_t> payload) noexcept {
  auto v = parseU32(payload);
  if (!v.ok()) return v.error();
  return Abort{*v};
}

Result<size_t> Abort::serializeTo(std::span<uint8_t> out) const noexcept {
  return writeU32(out, chunkStreamId);
}

Result<Acknowledgement> Acknowledgement::parse(std::span<const uint8_t> payload) noexcept {
  auto v = parseU32(payload);
  if (!v.ok()) return v.error();
  return Acknowledgement{*v};
}

Result<size_t> Acknowledgement::serializeTo(std::span<uint8_t> out) const noexcept {
  return writeU32(out, sequenceNumber);
}

Result<WindowAckSize> WindowAckSize::parse(std::span<const uint8_t> payload) noexcept {
  auto v = parseU32(payload);
  if (!v.ok()) return v.error();
  return WindowAckSize{*v};
}

Result<size_t> WindowAckSize::serializeTo(std::span<uint8_t> out) const noexcept {
  return writeU32(out, windowSize);
}

// §5.4.5: window size (4 bytes) then limit type (1 byte).
Result<SetPeerBandwidth> SetPeerBandwidth::parse(std::span<const uint8_t> payload) noexcept {
  if (payload.size() < 5) return Error::truncated("set peer bandwidth shorter than 5 bytes");
  if (payload[4] > 2) return Error::malformed("set peer bandwidth limit type");
  return SetPeerBandwidth{loadU32(payload.data()), static_cast<LimitType>(payload[4])};
}

Result<size_t> SetPeerBandwidth::serializeTo(std::span<uint8_t> out) const noexcept {
  if (out.size() < 5) return Error::noSpace("set peer bandwidth");
  storeU32(out.data(), windowSize);
  out[4] = static_cast<uint8_t>(limitType);
  return size_t{5};
}

// §7.1.7: event type (2 bytes) then event data; SetBufferLength carries 8 bytes.
Result<UserControl> UserControl::parse(std::span<const uint8_t> payload) noexcept {
  if (payload.size() < 6) return Error::truncated("user control shorter than 6 bytes");
  UserControl u;
  const uint16_t event = loadU16(payload.data());
  if (event > 7 || event == 5) return Error::unsupported("user control event type");
  u.event = static_cast<UserControlEvent>(event);
  u.value = loadU32(payload.data() + 2);
  if (u.event == UserControlEvent::kSetBufferLength) {
    if (payload.size() < 10) return Error::truncated("set buffer length shorter than 10 bytes");
    u.bufferLengthMs = loadU32(payload.data() + 6);
  }
  return u;
}

Result<size_t> UserControl::serializeTo(std::span<uint8_t> out) const noexcept {
  ByteWriter w(out);
  w.writeU16(static_cast<uint16_t>(event));
  w.writeU32(value);
  if (event == UserControlEvent::kSetBufferLength) w.writeU32(bufferLengthMs);
  if (w.overflowed()) return Error::noSpace("user control");
  return w.size();
}

}  // namespace rtcgate::wire::rtmp
