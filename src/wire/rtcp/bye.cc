#include "wire/rtcp/bye.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

bool Bye::addSsrc(uint32_t ssrc) noexcept {
  if (count >= kMaxSsrcs) return false;
  ssrcs[count++] = ssrc;
  return true;
}

Result<Bye> Bye::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kBye)) return Error::malformed("rtcp: not BYE");
  Bye b;
  const auto body = h->body;
  const size_t listSize = 4u * h->count;
  if (body.size() < listSize) return Error::truncated("rtcp: BYE SSRC list");
  for (size_t i = 0; i < h->count; ++i) b.ssrcs[b.count++] = loadU32(&body[4 * i]);
  // RFC 3550 §6.6: optional length-prefixed reason after the list.
  if (body.size() > listSize) {
    const size_t len = body[listSize];
    if (listSize + 1 + len > body.size()) return Error::truncated("rtcp: BYE reason");
    b.reason = body.subspan(listSize + 1, len);
  }
  return b;
}

size_t Bye::size() const noexcept {
  size_t n = kHeaderSize + 4u * count;
  if (!reason.empty()) n += (1 + reason.size() + 3) & ~size_t{3};
  return n;
}

bool Bye::serializeTo(ByteWriter& w) const noexcept {
  if (reason.size() > 255) return false;
  if (!RtcpHeader::write(w, count, static_cast<uint8_t>(PacketType::kBye), size())) return false;
  for (size_t i = 0; i < count; ++i) w.writeU32(ssrcs[i]);
  if (!reason.empty()) {
    w.writeU8(static_cast<uint8_t>(reason.size()));
    w.writeBytes(reason);
    w.writeZeros(((1 + reason.size() + 3) & ~size_t{3}) - 1 - reason.size());
  }
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
