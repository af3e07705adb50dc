#include "wire/dtls/record.h"

#include "base/byte_reader.h"
#include "base/byte_writer.h"

namespace rtcgate::wire::dtls {
namespace {

constexpr bool knownContentType(uint8_t t) noexcept {
  return t >= static_cast<uint8_t>(ContentType::kChangeCipherSpec) &&
         t <= static_cast<uint8_t>(ContentType::kApplicationData);
}

}  // namespace

// RFC 6347 §4.1: type(8) version(16) epoch(16) sequence_number(48) length(16) fragment.
Result<Record> Record::parse(std::span<const uint8_t> data) noexcept {
  ByteReader r(data);
  uint8_t type = 0;
  uint16_t version = 0;
  uint16_t epoch = 0;
  uint16_t seqHi = 0;
  uint32_t seqLo = 0;
  uint16_t length = 0;
  if (!r.readU8(type) || !r.readU16(version) || !r.readU16(epoch) || !r.readU16(seqHi) || !r.readU32(seqLo) ||
      !r.readU16(length)) {
    return Error::truncated("dtls record header truncated");
  }
  if (!knownContentType(type)) return Error::malformed("dtls record content type unknown");
  // DTLS 1.0 (0xfeff) appears on ClientHello records; DTLS 1.3 never uses this header for
  // anything but its ClientHello, which still says 1.2 (RFC 9147 §4).
  if (version != kDtls12Version && version != kDtls10Version) {
    return Error::unsupported("dtls record version unsupported");
  }
  if (length > kMaxFragmentLength) return Error::malformed("dtls record too long");
  Record rec;
  if (!r.readBytes(length, rec.fragment)) return Error::truncated("dtls record fragment truncated");
  rec.type = static_cast<ContentType>(type);
  rec.version = version;
  rec.epoch = epoch;
  rec.sequence = (uint64_t{seqHi} << 32) | seqLo;
  return rec;
}

Result<size_t> Record::serializeTo(std::span<uint8_t> out) const noexcept {
  if (fragment.size() > kMaxFragmentLength) return Error::malformed("dtls record too long");
  if (sequence > kMaxSequenceNumber) return Error::malformed("dtls sequence number over 48 bits");
  ByteWriter w(out);
  w.writeU8(static_cast<uint8_t>(type));
  w.writeU16(version);
  w.writeU16(epoch);
  w.writeU16(static_cast<uint16_t>(sequence >> 32));
  w.writeU32(static_cast<uint32_t>(sequence));
  w.writeU16(static_cast<uint16_t>(fragment.size()));
  w.writeBytes(fragment);
  if (w.overflowed()) return Error::noSpace("dtls record does not fit");
  return w.size();
}

bool RecordIterator::next(Record& out) noexcept {
  if (failed_ || rest_.empty()) return false;
  auto rec = Record::parse(rest_);
  if (!rec) {
    failed_ = true;
    error_ = rec.error();
    return false;
  }
  out = *rec;
  const size_t n = out.sizeOnWire();
  rest_ = rest_.subspan(n);
  consumed_ += n;
  return true;
}

Result<size_t> validateDatagram(std::span<const uint8_t> datagram) noexcept {
  if (datagram.empty()) return Error::truncated("empty dtls datagram");
  RecordIterator it(datagram);
  Record rec;
  size_t count = 0;
  while (it.next(rec)) ++count;
  if (it.error()) return *it.error();
  return count;
}

// RFC 6347 §4.2.2: msg_type(8) length(24) message_seq(16) fragment_offset(24)
// fragment_length(24) body.
Result<HandshakeHeader> HandshakeHeader::parse(std::span<const uint8_t> fragment) noexcept {
  ByteReader r(fragment);
  uint8_t type = 0;
  HandshakeHeader h;
  if (!r.readU8(type) || !r.readU24(h.length) || !r.readU16(h.messageSeq) || !r.readU24(h.fragmentOffset) ||
      !r.readU24(h.fragmentLength)) {
    return Error::truncated("dtls handshake header truncated");
  }
  if (uint64_t{h.fragmentOffset} + h.fragmentLength > h.length) {
    return Error::malformed("dtls handshake fragment beyond message");
  }
  if (!r.readBytes(h.fragmentLength, h.body)) return Error::truncated("dtls handshake fragment truncated");
  h.type = static_cast<HandshakeType>(type);
  return h;
}

Result<size_t> HandshakeHeader::serializeTo(std::span<uint8_t> out) const noexcept {
  if (body.size() != fragmentLength || uint64_t{fragmentOffset} + fragmentLength > length ||
      length > 0xffffff) {
    return Error::malformed("dtls handshake header inconsistent");
  }
  ByteWriter w(out);
  w.writeU8(static_cast<uint8_t>(type));
  w.writeU24(length);
  w.writeU16(messageSeq);
  w.writeU24(fragmentOffset);
  w.writeU24(fragmentLength);
  w.writeBytes(body);
  if (w.overflowed()) return Error::noSpace("dtls handshake message does not fit");
  return w.size();
}

Result<HandshakeHeader> peekClientHello(std::span<const uint8_t> datagram) noexcept {
  auto rec = Record::parse(datagram);
  if (!rec) return rec.error();
  if (rec->type != ContentType::kHandshake || rec->epoch != 0) {
    return Error::malformed("not a plaintext handshake record");
  }
  auto hs = HandshakeHeader::parse(rec->fragment);
  if (!hs) return hs.error();
  if (hs->type != HandshakeType::kClientHello) return Error::malformed("not a ClientHello");
  return hs;
}

}  // namespace rtcgate::wire::dtls
