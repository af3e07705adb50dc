#include "wire/rtcp/remb.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

namespace {
constexpr uint32_t kRembId = 0x52454D42;  // 'R' 'E' 'M' 'B'
constexpr uint8_t kAfb = static_cast<uint8_t>(PsFeedbackFmt::kAfb);
}  // namespace

bool Remb::addSsrc(uint32_t ssrc) noexcept {
  if (count >= kMaxSsrcs) return false;
  ssrcs[count++] = ssrc;
  return true;
}

bool isRemb(std::span<const uint8_t> packet) noexcept {
  return packet.size() >= 16 && packet[1] == static_cast<uint8_t>(PacketType::kPsFeedback) &&
         (packet[0] & 0x1f) == kAfb && loadU32(&packet[12]) == kRembId;
}

Result<Remb> Remb::parse(std::span<const uint8_t> packet) noexcept {
  auto f = FeedbackPacket::parse(packet, PacketType::kPsFeedback, kAfb);
  if (!f.ok()) return f.error();
  const auto fci = f->fci;
  // §2.2: 'REMB', Num SSRC(8), BR Exp(6), BR Mantissa(18), then Num SSRC SSRCs.
  if (fci.size() < 8) return Error::truncated("remb: fixed fields");
  if (loadU32(fci.data()) != kRembId) return Error::unsupported("rtcp: AFB message is not REMB");
  Remb r;
  r.senderSsrc = f->senderSsrc;
  const size_t n = fci[4];
  const uint32_t expMantissa = loadU24(&fci[5]);
  const uint64_t mantissa = expMantissa & 0x3FFFF;
  const unsigned exp = expMantissa >> 18;
  if (exp > 46) return Error::malformed("remb: bitrate overflows");
  r.bitrateBps = mantissa << exp;
  if (fci.size() < 8 + 4 * n) return Error::truncated("remb: SSRC list");
  for (size_t i = 0; i < n; ++i) r.ssrcs[i] = loadU32(&fci[8 + 4 * i]);
  r.count = static_cast<uint8_t>(n);
  return r;
}

bool Remb::serializeTo(ByteWriter& w) const noexcept {
  // Smallest exponent that fits the mantissa into 18 bits (precision lost is rounded down).
  uint64_t mantissa = bitrateBps;
  unsigned exp = 0;
  while (mantissa > 0x3FFFF) {
    mantissa >>= 1;
    ++exp;
  }
  // The draft: media source SSRC is 0 for REMB.
  if (!FeedbackPacket::writeHeader(w, PacketType::kPsFeedback, kAfb, senderSsrc, 0, 8 + 4u * count) ||
      !w.writeU32(kRembId) || !w.writeU8(count) ||
      !w.writeU24(static_cast<uint32_t>((exp << 18) | mantissa))) {
    return false;
  }
  for (size_t i = 0; i < count; ++i) w.writeU32(ssrcs[i]);
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
