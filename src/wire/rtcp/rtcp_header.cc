#include "wire/rtcp/rtcp_header.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

Result<RtcpHeader> RtcpHeader::parse(std::span<const uint8_t> data) noexcept {
  if (data.size() < kHeaderSize) return Error::truncated("rtcp: shorter than header");
  if ((data[0] >> 6) != 2) return Error::malformed("rtcp: version is not 2");
  RtcpHeader h;
  h.padding = (data[0] & 0x20) != 0;
  h.count = data[0] & 0x1f;
  h.packetType = data[1];
  h.packetSize = 4u * (size_t{loadU16(&data[2])} + 1);
  if (h.packetSize > data.size()) return Error::truncated("rtcp: length beyond datagram");
  size_t bodySize = h.packetSize - kHeaderSize;
  if (h.padding) {
    // RFC 3550 §6.4.1: the last octet of the packet counts the padding octets.
    const uint8_t pad = data[h.packetSize - 1];
    if (pad == 0 || pad > bodySize) return Error::malformed("rtcp: bad padding count");
    bodySize -= pad;
  }
  h.body = data.subspan(kHeaderSize, bodySize);
  return h;
}

bool RtcpHeader::write(ByteWriter& w, uint8_t count, uint8_t packetType, size_t packetSize,
                       bool padding) noexcept {
  if (count > 31 || packetSize < kHeaderSize || packetSize % 4 != 0 || packetSize > 4u * 65536) return false;
  return w.writeU8(static_cast<uint8_t>(0x80 | (padding ? 0x20 : 0) | count)) && w.writeU8(packetType) &&
         w.writeU16(static_cast<uint16_t>(packetSize / 4 - 1));
}

}  // namespace rtcgate::wire::rtcp
