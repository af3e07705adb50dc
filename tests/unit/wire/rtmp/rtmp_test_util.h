#pragma once
// Helpers for RTMP chunk tests: owned copies of messages and split-anywhere feeding.

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "wire/rtmp/chunk_reader.h"
#include "wire/rtmp/chunk_writer.h"

namespace rtcgate::wire::rtmp::test {

// A message with its payload copied out of the reader.
struct OwnedMessage {
  MessageHeader header;
  std::vector<uint8_t> payload;
  bool operator==(const OwnedMessage&) const = default;
};

// Feeds `bytes` in pieces of the given sizes (cycled); stops at the first error.
inline Result<std::vector<OwnedMessage>> readInPieces(ChunkReader& reader, std::span<const uint8_t> bytes,
                                                      const std::vector<size_t>& pieces) {
  std::vector<OwnedMessage> out;
  size_t pos = 0;
  size_t k = 0;
  while (pos < bytes.size()) {
    const size_t n = std::min(pieces[k++ % pieces.size()], bytes.size() - pos);
    std::span<const uint8_t> in = bytes.subspan(pos, n);
    pos += n;
    while (!in.empty()) {
      auto m = reader.read(in);
      if (!m.ok()) return m.error();
      if (*m) out.push_back({(*m)->header, {(*m)->payload.begin(), (*m)->payload.end()}});
    }
  }
  return out;
}

inline Result<std::vector<OwnedMessage>> readAll(std::span<const uint8_t> bytes, size_t piece = SIZE_MAX,
                                                 ChunkReaderLimits limits = {}) {
  ChunkReader reader(limits);
  return readInPieces(reader, bytes, {piece});
}

inline std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

}  // namespace rtcgate::wire::rtmp::test
