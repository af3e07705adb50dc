#pragma once
// Transcoder: turns one track's frames from one codec into another (decode, convert,
// encode), one direction of one track. Not thread-safe: it runs on one CodecPool thread.

#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "codec/transcode_spec.h"
#include "media/media_frame.h"

namespace rtcgate::codec {

// The codec chain of one transcode. Errors from push(): kMalformed for an input frame the
// decoder rejected (count it and go on), kInternal when the encoder failed (the transcode
// cannot go on), kState for input it cannot use yet (AAC before its config).
class Transcoder {
 public:
  virtual ~Transcoder() = default;

  // A video or audio transcoder for `spec`; kUnsupported for a pair it cannot do.
  static Result<std::unique_ptr<Transcoder>> create(const TranscodeSpec& spec);

  // Decodes `in` and appends every frame the encoder produced so far to `out`.
  virtual Status push(const media::MediaFrame& in, std::vector<media::MediaFrame>& out) = 0;
  // Video: the next output frame is a keyframe. Audio: nothing to do.
  virtual void requestKeyframe() {}
  // Input frames skipped while waiting for a keyframe after a loss (video).
  virtual uint64_t framesSkipped() const noexcept { return 0; }
};

}  // namespace rtcgate::codec
