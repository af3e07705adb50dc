#pragma once
// StreamContext: what a stream needs to make renditions — the codec pool and the worker's
// executor (both null when transcoding is unavailable, e.g. in unit tests of forwarding).

#include "base/executor.h"
#include "codec/codec_pool.h"

namespace rtcgate::sfu {

// How renditions encode.
struct EncodeOptions {
  int keyframeIntervalMs = 2000;  // of the H.264 renditions
  bool seiMetadata = false;       // timed metadata also as SEI user data in their H.264
};

struct StreamContext {
  codec::CodecPool* pool = nullptr;
  Executor* executor = nullptr;
  EncodeOptions encode;
};

}  // namespace rtcgate::sfu
