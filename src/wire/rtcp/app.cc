#include "wire/rtcp/app.h"

#include <algorithm>

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<App> App::parse(std::span<const uint8_t> packet) noexcept {
  auto h = RtcpHeader::parse(packet);
  if (!h.ok()) return h.error();
  if (h->packetType != static_cast<uint8_t>(PacketType::kApp)) return Error::malformed("rtcp: not APP");
  // RFC 3550 §6.7: SSRC, 4-char name, then application data.
  if (h->body.size() < 8) return Error::truncated("rtcp: APP name");
  App a;
  a.subtype = h->count;
  a.ssrc = loadU32(h->body.data());
  std::copy_n(h->body.begin() + 4, 4, a.name.begin());
  a.data = h->body.subspan(8);
  return a;
}

bool App::serializeTo(ByteWriter& w) const noexcept {
  if (data.size() % 4 != 0) return false;
  return RtcpHeader::write(w, subtype, static_cast<uint8_t>(PacketType::kApp), size()) && w.writeU32(ssrc) &&
         w.writeBytes(name) && w.writeBytes(data);
}

}  // namespace rtcgate::wire::rtcp
