#include "wire/sctp/dcep.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::sctp {

Result<DcepType> dcepTypeOf(std::span<const uint8_t> message) noexcept {
  if (message.empty()) return Error::truncated("empty DCEP message");
  if (message[0] == static_cast<uint8_t>(DcepType::kAck)) return DcepType::kAck;
  if (message[0] == static_cast<uint8_t>(DcepType::kOpen)) return DcepType::kOpen;
  return Error::unsupported("unknown DCEP message type");
}

Result<DcepOpen> DcepOpen::parse(std::span<const uint8_t> message) noexcept {
  ByteReader r(message);
  uint8_t type = 0;
  uint16_t labelLength = 0, protocolLength = 0;
  DcepOpen o;
  if (!r.readU8(type) || !r.readU8(o.reliability.type) || !r.readU16(o.priority) ||
      !r.readU32(o.reliability.parameter) || !r.readU16(labelLength) || !r.readU16(protocolLength))
    return Error::truncated("DATA_CHANNEL_OPEN too short");
  if (type != static_cast<uint8_t>(DcepType::kOpen)) return Error::malformed("not a DATA_CHANNEL_OPEN");
  switch (o.reliability.type & 0x7F) {
    case ChannelReliability::kReliable:
    case ChannelReliability::kRexmit:
    case ChannelReliability::kTimed: break;
    default: return Error::unsupported("unknown data channel type");
  }
  if (labelLength > kMaxLabel || protocolLength > kMaxLabel) return Error::malformed("data channel label too long");
  std::span<const uint8_t> label, protocol;
  if (!r.readBytes(labelLength, label) || !r.readBytes(protocolLength, protocol))
    return Error::truncated("DATA_CHANNEL_OPEN shorter than its label");
  o.label = {reinterpret_cast<const char*>(label.data()), label.size()};
  o.protocol = {reinterpret_cast<const char*>(protocol.data()), protocol.size()};
  return o;
}

std::vector<uint8_t> DcepOpen::serialize() const {
  std::vector<uint8_t> out;
  out.reserve(12 + label.size() + protocol.size());
  const auto u16 = [&](uint16_t v) {
    out.push_back(static_cast<uint8_t>(v >> 8));
    out.push_back(static_cast<uint8_t>(v));
  };
  out.push_back(static_cast<uint8_t>(DcepType::kOpen));
  out.push_back(reliability.type);
  u16(priority);
  u16(static_cast<uint16_t>(reliability.parameter >> 16));
  u16(static_cast<uint16_t>(reliability.parameter));
  u16(static_cast<uint16_t>(label.size()));
  u16(static_cast<uint16_t>(protocol.size()));
  out.insert(out.end(), label.begin(), label.end());
  out.insert(out.end(), protocol.begin(), protocol.end());
  return out;
}

}  // namespace rtcgate::wire::sctp
