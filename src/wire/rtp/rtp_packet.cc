#include "wire/rtp/rtp_packet.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtp {

namespace {

ExtensionForm formOf(uint16_t profile) noexcept {
  if (profile == kOneByteProfile) return ExtensionForm::kOneByte;
  if ((profile & kTwoByteProfileMask) == kTwoByteProfile) return ExtensionForm::kTwoByte;
  return ExtensionForm::kOther;
}

}  // namespace

// RFC 8285 §4.2 (one-byte: ID 4 bits, L 4 bits = length-1; ID 0 is padding, ID 15 stops
// the walk) and §4.3 (two-byte: ID 8 bits, L 8 bits = length; ID 0 is padding).
bool ExtensionIterator::next(ExtensionElement& out) noexcept {
  while (pos_ < block_.size()) {
    const uint8_t first = block_[pos_];
    if (first == 0) {  // padding byte between or after elements
      ++pos_;
      continue;
    }
    size_t len = 0;
    uint8_t id = 0;
    size_t hdr = 0;
    if (form_ == ExtensionForm::kOneByte) {
      id = first >> 4;
      if (id == 15) {  // §4.2: reserved; the rest of the block must be ignored
        pos_ = block_.size();
        return false;
      }
      len = (first & 0x0f) + 1u;
      hdr = 1;
    } else if (form_ == ExtensionForm::kTwoByte) {
      if (pos_ + 2 > block_.size()) break;
      id = first;
      len = block_[pos_ + 1];
      hdr = 2;
    } else {
      return false;
    }
    if (pos_ + hdr + len > block_.size()) break;
    out.id = id;
    out.value = block_.subspan(pos_ + hdr, len);
    out.offset = base_ + pos_ + hdr;
    pos_ += hdr + len;
    return true;
  }
  if (pos_ < block_.size()) {
    malformed_ = true;
    pos_ = block_.size();
  }
  return false;
}

Result<RtpPacketView> RtpPacketView::parse(std::span<const uint8_t> packet) noexcept {
  // RFC 3550 §5.1: V=2, P, X, CC, M, PT, sequence number, timestamp, SSRC.
  if (packet.size() < kFixedHeaderSize) return Error::truncated("rtp: shorter than fixed header");
  if ((packet[0] >> 6) != 2) return Error::malformed("rtp: version is not 2");
  RtpPacketView v;
  v.data_ = packet;
  size_t pos = kFixedHeaderSize + 4u * (packet[0] & 0x0f);
  if (pos > packet.size()) return Error::truncated("rtp: CSRC list");
  if (packet[0] & 0x10) {
    // RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words, then the data.
    if (pos + 4 > packet.size()) return Error::truncated("rtp: extension header");
    v.profile_ = loadU16(&packet[pos]);
    v.extSize_ = 4u * loadU16(&packet[pos + 2]);
    v.extOffset_ = pos + 4;
    v.form_ = formOf(v.profile_);
    pos = v.extOffset_ + v.extSize_;
    if (pos > packet.size()) return Error::truncated("rtp: extension block");
  }
  v.headerSize_ = pos;
  if (packet[0] & 0x20) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included.
    const uint8_t pad = packet.back();
    if (pad == 0) return Error::malformed("rtp: zero padding count");
    if (pad > packet.size() - pos) return Error::malformed("rtp: padding longer than payload");
    v.paddingSize_ = pad;
  }
  ExtensionIterator it = v.extensions();
  ExtensionElement e;
  while (it.next(e)) {
  }
  if (it.malformed()) return Error::malformed("rtp: extension element overruns block");
  return v;
}

uint16_t RtpPacketView::sequenceNumber() const noexcept {
  return loadU16(&data_[2]);
}
uint32_t RtpPacketView::timestamp() const noexcept {
  return loadU32(&data_[4]);
}
uint32_t RtpPacketView::ssrc() const noexcept {
  return loadU32(&data_[8]);
}
uint32_t RtpPacketView::csrc(size_t i) const noexcept {
  return loadU32(&data_[kFixedHeaderSize + 4 * i]);
}

std::span<const uint8_t> RtpPacketView::extensionBlock() const noexcept {
  return data_.subspan(extOffset_, extSize_);
}

ExtensionIterator RtpPacketView::extensions() const noexcept {
  return ExtensionIterator(extensionBlock(), form_, extOffset_);
}

std::span<const uint8_t> RtpPacketView::findExtension(uint8_t id) const noexcept {
  if (id == 0 || (form_ != ExtensionForm::kOneByte && form_ != ExtensionForm::kTwoByte)) return {};
  ExtensionIterator it = extensions();
  ExtensionElement e;
  while (it.next(e)) {
    if (e.id == id) return e.value;
  }
  return {};
}

std::span<const uint8_t> RtpPacketView::payload() const noexcept {
  return data_.subspan(headerSize_, payloadSize());
}

}  // namespace rtcgate::wire::rtp
