// Fuzzes TwccRecorder with arbitrary (seq, time) sequences: every feedback it builds must
// parse back with the wire codec, never report more packets received than arrived, and report each
// received packet within half a tick of a time it really arrived.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <vector>

#include "base/byte_reader.h"
#include "media/twcc_recorder.h"
#include "wire/rtcp/compound.h"
#include "wire/rtcp/transport_feedback.h"

using namespace rtcgate;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

using Arrivals = std::map<uint16_t, std::vector<int64_t>>;

bool arrivedAt(const Arrivals& arrivals, uint16_t seq, int64_t us) {
  auto it = arrivals.find(seq);
  if (it == arrivals.end()) return false;
  for (int64_t t : it->second) {
    if (us - t <= wire::rtcp::kTwccDeltaUnitUs / 2 && t - us <= wire::rtcp::kTwccDeltaUnitUs / 2) return true;
  }
  return false;
}

// Parses one buildFeedback() output; `reported` counts statuses marked received so far.
void verify(std::span<const uint8_t> bytes, const Arrivals& arrivals, size_t& reported) {
  wire::rtcp::CompoundIterator it(bytes);
  wire::rtcp::RtcpPacketRef ref;
  while (it.next(ref)) {
    auto fb = wire::rtcp::TransportFeedback::parse(ref.packet);
    check(fb.ok());
    auto packets = fb->packets();
    wire::rtcp::TwccPacketStatus s;
    while (packets.next(s)) {
      if (!s.received) continue;
      check(arrivedAt(arrivals, s.seq, s.arrivalUs));
      ++reported;
    }
  }
  check(!it.failed());
}

}  // namespace

// Input: records of 5 bytes: seq (u16), time step in 16 µs units (u16), flags (u8).
// Flags bit 0: build feedback after this packet; bits 1-7 pick the output buffer size.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  media::TwccRecorder rec;
  Arrivals arrivals;
  size_t reported = 0;
  size_t arrived = 0;
  std::array<uint8_t, 8192> out{};
  int64_t now = 1'000'000;
  ByteReader r(std::span<const uint8_t>(data, size));
  uint16_t seq = 0;
  uint16_t step = 0;
  uint8_t flags = 0;
  while (r.readU16(seq) && r.readU16(step) && r.readU8(flags)) {
    now += int64_t{step} * 16;
    rec.onPacket(seq, now);
    arrivals[seq].push_back(now);
    ++arrived;
    if (flags & 1) {
      const size_t cap = std::min(out.size(), static_cast<size_t>(flags >> 1) * 64);
      const size_t n = rec.buildFeedback(1, 2, now, std::span<uint8_t>(out.data(), cap));
      verify(std::span<const uint8_t>(out.data(), n), arrivals, reported);
      check(reported <= arrived);
    }
  }
  const size_t n = rec.buildFeedback(1, 2, now, out);
  verify(std::span<const uint8_t>(out.data(), n), arrivals, reported);
  check(reported <= arrived);
  return 0;
}
