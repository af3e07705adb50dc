// Fuzzes the parser of the node records other nodes write to Redis (cluster/node_info.h),
// and checks that what it accepts writes back to a record that parses to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/node_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtcgate::cluster;
  const auto node = parseNodeInfo(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!node) return 0;
  const auto again = parseNodeInfo(nodeInfoToJson(*node));
  if (!again || again->id != node->id || again->httpUrl != node->httpUrl || again->streams.size() != node->streams.size())
    std::abort();
  (void)loadScore(node->load);
  return 0;
}
