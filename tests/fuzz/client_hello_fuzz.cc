// Fuzzes the ClientHello reader that routes TLS connections on the HTTPS port (SNI, ALPN):
// any first bytes of a connection. A verdict on a prefix must not contradict the whole.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "wire/tls/client_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using rtcgate::wire::tls::HelloStatus;
  rtcgate::wire::tls::ClientHelloInfo whole, part;
  const auto bytes = std::span<const uint8_t>(data, size);
  const HelloStatus verdict = rtcgate::wire::tls::parseClientHello(bytes, whole);
  if (size > 0) {
    // A prefix is either "need more" or already the same verdict as the whole input.
    const HelloStatus early = rtcgate::wire::tls::parseClientHello(bytes.first(size - 1), part);
    if (early != HelloStatus::kNeedMore && early != verdict) std::abort();
  }
  return 0;
}
