#pragma once
// MediaSource: a few seconds of real VP8/H.264 video and Opus audio, encoded once at
// start-up from a generated moving test pattern with libavcodec, then looped by the publisher.

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"
#include "media/media_frame.h"

namespace rtcgate::load {

// Which video encoder feeds the publisher: MediaCodec::kVp8 or kH264.
using VideoCodec = media::MediaCodec;

// One encoded frame: a VP8 frame, an H.264 access unit (Annex B), or one 20 ms Opus frame.
struct EncodedFrame {
  std::vector<uint8_t> data;
  int64_t ptsUs = 0;  // presentation time from the start of the clip
  bool keyframe = false;
};

// What to encode.
struct MediaSourceOptions {
  VideoCodec codec = VideoCodec::kVp8;
  int width = 1280;
  int height = 720;
  int fps = 30;
  int64_t videoBitrate = 1'500'000;
  int keyframeIntervalSec = 2;
  int seconds = 10;
  int64_t audioBitrate = 64'000;
};

// The encoded clip, video and audio of the same duration.
struct MediaClip {
  std::vector<EncodedFrame> video;
  std::vector<EncodedFrame> audio;  // 48 kHz stereo, 20 ms each
  int64_t durationUs = 0;
};

// Encodes the clip; errors name the encoder that failed (e.g. "libx264 not available").
Result<MediaClip> encodeClip(const MediaSourceOptions& options);

}  // namespace rtcgate::load
