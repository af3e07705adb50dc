#pragma once
// TranscodeSpec: what one Transcoder turns into what — input and output codec of one track
// and the output's encoding settings.

#include <cstdint>
#include <vector>

#include "media/media_frame.h"

namespace rtcgate::codec {

struct TranscodeSpec {
  media::MediaCodec from = media::MediaCodec::kVp8;
  media::MediaCodec to = media::MediaCodec::kH264;
  // Video: more output codecs made from the same decode (one decode per source, however
  // many codecs its sinks want); output frames say their codec.
  std::vector<media::MediaCodec> alsoTo;

  // Video output. H.264 is Constrained Baseline (no B-frames, browser-safe), x264 tuned
  // for zero latency; the size is the input's (within maxPixels).
  int keyframeIntervalMs = 2000;
  int videoBitrateKbps = 0;  // 0: chosen from the resolution (about 0.1 bit per pixel at 30 fps)
  // Pictures larger than this many pixels are scaled down to it (aspect kept): a source's
  // size never decides how much encoding work one transcode costs.
  int maxPixels = 1920 * 1080;
  // The timed metadata of the input frames also goes into the H.264 made from them, as
  // SEI user data unregistered (media/h264_sei.h) before the frame's slices.
  bool seiMetadata = false;

  // Audio output: Opus is always 48 kHz; AAC keeps this rate.
  int sampleRate = 48000;
  int channels = 2;
  int audioBitrateKbps = 0;  // 0: the codec's usual (Opus 64, AAC 128)
};

}  // namespace rtcgate::codec
