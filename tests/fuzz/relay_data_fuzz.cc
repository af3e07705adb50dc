// Fuzzes the parser of the data messages other nodes send over relay links (sfu/relay_data.h),
// and checks that what it accepts encodes back to the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "sfu/relay_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtcgate::sfu;
  const std::span<const uint8_t> in(data, size);
  auto m = parseRelayData(in);
  if (!m.ok()) return 0;
  const auto again = encodeRelayData(*m);
  if (again.size() != size || !std::equal(again.begin(), again.end(), in.begin())) std::abort();
  return 0;
}
