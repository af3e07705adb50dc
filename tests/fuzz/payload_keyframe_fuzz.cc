// Fuzzes the H.264, VP9 and AV1 payload inspectors: no input may make them read past the end,
// and a VP9 descriptor that parses must leave frame data after itself.
#include <cstdint>
#include <span>

#include "wire/payload/av1_aggregation_header.h"
#include "wire/payload/h264_keyframe.h"
#include "wire/payload/vp9_descriptor.h"

using namespace rtcgate::wire::payload;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  auto h = H264PayloadInfo::parse(input);
  if (h.ok()) check(h->packetType >= 1 && (h->packetType <= 24 || h->packetType == 28));
  auto v = Vp9Descriptor::parse(input);
  if (v.ok()) check(v->size >= 1 && v->size < size);
  auto a = Av1AggregationHeader::parse(input);
  if (a.ok()) check(size >= 2 && !(a->newSequence && a->continuesFragment));
  return 0;
}
