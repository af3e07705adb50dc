#pragma once
// StreamContext: what a stream needs to make renditions — the codec pool and the worker's
// executor (both null when transcoding is unavailable, e.g. in unit tests of forwarding).

#include "base/executor.h"
#include "codec/codec_pool.h"

namespace rtcgate::sfu {

struct StreamContext {
  codec::CodecPool* pool = nullptr;
  Executor* executor = nullptr;
  int keyframeIntervalMs = 2000;  // of the H.264 renditions
};

}  // namespace rtcgate::sfu
