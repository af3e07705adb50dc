#pragma once
// Shared vectors for the FLV bridge tests: real x264 parameter sets and tag body builders.

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/hex.h"
#include "wire/rtmp/flv_builder.h"
#include "wire/rtmp/flv_tag.h"

namespace rtcgate::media::test {

inline std::vector<uint8_t> bytes(std::string_view hex) {
  auto v = fromHex(hex);
  EXPECT_FALSE(v.empty()) << "bad hex vector";
  return v;
}

// x264 High 1080p (25 frames/s) and Baseline 360p parameter sets.
inline const std::vector<uint8_t> kSps1080 = fromHex("67640028acd940780227e5c044000003000400000300c83c60c658");
inline const std::vector<uint8_t> kPps1080 = fromHex("68ebe3cb22c0");
inline const std::vector<uint8_t> kSps360 = fromHex("6742c01ed900a02ff97011000003000100000300320f162e48");
inline const std::vector<uint8_t> kPps360 = fromHex("68cb83cb20");

// AudioSpecificConfigs: AAC-LC 44.1 kHz stereo, AAC-LC 48 kHz mono.
inline const std::vector<uint8_t> kAsc44Stereo = fromHex("1210");
inline const std::vector<uint8_t> kAsc48Mono = fromHex("1188");

// `nals` as Annex B with 4-byte start codes.
inline std::vector<uint8_t> annexB(std::initializer_list<std::span<const uint8_t>> nals) {
  std::vector<uint8_t> out;
  for (auto nal : nals) {
    out.insert(out.end(), {0, 0, 0, 1});
    out.insert(out.end(), nal.begin(), nal.end());
  }
  return out;
}

// Runs a flv_builder writer into a vector of the size it reports.
template <typename F>
std::vector<uint8_t> build(F write) {
  std::vector<uint8_t> out(4096);
  auto n = write(std::span<uint8_t>(out));
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().message);
  out.resize(n.ok() ? *n : 0);
  return out;
}

inline std::vector<uint8_t> avcSequenceHeader(std::span<const uint8_t> sps, std::span<const uint8_t> pps) {
  return build([&](auto out) { return wire::rtmp::writeAvcSequenceHeader(sps, pps, out); });
}

inline std::vector<uint8_t> avcFrame(bool key, int32_t ctsMs, std::span<const uint8_t> annexB) {
  return build([&](auto out) { return wire::rtmp::writeAvcFrameFromAnnexB(key, ctsMs, annexB, out); });
}

inline std::vector<uint8_t> serialize(const wire::rtmp::VideoTag& tag) {
  return build([&](auto out) { return tag.serializeTo(out); });
}

inline std::vector<uint8_t> serialize(const wire::rtmp::AudioTag& tag) {
  return build([&](auto out) { return tag.serializeTo(out); });
}

// An Enhanced RTMP video tag body.
inline std::vector<uint8_t> enhancedVideo(uint32_t fourCc, wire::rtmp::PacketKind kind, bool key,
                                          std::span<const uint8_t> data, int32_t ctsMs = 0) {
  wire::rtmp::VideoTag t;
  t.enhanced = true;
  t.fourCc = fourCc;
  t.kind = kind;
  t.frameType = key ? wire::rtmp::VideoFrameType::kKey : wire::rtmp::VideoFrameType::kInter;
  t.compositionTimeMs = ctsMs;
  t.data = data;
  return serialize(t);
}

// An Enhanced RTMP audio tag body.
inline std::vector<uint8_t> enhancedAudio(uint32_t fourCc, wire::rtmp::PacketKind kind,
                                          std::span<const uint8_t> data) {
  wire::rtmp::AudioTag t;
  t.enhanced = true;
  t.soundFormat = wire::rtmp::kSoundFormatExHeader;
  t.fourCc = fourCc;
  t.kind = kind;
  t.data = data;
  return serialize(t);
}

// An OpusHead (RFC 7845 §5.1): version 1, `channels`, pre-skip 312, 48 kHz input, no gain.
inline std::vector<uint8_t> opusHead(uint8_t channels) {
  std::vector<uint8_t> head = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd', 1, channels, 0x38, 0x01,
                               0x80, 0xBB, 0x00, 0x00, 0, 0, 0};
  return head;
}

}  // namespace rtcgate::media::test
