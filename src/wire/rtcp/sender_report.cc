#include "wire/rtcp/sender_report.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<SenderReport> SenderReport::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kSr)) return Error::malformed("rtcp: not an SR");
  const auto body = h->body;
  if (body.size() < kSenderInfoSize) return Error::truncated("rtcp: SR sender info");
  SenderReport sr;
  const uint8_t* p = body.data();
  sr.senderSsrc = loadU32(p);
  sr.ntpTime = (uint64_t{loadU32(p + 4)} << 32) | loadU32(p + 8);
  sr.rtpTimestamp = loadU32(p + 12);
  sr.packetCount = loadU32(p + 16);
  sr.octetCount = loadU32(p + 20);
  RTCGATE_TRY(sr.reports.parse(body.subspan(kSenderInfoSize), h->count));
  return sr;
}

bool SenderReport::serializeTo(ByteWriter& w) const noexcept {
  return RtcpHeader::write(w, reports.count, static_cast<uint8_t>(PacketType::kSr), size()) &&
         w.writeU32(senderSsrc) && w.writeU64(ntpTime) && w.writeU32(rtpTimestamp) &&
         w.writeU32(packetCount) && w.writeU32(octetCount) && reports.serializeTo(w);
}

}  // namespace rtcgate::wire::rtcp
