// Fuzz target: the H.264 SEI reader (payload type and size runs, emulation prevention) on
// arbitrary NAL units. What it finds must lie inside the unescaped bytes; what the writer
// makes from a found payload must read back to that payload.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/h264_sei.h"

using namespace rtcgate::media;

namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  SeiReader reader;
  std::vector<SeiUserData> found;
  if (!reader.read(std::span<const uint8_t>(data, size), found).ok()) return 0;
  check(found.size() <= SeiReader::kMaxMessages);
  for (const auto& sei : found) {
    check(sei.payload.size() < size);
    const std::vector<uint8_t> payload(sei.payload.begin(), sei.payload.end());
    const auto nal = writeSeiUserData(sei.uuid, payload);
    if (nal.empty()) continue;
    SeiReader again;
    std::vector<SeiUserData> back;
    check(again.read(nal, back).ok() && back.size() == 1);
    check(back[0].uuid == sei.uuid);
    check(std::vector<uint8_t>(back[0].payload.begin(), back[0].payload.end()) == payload);
  }
  return 0;
}
