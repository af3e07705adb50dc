// Fuzz target: RFC 4571 framing on arbitrary bytes. The first byte picks the read size, the
// rest is the stream: the reader's frames must tile the stream exactly (or stop at one too
// large), match a one-shot parse, and survive a serialize round trip.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "wire/rfc4571/frame.h"

using namespace rtcgate::wire::rfc4571;

// NOLINTNEXTLINE(readability-identifier-naming): the libFuzzer entry point
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = 1 + data[0] % 64;
  const std::span<const uint8_t> stream(data + 1, size - 1);
  static std::array<uint8_t, kHeaderSize + 2048> storage;
  static std::array<uint8_t, kHeaderSize + 2048> out;
  FrameReader reader(storage, 2048);
  size_t fed = 0, consumed = 0;
  while (fed < stream.size()) {
    const size_t took = reader.feed(stream.subspan(fed, std::min(chunk, stream.size() - fed)));
    if (took == 0) __builtin_trap();  // a reader that stopped on kTooLarge is left below
    fed += took;
    for (;;) {
      const auto n = reader.next();
      if (n.status == FrameReader::Status::kNeedMore) break;
      if (n.status == FrameReader::Status::kTooLarge) {
        auto len = peekLength(stream.subspan(consumed));
        if (!len.ok() || *len <= reader.maxPayload()) __builtin_trap();
        return 0;
      }
      auto direct = parseFrame(stream.subspan(consumed));
      if (!direct.ok() || direct->payload.size() != n.payload.size() ||
          !std::equal(n.payload.begin(), n.payload.end(), direct->payload.begin()))
        __builtin_trap();
      auto written = serializeTo(out, n.payload);
      if (!written.ok() || *written != direct->wireSize ||
          std::memcmp(out.data(), stream.data() + consumed, *written) != 0)
        __builtin_trap();
      consumed += direct->wireSize;
    }
  }
  if (consumed + reader.buffered() != stream.size()) __builtin_trap();
  return 0;
}
