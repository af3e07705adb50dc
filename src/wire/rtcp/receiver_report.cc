#include "wire/rtcp/receiver_report.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<ReceiverReport> ReceiverReport::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kRr)) return Error::malformed("rtcp: not an RR");
  if (h->body.size() < 4) return Error::truncated("rtcp: RR sender SSRC");
  ReceiverReport rr;
  rr.senderSsrc = loadU32(h->body.data());
  RTCGATE_TRY(rr.reports.parse(h->body.subspan(4), h->count));
  return rr;
}

bool ReceiverReport::serializeTo(ByteWriter& w) const noexcept {
  return RtcpHeader::write(w, reports.count, static_cast<uint8_t>(PacketType::kRr), size()) &&
         w.writeU32(senderSsrc) && reports.serializeTo(w);
}

}  // namespace rtcgate::wire::rtcp
