#include "wire/rtp/rtp_packet_builder.h"

#include "base/byte_writer.h"
#include "wire/rtp/rtp_packet.h"

namespace rtcgate::wire::rtp {

bool RtpPacketBuilder::addCsrc(uint32_t csrc) noexcept {
  if (csrcCount_ >= kMaxCsrcs) return false;
  csrcs_[csrcCount_++] = csrc;
  return true;
}

bool RtpPacketBuilder::addExtension(uint8_t id, std::span<const uint8_t> value) noexcept {
  if (extCount_ >= kMaxExtensions || id == 0 || value.size() > 255) return false;
  exts_[extCount_++] = Ext{id, value};
  return true;
}

bool RtpPacketBuilder::usesOneByteForm() const noexcept {
  for (size_t i = 0; i < extCount_; ++i) {
    const auto& e = exts_[i];
    if (e.id > 14 || e.value.empty() || e.value.size() > 16) return false;
  }
  return true;
}

size_t RtpPacketBuilder::extensionBlockSize() const noexcept {
  if (extCount_ == 0) return 0;
  const size_t perElement = usesOneByteForm() ? 1 : 2;
  size_t n = 0;
  for (size_t i = 0; i < extCount_; ++i) n += perElement + exts_[i].value.size();
  return (n + 3) & ~size_t{3};  // RFC 3550 §5.3.1: length counts 32-bit words
}

size_t RtpPacketBuilder::size() const noexcept {
  const size_t ext = extCount_ ? 4 + extensionBlockSize() : 0;
  return kFixedHeaderSize + 4u * csrcCount_ + ext + payload_.size() + padding_;
}

Result<size_t> RtpPacketBuilder::serializeTo(std::span<uint8_t> out) const noexcept {
  if (pt_ > 127) return Error::malformed("rtp: payload type above 127");
  if (out.size() < size()) return Error::noSpace("rtp: output buffer too small");
  ByteWriter w(out);
  // RFC 3550 §5.1 fixed header.
  w.writeU8(static_cast<uint8_t>(0x80 | (padding_ ? 0x20 : 0) | (extCount_ ? 0x10 : 0) | csrcCount_));
  w.writeU8(static_cast<uint8_t>((marker_ ? 0x80 : 0) | pt_));
  w.writeU16(seq_);
  w.writeU32(ts_);
  w.writeU32(ssrc_);
  for (size_t i = 0; i < csrcCount_; ++i) w.writeU32(csrcs_[i]);
  if (extCount_) {
    const bool oneByte = usesOneByteForm();
    const size_t block = extensionBlockSize();
    w.writeU16(oneByte ? kOneByteProfile : kTwoByteProfile);
    w.writeU16(static_cast<uint16_t>(block / 4));
    const size_t start = w.size();
    for (size_t i = 0; i < extCount_; ++i) {
      const auto& e = exts_[i];
      if (oneByte) {
        w.writeU8(static_cast<uint8_t>((e.id << 4) | (e.value.size() - 1)));  // RFC 8285 §4.2
      } else {
        w.writeU8(e.id);  // RFC 8285 §4.3
        w.writeU8(static_cast<uint8_t>(e.value.size()));
      }
      w.writeBytes(e.value);
    }
    w.writeZeros(block - (w.size() - start));  // padding elements (ID 0)
  }
  w.writeBytes(payload_);
  if (padding_) {
    w.writeZeros(padding_ - 1u);
    w.writeU8(padding_);
  }
  if (w.overflowed()) return Error::noSpace("rtp: output buffer too small");
  return w.size();
}

}  // namespace rtcgate::wire::rtp
