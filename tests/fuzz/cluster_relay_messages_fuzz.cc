// Fuzzes the parsers of the relay requests and answers nodes send each other
// (cluster/relay_messages.h); what they accept must write back to the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cluster/relay_messages.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rtcgate::cluster;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto r = parseRelayRequest(text)) {
    const auto again = parseRelayRequest(relayRequestToJson(*r));
    if (!again || again->stream != r->stream || again->endpoint.address != r->endpoint.address) std::abort();
  }
  if (const auto a = parseRelayAnswer(text)) {
    const auto again = parseRelayAnswer(relayAnswerToJson(*a));
    if (!again || again->tracks.size() != a->tracks.size() || again->link != a->link) std::abort();
  }
  return 0;
}
