#pragma once
// Builders of plain RTP/RTCP packets for the SRTP tests.

#include <cstdint>
#include <vector>

#include "base/byte_reader.h"

namespace rtcgate::crypto::srtp::test {

// A version-2 RTP packet with a 12-byte header and `payloadSize` bytes of patterned payload.
inline std::vector<uint8_t> makeRtp(uint16_t seq, uint32_t ssrc, size_t payloadSize = 160,
                                    uint32_t timestamp = 0x12345678) {
  std::vector<uint8_t> p(12 + payloadSize);
  p[0] = 0x80;
  p[1] = 96;
  storeU16(&p[2], seq);
  storeU32(&p[4], timestamp);
  storeU32(&p[8], ssrc);
  for (size_t i = 0; i < payloadSize; ++i) p[12 + i] = static_cast<uint8_t>(i * 7 + seq);
  return p;
}

// An RTCP receiver report (PT 201) with one report block, plus an APP-like tail of `extra` words.
inline std::vector<uint8_t> makeRtcp(uint32_t ssrc, size_t extraWords = 0) {
  const size_t words = 7 + extraWords;  // header word + SSRC + 6-word report block, minus 1 later
  std::vector<uint8_t> p(4 * (words + 1));
  p[0] = 0x81;
  p[1] = 201;
  storeU16(&p[2], static_cast<uint16_t>(words));
  storeU32(&p[4], ssrc);
  for (size_t i = 8; i < p.size(); ++i) p[i] = static_cast<uint8_t>(i * 13);
  return p;
}

}  // namespace rtcgate::crypto::srtp::test
