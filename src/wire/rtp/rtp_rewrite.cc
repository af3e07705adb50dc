#include "wire/rtp/rtp_rewrite.h"

#include <cstring>

#include "base/byte_reader.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::wire::rtp {

bool setMarker(std::span<uint8_t> packet, bool marker) noexcept {
  if (packet.size() < kFixedHeaderSize) return false;
  packet[1] = static_cast<uint8_t>((packet[1] & 0x7f) | (marker ? 0x80 : 0));
  return true;
}

bool setPayloadType(std::span<uint8_t> packet, uint8_t pt) noexcept {
  if (packet.size() < kFixedHeaderSize || pt > 127) return false;
  packet[1] = static_cast<uint8_t>((packet[1] & 0x80) | pt);
  return true;
}

bool setSequenceNumber(std::span<uint8_t> packet, uint16_t seq) noexcept {
  if (packet.size() < kFixedHeaderSize) return false;
  storeU16(&packet[2], seq);
  return true;
}

bool setTimestamp(std::span<uint8_t> packet, uint32_t ts) noexcept {
  if (packet.size() < kFixedHeaderSize) return false;
  storeU32(&packet[4], ts);
  return true;
}

bool setSsrc(std::span<uint8_t> packet, uint32_t ssrc) noexcept {
  if (packet.size() < kFixedHeaderSize) return false;
  storeU32(&packet[8], ssrc);
  return true;
}

std::span<uint8_t> mutableExtension(std::span<uint8_t> packet, uint8_t id) noexcept {
  auto view = RtpPacketView::parse(packet);
  if (!view.ok()) return {};
  const auto value = view->findExtension(id);
  if (value.empty()) return {};
  // The value is a view into `packet`, so its offset maps back to the writable span.
  return packet.subspan(static_cast<size_t>(value.data() - packet.data()), value.size());
}

bool writeExtension(std::span<uint8_t> packet, uint8_t id, std::span<const uint8_t> value) noexcept {
  auto target = mutableExtension(packet, id);
  if (target.empty() || target.size() != value.size()) return false;
  std::memcpy(target.data(), value.data(), value.size());
  return true;
}

}  // namespace rtcgate::wire::rtp
