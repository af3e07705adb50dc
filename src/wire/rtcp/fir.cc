#include "wire/rtcp/fir.h"

#include "base/byte_reader.h"

namespace rtcgate::wire::rtcp {

bool Fir::add(uint32_t ssrc, uint8_t seqNr) noexcept {
  if (count >= kMaxEntries) return false;
  entries[count++] = FirEntry{ssrc, seqNr};
  return true;
}

Result<Fir> Fir::parse(std::span<const uint8_t> packet) noexcept {
  auto f = FeedbackPacket::parse(packet, PacketType::kPsFeedback, static_cast<uint8_t>(PsFeedbackFmt::kFir));
  if (!f.ok()) return f.error();
  // RFC 5104 §4.3.1.1: FCI entries of SSRC(32), Seq nr(8), reserved(24).
  if (f->fci.empty() || f->fci.size() % 8 != 0) return Error::malformed("rtcp: FIR FCI size");
  const size_t n = f->fci.size() / 8;
  if (n > kMaxEntries) return Error::unsupported("rtcp: FIR with too many entries");
  Fir fir;
  fir.senderSsrc = f->senderSsrc;
  for (size_t i = 0; i < n; ++i) fir.entries[i] = FirEntry{loadU32(&f->fci[8 * i]), f->fci[8 * i + 4]};
  fir.count = static_cast<uint8_t>(n);
  return fir;
}

bool Fir::serializeTo(ByteWriter& w) const noexcept {
  if (count == 0) return false;
  // RFC 5104 §4.3.1.2: the media source SSRC field is unused and set to 0.
  if (!FeedbackPacket::writeHeader(w, PacketType::kPsFeedback, static_cast<uint8_t>(PsFeedbackFmt::kFir),
                                   senderSsrc, 0, 8u * count)) {
    return false;
  }
  for (size_t i = 0; i < count; ++i) {
    w.writeU32(entries[i].ssrc);
    w.writeU8(entries[i].seqNr);
    w.writeU24(0);
  }
  return !w.overflowed();
}

}  // namespace rtcgate::wire::rtcp
