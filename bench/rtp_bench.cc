// Micro-benchmarks of the RTP/RTCP wire codecs on the SFU hot path.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <vector>

#include "wire/rtcp/compound.h"
#include "wire/rtcp/nack.h"
#include "wire/rtcp/receiver_report.h"
#include "wire/rtcp/remb.h"
#include "wire/rtcp/sdes.h"
#include "wire/rtcp/sender_report.h"
#include "wire/rtcp/transport_feedback.h"
#include "wire/rtp/rtp_packet.h"
#include "wire/rtp/rtp_packet_builder.h"
#include "wire/rtp/rtp_rewrite.h"

namespace {

using namespace rtcgate::wire;

// A 1200-byte video packet with mid, abs-send-time and transport-cc one-byte extensions.
std::vector<uint8_t> videoPacket() {
  static const std::array<uint8_t, 1> mid{'0'};
  static const std::array<uint8_t, 3> ast{1, 2, 3};
  static const std::array<uint8_t, 2> twcc{0, 9};
  static std::vector<uint8_t> payload(1200 - 28, 0xab);
  rtp::RtpPacketBuilder b;
  b.setPayloadType(96).setSequenceNumber(1).setTimestamp(3000).setSsrc(0x11223344).setPayload(payload);
  b.addExtension(4, mid);
  b.addExtension(2, ast);
  b.addExtension(3, twcc);
  std::vector<uint8_t> out(b.size());
  (void)b.serializeTo(out);
  return out;
}

void BM_RtpParse(benchmark::State& state) {
  const auto packet = videoPacket();
  for (auto _ : state) {
    auto v = rtp::RtpPacketView::parse(packet);
    benchmark::DoNotOptimize(v->findExtension(3).data());
    benchmark::DoNotOptimize(v->findExtension(2).data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * packet.size()));
}
BENCHMARK(BM_RtpParse);

void BM_RtpRewriteInPlace(benchmark::State& state) {
  auto packet = videoPacket();
  uint16_t seq = 0;
  for (auto _ : state) {
    rtp::setSsrc(packet, 0xcafebabe);
    rtp::setSequenceNumber(packet, ++seq);
    rtp::setTimestamp(packet, seq * 3000u);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RtpRewriteInPlace);

// SR + SDES + RR + NACK + REMB in one compound, as a browser might send.
std::vector<uint8_t> typicalCompound() {
  static std::vector<uint8_t> buf(512);
  rtcp::SenderReport sr;
  sr.senderSsrc = 1;
  sr.reports.add(rtcp::ReportBlock{2, 3, 4, 5, 6, 7, 8});
  rtcp::Sdes sdes;
  sdes.addCname(1, "abcdefghijklmnop");
  rtcp::ReceiverReport rr;
  rr.senderSsrc = 1;
  rr.reports.add(rtcp::ReportBlock{3});
  rtcp::Nack nack;
  nack.senderSsrc = 1;
  nack.mediaSsrc = 2;
  const std::array<uint16_t, 4> lost{100, 102, 130, 131};
  nack.setLost(lost);
  rtcp::Remb remb;
  remb.senderSsrc = 1;
  remb.bitrateBps = 2'000'000;
  remb.addSsrc(2);
  rtcp::CompoundBuilder b(buf);
  b.append(sr);
  b.append(sdes);
  b.append(rr);
  b.append(nack);
  b.append(remb);
  return {b.data().begin(), b.data().end()};
}

void BM_RtcpCompoundParse(benchmark::State& state) {
  const auto compound = typicalCompound();
  for (auto _ : state) {
    rtcp::CompoundIterator it(compound);
    rtcp::RtcpPacketRef ref;
    while (it.next(ref)) {
      switch (ref.kind()) {
        case rtcp::RtcpKind::kSr:
          benchmark::DoNotOptimize(rtcp::SenderReport::parse(ref.packet).ok());
          break;
        case rtcp::RtcpKind::kRr:
          benchmark::DoNotOptimize(rtcp::ReceiverReport::parse(ref.packet).ok());
          break;
        case rtcp::RtcpKind::kSdes:
          benchmark::DoNotOptimize(rtcp::Sdes::parse(ref.packet).ok());
          break;
        case rtcp::RtcpKind::kNack:
          benchmark::DoNotOptimize(rtcp::Nack::parse(ref.packet).ok());
          break;
        case rtcp::RtcpKind::kRemb:
          benchmark::DoNotOptimize(rtcp::Remb::parse(ref.packet).ok());
          break;
        default:
          break;
      }
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * compound.size()));
}
BENCHMARK(BM_RtcpCompoundParse);

void BM_TwccBuild100(benchmark::State& state) {
  std::vector<uint8_t> out(1500);
  for (auto _ : state) {
    rtcp::TransportFeedbackBuilder b(1, 2, 0);
    for (uint16_t i = 0; i < 100; ++i) {
      if (i % 10 != 3) b.add(i, 1'000'000 + 2000 * i);
    }
    benchmark::DoNotOptimize(b.serializeTo(out).ok());
  }
}
BENCHMARK(BM_TwccBuild100);

}  // namespace

BENCHMARK_MAIN();
