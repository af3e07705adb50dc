#include "wire/rtcp/report_block.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<ReportBlock> ReportBlock::parse(std::span<const uint8_t> data) noexcept {
  // RFC 3550 §6.4.1 report block: SSRC, fraction lost (8), cumulative lost (24, signed),
  // extended highest sequence number, jitter, LSR, DLSR.
  if (data.size() < kSize) return Error::truncated("rtcp: report block");
  ReportBlock b;
  const uint8_t* p = data.data();
  b.sourceSsrc = loadU32(p);
  b.fractionLost = p[4];
  const uint32_t lost = loadU24(p + 5);
  b.cumulativeLost =
      (lost & 0x800000) ? static_cast<int32_t>(lost | 0xFF000000u) : static_cast<int32_t>(lost);
  b.extendedHighestSeq = loadU32(p + 8);
  b.jitter = loadU32(p + 12);
  b.lastSr = loadU32(p + 16);
  b.delaySinceLastSr = loadU32(p + 20);
  return b;
}

bool ReportBlock::serializeTo(ByteWriter& w) const noexcept {
  // Clamp to the 24-bit signed range rather than wrap into a nonsense value.
  int32_t lost = cumulativeLost;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  return w.writeU32(sourceSsrc) && w.writeU8(fractionLost) &&
         w.writeU24(static_cast<uint32_t>(lost) & 0xFFFFFF) && w.writeU32(extendedHighestSeq) &&
         w.writeU32(jitter) && w.writeU32(lastSr) && w.writeU32(delaySinceLastSr);
}

Status ReportBlockList::parse(std::span<const uint8_t> data, size_t n) noexcept {
  if (n > kMax) return Error::malformed("rtcp: too many report blocks");
  if (data.size() < n * ReportBlock::kSize) return Error::truncated("rtcp: report blocks");
  count = 0;
  for (size_t i = 0; i < n; ++i) {
    auto b = ReportBlock::parse(data.subspan(i * ReportBlock::kSize));
    if (!b.ok()) return b.error();
    blocks[count++] = *b;
  }
  return {};
}

bool ReportBlockList::serializeTo(ByteWriter& w) const noexcept {
  for (size_t i = 0; i < count; ++i) {
    if (!blocks[i].serializeTo(w)) return false;
  }
  return true;
}

}  // namespace rtcgate::wire::rtcp
