// Fuzzes the RTP view, extension walk, typed extension codecs, builder and RTX round trips.
#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "wire/demux.h"
#include "wire/rtp/rtp_extensions.h"
#include "wire/rtp/rtp_packet.h"
#include "wire/rtp/rtp_packet_builder.h"
#include "wire/rtp/rtp_rewrite.h"
#include "wire/rtp/rtx.h"

using namespace rtcgate::wire;
using namespace rtcgate::wire::rtp;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// Rebuilds the packet from its parsed fields and checks the copy parses to the same values.
void rebuild(const RtpPacketView& v) {
  if (v.extensionForm() == ExtensionForm::kOther) return;
  RtpPacketBuilder b;
  b.setMarker(v.marker()).setPayloadType(v.payloadType()).setSequenceNumber(v.sequenceNumber());
  b.setTimestamp(v.timestamp()).setSsrc(v.ssrc()).setPayload(v.payload());
  for (size_t i = 0; i < v.csrcCount(); ++i) check(b.addCsrc(v.csrc(i)));
  auto it = v.extensions();
  ExtensionElement e;
  while (it.next(e)) {
    if (!b.addExtension(e.id, e.value)) return;  // more than the builder holds
  }
  std::vector<uint8_t> out(b.size());
  auto n = b.serializeTo(out);
  check(n.ok() && *n == out.size());
  auto w = RtpPacketView::parse(out);
  check(w.ok());
  check(w->ssrc() == v.ssrc() && w->sequenceNumber() == v.sequenceNumber() &&
        w->payloadSize() == v.payloadSize());
  check(w->marker() == v.marker() && w->payloadType() == v.payloadType() && w->csrcCount() == v.csrcCount());
  auto a = v.extensions();
  ExtensionElement x;
  while (a.next(x)) {
    const auto got = w->findExtension(x.id);
    const auto want = v.findExtension(x.id);
    check(got.size() == want.size() &&
          (want.empty() || std::memcmp(got.data(), want.data(), want.size()) == 0));
  }
}

void rtxRoundTrip(std::span<const uint8_t> packet, const RtpPacketView& v) {
  std::vector<uint8_t> rtx(packet.size() + 2);
  auto n = buildRtx(packet, RtxParams{v.ssrc() ^ 1u, 97, 7}, rtx);
  check(n.ok());
  rtx.resize(*n);
  auto m = recoverFromRtx(rtx, OriginalParams{v.ssrc(), v.payloadType()}, rtx);
  check(m.ok());
  auto back = RtpPacketView::parse(std::span<const uint8_t>(rtx).first(*m));
  check(back.ok() && back->sequenceNumber() == v.sequenceNumber() && back->payloadSize() == v.payloadSize());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  (void)classifyPacket(in);
  (void)isRtcp(in);
  auto v = RtpPacketView::parse(in);
  if (!v.ok()) return 0;
  for (uint8_t id = 1; id < 16; ++id) {
    const auto value = v->findExtension(id);
    (void)readAbsSendTime(value);
    (void)readTransportSequence(value);
    (void)readAudioLevel(value);
    (void)readSdesString(value);
    (void)readVideoOrientation(value);
  }
  rebuild(*v);
  rtxRoundTrip(in, *v);
  std::vector<uint8_t> copy(in.begin(), in.end());
  check(setSsrc(copy, 1) && setSequenceNumber(copy, 2) && setTimestamp(copy, 3) && setMarker(copy, true));
  auto ext = mutableExtension(copy, 3);
  if (!ext.empty()) ext[0] ^= 0xff;
  auto again = RtpPacketView::parse(copy);
  check(again.ok() && again->ssrc() == 1 && again->sequenceNumber() == 2 && again->timestamp() == 3);
  return 0;
}
