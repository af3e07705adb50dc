#pragma once
// Helpers for the packetizer/depacketizer tests: packets as plain values, and frames with
// recognisable bytes.

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "media/h264_packetizer.h"
#include "media/media_frame.h"
#include "media/vp8_packetizer.h"

namespace rtcgate::media::test {

// One RTP packet's worth: the header fields a depacketizer reads and the payload.
struct TestPacket {
  uint16_t seq = 0;
  uint32_t ts = 0;
  bool marker = false;
  std::vector<uint8_t> payload;
};

// Drains a packetizer that has a frame set, numbering packets from `seq` on.
template <typename Packetizer>
std::vector<TestPacket> drain(Packetizer& p, uint16_t& seq, uint32_t ts, size_t bufferSize = 1500) {
  std::vector<TestPacket> out;
  while (p.hasNext()) {
    std::vector<uint8_t> buf(bufferSize);
    auto r = p.next(buf);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) break;
    buf.resize(r->size);
    out.push_back({seq++, ts, r->marker, std::move(buf)});
  }
  return out;
}

inline std::vector<TestPacket> packetizeVp8(std::span<const uint8_t> frame, uint16_t& seq, uint32_t ts,
                                            size_t maxPayload = kDefaultMaxRtpPayload,
                                            uint16_t pictureId = 0) {
  Vp8Packetizer p(maxPayload);
  p.setFrame(frame, pictureId);
  return drain(p, seq, ts);
}

inline std::vector<TestPacket> packetizeH264(std::span<const uint8_t> annexB, uint16_t& seq, uint32_t ts,
                                             size_t maxPayload = kDefaultMaxRtpPayload) {
  H264Packetizer p(maxPayload);
  EXPECT_TRUE(p.setFrame(annexB).ok());
  return drain(p, seq, ts);
}

// Feeds packets to a depacketizer and returns the frames it completed.
template <typename Depacketizer>
std::vector<MediaFrame> feed(Depacketizer& d, const std::vector<TestPacket>& packets) {
  std::vector<MediaFrame> frames;
  for (const auto& p : packets) d.push(p.seq, p.ts, p.marker, p.payload, frames);
  return frames;
}

// `n` bytes that differ from one position to the next and from one `seed` to another.
inline std::vector<uint8_t> pattern(size_t n, uint8_t seed) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(seed + i * 7 + (i >> 8));
  return v;
}

// A VP8 frame of `n` bytes: the first byte's P bit (RFC 7741 §4.3) says key or delta.
inline std::vector<uint8_t> vp8Frame(size_t n, bool key, uint8_t seed = 1) {
  auto v = pattern(n, seed);
  v[0] = static_cast<uint8_t>(key ? (v[0] & ~1u) : (v[0] | 1u));
  return v;
}

// A NAL unit of type `type` (NRI 3) with `n` bytes in all, none of them zero so no start
// code can appear inside.
inline std::vector<uint8_t> nal(uint8_t type, size_t n, uint8_t seed = 1) {
  std::vector<uint8_t> v(n);
  v[0] = static_cast<uint8_t>(0x60 | type);
  for (size_t i = 1; i < n; ++i) v[i] = static_cast<uint8_t>(1 + (seed + i * 13) % 250);
  return v;
}

// NAL units joined into Annex B with 4-byte start codes (the form frames carry).
inline std::vector<uint8_t> annexB(std::initializer_list<std::vector<uint8_t>> nals) {
  std::vector<uint8_t> out;
  for (const auto& n : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), n.begin(), n.end());
  }
  return out;
}

}  // namespace rtcgate::media::test
