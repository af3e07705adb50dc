#pragma once
// MediaSchedule: the encoded clip cut into RTP payloads once, in send order, each with its
// offset in the loop and its RTP timestamp offset, ready for the publisher to replay.

#include <cstdint>
#include <vector>

#include "latency_index.h"
#include "media_source.h"
#include "packetizer.h"

namespace rtcgate::load {

// One packet of the loop.
struct ScheduledPacket {
  int64_t offsetUs = 0;      // send time from the start of the loop
  uint32_t rtpOffset = 0;    // RTP timestamp from the start of the loop (90 kHz / 48 kHz)
  uint32_t frameIndex = 0;   // video: frame number in the loop (PictureID source)
  bool video = false;
  bool marker = false;
  bool keyframeStart = false;
  bool inKeyframe = false;  // any packet of a keyframe
  std::vector<uint8_t> payload;
};

// The whole loop; packets sorted by offset, video before audio at equal offsets.
struct MediaSchedule {
  std::vector<ScheduledPacket> packets;
  int64_t durationUs = 0;
  uint32_t videoFrames = 0;
  uint64_t videoBytes = 0;
  uint32_t keyframes = 0;
};

MediaSchedule buildSchedule(const MediaClip& clip, VideoCodec codec);
// Keys for LatencyIndex::build: video payloads only (0 for the rest).
std::vector<uint64_t> latencyKeys(const MediaSchedule& s);
// Per packet: part of a keyframe.
std::vector<bool> keyframePackets(const MediaSchedule& s);

}  // namespace rtcgate::load
