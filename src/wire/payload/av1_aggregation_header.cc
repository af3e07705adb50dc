#include "wire/payload/av1_aggregation_header.h"

namespace rtcgate::wire::payload {

Result<Av1AggregationHeader> Av1AggregationHeader::parse(std::span<const uint8_t> rtpPayload) noexcept {
  if (rtpPayload.size() < 2) return Error::truncated("av1: payload shorter than header and one OBU byte");
  // §4.4: |Z|Y| W |N|-|-|-|
  const uint8_t b = rtpPayload[0];
  Av1AggregationHeader h;
  h.continuesFragment = (b & 0x80) != 0;
  h.fragmentContinues = (b & 0x40) != 0;
  h.obuCount = (b >> 4) & 0x03;
  h.newSequence = (b & 0x08) != 0;
  // §4.4: N=1 marks the start of a coded video sequence, which cannot begin mid-OBU.
  if (h.newSequence && h.continuesFragment) return Error::malformed("av1: N set on a continuation packet");
  return h;
}

}  // namespace rtcgate::wire::payload
