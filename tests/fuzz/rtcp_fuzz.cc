// Fuzzes compound RTCP iteration and every packet codec: whatever parses must serialize,
// and re-parsing the serialized form must serialize to the same bytes again.
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "wire/rtcp/app.h"
#include "wire/rtcp/bye.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/fir.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/pli.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sdes.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtcp/transport_feedback.h"
#include "wire/rtcp/xr.h"

using namespace rtcgate::wire::rtcp;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

template <typename Packet>
void roundTrip(std::span<const uint8_t> packet) {
  auto p = Packet::parse(packet);
  if (!p.ok()) return;
  std::vector<uint8_t> first(p->size());
  auto n = p->serializeTo(first);
  if (!n.ok()) return;  // e.g. an APP whose data is not word-aligned after padding removal
  check(*n == first.size());
  auto q = Packet::parse(first);
  check(q.ok());
  std::vector<uint8_t> second(q->size());
  auto m = q->serializeTo(second);
  check(m.ok() && first == second);
}

void iterateTwcc(std::span<const uint8_t> packet) {
  auto fb = TransportFeedback::parse(packet);
  if (!fb.ok()) return;
  auto it = fb->packets();
  TwccPacketStatus s;
  size_t n = 0;
  size_t received = 0;
  while (it.next(s)) {
    ++n;
    received += s.received;
  }
  check(n == fb->statusCount() && received == fb->receivedCount());
}

void dispatch(const RtcpPacketRef& ref) {
  switch (ref.kind()) {
    case RtcpKind::kSr:
      return roundTrip<SenderReport>(ref.packet);
    case RtcpKind::kRr:
      return roundTrip<ReceiverReport>(ref.packet);
    case RtcpKind::kSdes:
      return roundTrip<Sdes>(ref.packet);
    case RtcpKind::kBye:
      return roundTrip<Bye>(ref.packet);
    case RtcpKind::kApp:
      return roundTrip<App>(ref.packet);
    case RtcpKind::kNack:
      return roundTrip<Nack>(ref.packet);
    case RtcpKind::kTransportCc:
      iterateTwcc(ref.packet);
      return roundTrip<TransportFeedback>(ref.packet);
    case RtcpKind::kPli:
      return roundTrip<Pli>(ref.packet);
    case RtcpKind::kFir:
      return roundTrip<Fir>(ref.packet);
    case RtcpKind::kRemb:
      return roundTrip<Remb>(ref.packet);
    case RtcpKind::kXr:
      return roundTrip<Xr>(ref.packet);
    case RtcpKind::kUnknown:
      return;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> in(data, size);
  CompoundIterator it(in);
  RtcpPacketRef ref;
  size_t n = 0;
  while (it.next(ref)) {
    check(ref.packet.size() == ref.header.packetSize);
    dispatch(ref);
    ++n;
  }
  auto v = validateCompound(in);
  check(v.ok() == (!it.failed() && n > 0));
  return 0;
}
