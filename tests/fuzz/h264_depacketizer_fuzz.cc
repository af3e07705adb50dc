// Fuzzes the H.264 depacketizer with arbitrary payload sequences: every access unit it
// emits must be Annex B whose NAL units RTP can carry, a keyframe must hold an IDR, and
// packetizing an emitted access unit again must give it back byte for byte.
//
// Input: records of [flags][length][length payload bytes]. flags bit 0: marker; bits 1-2:
// sequence step (0 = repeat, 1 = next, 2 = skip one, 3 = step back); bit 3: new timestamp.
// The first byte, if any, picks the re-packetization MTU.
#include <cstdint>
#include <span>
#include <vector>

#include "media/annex_b.h"
#include "media/h264_depacketizer.h"
#include "media/h264_packetizer.h"

using rtcgate::media::AnnexBReader;
using rtcgate::media::H264Depacketizer;
using rtcgate::media::H264Packetizer;
using rtcgate::media::MediaFrame;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

bool holdsIdr(std::span<const uint8_t> annexB) {
  AnnexBReader r(annexB);
  std::span<const uint8_t> nal;
  while (r.next(nal)) {
    if (rtcgate::media::nalType(nal[0]) == rtcgate::media::kNalIdr) return true;
  }
  return false;
}

// Packetizes `frame` at `mtu` and depacketizes it in a fresh depacketizer.
void checkRoundTrip(const MediaFrame& frame, size_t mtu) {
  H264Packetizer p(mtu);
  // Start codes inside a NAL unit re-split it; a piece may then begin with a type RTP
  // reserves, which the packetizer refuses. Nothing to compare then.
  if (!p.setFrame(frame.data).ok()) return;
  H264Depacketizer d;
  std::vector<MediaFrame> out;
  std::vector<uint8_t> buf(mtu);
  uint16_t seq = 0;
  while (p.hasNext()) {
    auto r = p.next(buf);
    check(r.ok() && r->size <= mtu);
    d.push(seq++, 0, r->marker, std::span<const uint8_t>(buf.data(), r->size), out);
  }
  check(out.size() == 1);
  check(out[0].data == rtcgate::media::normalizeAnnexB(frame.data));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t mtu = H264Packetizer::kMinPayload + data[0] % 200;
  H264Depacketizer d;
  std::vector<MediaFrame> frames;
  uint16_t seq = 1000;
  uint32_t ts = 0;
  for (size_t pos = 1; pos + 2 <= size;) {
    const uint8_t flags = data[pos];
    const size_t len = std::min<size_t>(data[pos + 1], size - pos - 2);
    const std::span<const uint8_t> payload(data + pos + 2, len);
    pos += 2 + len;
    const int steps[] = {0, 1, 2, -1};
    seq = static_cast<uint16_t>(seq + steps[(flags >> 1) & 3]);
    if (flags & 8) ts += 3000;
    d.push(seq, ts, (flags & 1) != 0, payload, frames);
  }
  check(d.stats().framesOut == frames.size());
  for (const auto& f : frames) {
    check(f.data.size() > 4 && f.data[0] == 0 && f.data[1] == 0 && f.data[2] == 0 && f.data[3] == 1);
    check(!f.keyframe || holdsIdr(f.data));
    checkRoundTrip(f, mtu);
  }
  return 0;
}
