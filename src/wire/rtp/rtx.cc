#include "wire/rtp/rtx.h"

#include <cstring>

#include "base/byte_reader.h"
#include "wire/rtp/rtp_packet.h"
#include "wire/rtp/rtp_rewrite.h"

namespace rtcgate::wire::rtp {

namespace {
constexpr size_t kOsnSize = 2;
}

Result<size_t> rtxSize(std::span<const uint8_t> original) noexcept {
  auto v = RtpPacketView::parse(original);
  if (!v.ok()) return v.error();
  return v->headerSize() + kOsnSize + v->payloadSize();
}

Result<size_t> buildRtx(std::span<const uint8_t> original, const RtxParams& rtx,
                        std::span<uint8_t> out) noexcept {
  auto v = RtpPacketView::parse(original);
  if (!v.ok()) return v.error();
  const size_t hdr = v->headerSize();
  const size_t total = hdr + kOsnSize + v->payloadSize();
  if (out.size() < total) return Error::noSpace("rtx: output buffer too small");
  if (rtx.payloadType > 127) return Error::malformed("rtx: payload type above 127");
  std::memcpy(out.data(), original.data(), hdr);
  out[0] &= static_cast<uint8_t>(~0x20);     // padding is not retransmitted
  storeU16(&out[hdr], v->sequenceNumber());  // OSN, RFC 4588 §4
  if (v->payloadSize()) std::memcpy(&out[hdr + kOsnSize], v->payload().data(), v->payloadSize());
  auto packet = out.first(total);
  setSsrc(packet, rtx.ssrc);
  setPayloadType(packet, rtx.payloadType);
  setSequenceNumber(packet, rtx.sequenceNumber);
  return total;
}

Result<size_t> recoverFromRtx(std::span<const uint8_t> rtx, const OriginalParams& orig,
                              std::span<uint8_t> out) noexcept {
  auto v = RtpPacketView::parse(rtx);
  if (!v.ok()) return v.error();
  if (v->payloadSize() < kOsnSize) return Error::truncated("rtx: no original sequence number");
  if (orig.payloadType > 127) return Error::malformed("rtx: payload type above 127");
  const size_t hdr = v->headerSize();
  const size_t body = v->payloadSize() - kOsnSize;
  if (out.size() < hdr + body) return Error::noSpace("rtx: output buffer too small");
  const uint16_t osn = loadU16(&rtx[hdr]);
  // memmove: the payload shifts left by two bytes when unwrapping in place.
  std::memmove(out.data(), rtx.data(), hdr);
  std::memmove(out.data() + hdr, rtx.data() + hdr + kOsnSize, body);
  out[0] &= static_cast<uint8_t>(~0x20);
  auto packet = out.first(hdr + body);
  setSsrc(packet, orig.ssrc);
  setPayloadType(packet, orig.payloadType);
  setSequenceNumber(packet, osn);
  return hdr + body;
}

}  // namespace rtcgate::wire::rtp
